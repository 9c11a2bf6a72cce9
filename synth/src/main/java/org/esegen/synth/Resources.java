package org.esegen.synth;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * FPGA resources counted from the cell types of a synthesized UltraScale netlist.
 *
 * @param lut       logic LUTs: LUT1 to LUT6 cells, summed
 * @param lutMemory LUTs used as memory: LUT RAM and SRL cells, in the LUTs each occupies
 * @param ff        flip-flops: FD* cells
 * @param dsp       DSP48E2 slices
 * @param ramb36    RAMB36E2 block RAMs
 * @param ramb18    RAMB18E2 block RAMs
 * @param carry     carry-chain cells (CARRY4/CARRY8); Vivado packs adders differently, so this only
 *                  shows how much arithmetic there is
 */
public record Resources(long lut, long lutMemory, long ff, long dsp, long ramb36, long ramb18, long carry) {

    public static final Resources NONE = new Resources(0, 0, 0, 0, 0, 0, 0);

    private static final Pattern LOGIC_LUT = Pattern.compile("LUT[1-6]");
    private static final Pattern FLIP_FLOP = Pattern.compile("FD[RSCP]E(_1)?");
    private static final Pattern CARRY = Pattern.compile("CARRY[48]");

    /**
     * LUTs each LUT RAM or shift-register primitive occupies (UltraScale SLICEM: 8 LUTs of 64 bits).
     * Every primitive Yosys 0.23's {@code synth_xilinx -family xcu} can emit is listed.
     */
    private static final Map<String, Integer> MEMORY_LUTS = Map.ofEntries(
            Map.entry("RAM32M", 4), Map.entry("RAM32M16", 8), Map.entry("RAM64M", 4), Map.entry("RAM64M8", 8),
            Map.entry("RAM32X16DR8", 8), Map.entry("RAM64X8SW", 8), Map.entry("RAM64X1D", 2),
            Map.entry("RAM128X1D", 4), Map.entry("RAM256X1D", 8), Map.entry("RAM64X1S", 1),
            Map.entry("RAM128X1S", 2), Map.entry("RAM256X1S", 4), Map.entry("RAM512X1S", 8),
            Map.entry("SRL16E", 1), Map.entry("SRLC32E", 1));

    /**
     * Counts the primitives among {@code cellCounts}; cell types that are not primitives counted
     * here (sub-module instances, MUXF7, INV, buffers) are ignored.
     *
     * @param cellCounts cell type to number of cells, as Yosys {@code stat} reports them
     */
    public static Resources fromCellCounts(Map<String, Long> cellCounts) {
        long lut = 0;
        long lutMemory = 0;
        long ff = 0;
        long carry = 0;
        for (Map.Entry<String, Long> cell : cellCounts.entrySet()) {
            String type = cell.getKey();
            long count = cell.getValue();
            if (LOGIC_LUT.matcher(type).matches()) {
                lut += count;
            } else if (FLIP_FLOP.matcher(type).matches()) {
                ff += count;
            } else if (CARRY.matcher(type).matches()) {
                carry += count;
            } else if (MEMORY_LUTS.containsKey(type)) {
                lutMemory += count * MEMORY_LUTS.get(type);
            }
        }
        return new Resources(lut, lutMemory, ff, cellCounts.getOrDefault("DSP48E2", 0L),
                cellCounts.getOrDefault("RAMB36E2", 0L), cellCounts.getOrDefault("RAMB18E2", 0L), carry);
    }

    /** Block RAM in 36 Kb equivalents: RAMB36 plus half of each RAMB18. */
    @JsonProperty("bram36")
    public double bram36() {
        return ramb36 + ramb18 / 2.0;
    }

    /** The sum of this and {@code other}. */
    public Resources plus(Resources other) {
        return new Resources(lut + other.lut, lutMemory + other.lutMemory, ff + other.ff, dsp + other.dsp,
                ramb36 + other.ramb36, ramb18 + other.ramb18, carry + other.carry);
    }

    /** These resources {@code n} times over. */
    public Resources times(long n) {
        return new Resources(lut * n, lutMemory * n, ff * n, dsp * n, ramb36 * n, ramb18 * n, carry * n);
    }
}
