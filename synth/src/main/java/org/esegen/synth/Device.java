package org.esegen.synth;

import org.esegen.config.Xcku060;

/**
 * An FPGA's capacity in the resources the estimates count.
 *
 * @param part   Vivado part name
 * @param luts   CLB LUTs (logic and memory use together)
 * @param ffs    CLB flip-flops
 * @param dsps   DSP48E2 slices
 * @param bram36 36 Kb block RAMs (each also usable as two 18 Kb halves)
 */
public record Device(String part, int luts, int ffs, int dsps, int bram36) {

    /** The XCKU060 part of ESE and of the ADM-PCIE-KU3. */
    public static final String XCKU060_PART = Xcku060.PART;

    /** Kintex UltraScale XCKU060, the target of ESE; it has no UltraRAM. */
    public static final Device XCKU060 = new Device(XCKU060_PART, Xcku060.LUTS, Xcku060.FFS, Xcku060.DSPS,
            Xcku060.BRAM36);

    /**
     * Share of this device that {@code used} takes, in percent per resource.
     *
     * @param used resources of a design
     * @return LUT (logic plus memory), FF, DSP and BRAM36-equivalent percentages
     */
    public Utilization utilization(Resources used) {
        return new Utilization(percent(used.lut() + used.lutMemory(), luts), percent(used.ff(), ffs),
                percent(used.dsp(), dsps), percent(used.bram36(), bram36));
    }

    /** Whether {@code used} fits: CLB LUTs (logic plus memory), flip-flops, DSPs and block RAM each within the device. */
    public boolean fits(Resources used) {
        return used.lut() + used.lutMemory() <= luts && used.ff() <= ffs && used.dsp() <= dsps && used.bram36() <= bram36;
    }

    private static double percent(double used, int available) {
        return Math.round(10_000.0 * used / available) / 100.0;
    }

    /**
     * Percent of a device, rounded to two decimals.
     *
     * @param lut    CLB LUTs: logic LUTs plus LUTs used as memory
     * @param ff     flip-flops
     * @param dsp    DSP48E2 slices
     * @param bram36 block RAM in 36 Kb equivalents
     */
    public record Utilization(double lut, double ff, double dsp, double bram36) {
    }
}
