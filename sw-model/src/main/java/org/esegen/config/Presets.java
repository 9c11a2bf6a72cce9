package org.esegen.config;

import org.esegen.EsegenException;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Named configurations, each "the default plus changes", in this one place.
 * The default is ESE's configuration (Han et al., FPGA 2017): 32 PEs per channel, 12-bit weights,
 * 4-bit relative index, 16-bit activations, 200 MHz; unlike ESE's, the activation queue holds 64
 * columns (ESE: 8; deeper queues let the PEs drift further apart and cut the coupling stalls) and
 * the DDR port is 1024 bits wide, the two 512-bit DDR3 banks of the ADM-PCIE-KU3 side by side
 * (one half of every word in each bank), so the shared weight stream gets both banks' bandwidth.
 * Eight PEs share an element-wise unit (its 6 x 8 x 32 cycles a frame run alongside SpMV 2) and the
 * y gather rescales one value per cycle and channel (512 cycles alongside the next SpMV 1's input
 * columns): both cut the area a channel costs, not its latency. {@code ese-onchip} keeps the
 * weights in block RAM and is tuned for latency at 64 PEs and more: two columns broadcast a cycle
 * (W_hr's 1,024 columns no longer bound SpMV 2), 1,024-column activation queues and 2,048-entry
 * FIFOs so that the PEs drift apart freely, an element-wise unit per 4 PEs and a 4-lane gather.
 * {@code ese-throughput} is the most channels of 32 PEs whose whole-design Yosys estimate fits the
 * XCKU060 (35; block RAM at 99 %): weights on chip and each PE-channel's accumulate in its DSP48E2.
 * {@code ese-throughput-64} is the most dense-equivalent throughput found to fit (26 channels of 64 PEs, 5.23
 * TOPS; Yosys: 99.7 % of the LUTs, 96.1 % of the block RAM): {@code ese-throughput} with each PE's gate
 * accumulators of 18 channels in block RAM (8 BRAM36 a PE, 72 bits each) and the other channels' in LUT RAM,
 * 16 PEs an element-wise unit (the element-wise datapaths were a third of a channel's LUTs at 8) and 32-deep
 * activation queues (RAM32M16: half the LUT RAM of 64 deep).
 * {@code spartus} is Spartus's (TNNLS 2022) delta engine: 8 arrays x 64 PEs (512 MACs) over column-balanced
 * 8-bit weights on chip, 16-bit activations (Q8.8, as Spartus's), one element-wise unit per PE, room for
 * 1,024 inputs and cells (a 120 -> 1024 DeltaLSTM layer, or the second layer of a 1024 stack).
 * {@code ernn} is E-RNN's / C-LSTM's block-circulant engine at C-LSTM's operating point: 8 x 8 blocks, 16-bit
 * weight spectra and activations, weights on chip, 16 + 8 output-block lanes (gates + projection), every
 * lane's multiply-accumulates in DSP48E2s.
 * {@code tiny} keeps one element-wise unit per PE.
 */
public final class Presets {
    private Presets() {
    }

    /** The default: ESE's configuration on the XCKU060 with one channel. */
    public static final AcceleratorConfig DEFAULT = new AcceleratorConfig(1, 200,
            new AcceleratorConfig.Dims(256, 1024, 512, 1),
            new AcceleratorConfig.Pe(32, 64, 32, 512, 8, 1, 0, 1, 0, 0),
            new AcceleratorConfig.Formats(12, 4, 16, 11, 16),
            new AcceleratorConfig.Lut(2048, 8),
            new AcceleratorConfig.Memory(1024, 33, 64, 4, AcceleratorConfig.DDR_STORE, 1 << 19),
            new AcceleratorConfig.Engine(AcceleratorConfig.SPARSE_ENGINE, 8, 4, 8, 16, 16, 8));

    private static final Map<String, Map<String, Integer>> CHANGES = new LinkedHashMap<>();

    static {
        CHANGES.put("ese", Map.of());
        CHANGES.put("ese-onchip", Map.of("weightStore", AcceleratorConfig.ONCHIP_STORE, "broadcastColumns", 2,
                "actQueueDepth", 1024, "entryFifoDepth", 2048, "pesPerElementwise", 4, "gatherLanes", 4));
        CHANGES.put("ese-throughput", Map.of("weightStore", AcceleratorConfig.ONCHIP_STORE, "dspAccumulate", 1,
                "channels", 35));
        CHANGES.put("ese-throughput-64", Map.of("weightStore", AcceleratorConfig.ONCHIP_STORE, "dspAccumulate", 1,
                "pesPerChannel", 64, "channels", 26, "accumulatorBramChannels", 18, "pesPerElementwise", 16,
                "actQueueDepth", 32));
        CHANGES.put("spartus", Map.of("engine", AcceleratorConfig.DELTA_ENGINE, "pesPerChannel", 64,
                "deltaArrays", 8, "deltaMaxK", 4, "weightBits", 8, "actFracBits", 8, "weightStore",
                AcceleratorConfig.ONCHIP_STORE, "pesPerElementwise", 1, "maxInputSize", 1024, "maxProjSize", 1024));
        CHANGES.put("ernn", Map.of("engine", AcceleratorConfig.CIRCULANT_ENGINE, "circulantBlock", 8, "weightBits", 16,
                "weightStore", AcceleratorConfig.ONCHIP_STORE, "dspAccumulate", 1));
        CHANGES.put("tiny", Map.of("pesPerChannel", 4, "actQueueDepth", 8, "axiDataBits", 64, "lutEntries", 256,
                "axiMaxBurstBeats", 16, "maxInputSize", 64, "maxHiddenSize", 64, "maxProjSize", 64, "entryFifoDepth", 64,
                "pesPerElementwise", 1));
    }

    /** Preset names in a stable order. */
    public static Iterable<String> names() {
        return CHANGES.keySet();
    }

    /** The changes a preset makes to {@link #DEFAULT}. */
    public static Map<String, Integer> changes(String name) {
        Map<String, Integer> c = CHANGES.get(name);
        if (c == null) {
            throw new EsegenException("unknown preset '" + name + "'; known presets are " + CHANGES.keySet());
        }
        return c;
    }

    /** A preset resolved against the default. */
    public static AcceleratorConfig get(String name) {
        return DEFAULT.with(changes(name));
    }

    /**
     * A preset with {@code field=value} overrides applied in order.
     *
     * @param overrides strings of the form {@code name=value}, value a decimal integer
     */
    public static AcceleratorConfig resolve(String preset, Iterable<String> overrides) {
        Map<String, Integer> changes = new LinkedHashMap<>(changes(preset));
        Map<String, String> given = new LinkedHashMap<>();
        for (String o : overrides) {
            int eq = o.indexOf('=');
            if (eq <= 0) {
                throw new EsegenException("--set '" + o + "': expected field=value, e.g. pesPerChannel=8");
            }
            String name = o.substring(0, eq).trim();
            String text = o.substring(eq + 1).trim();
            AcceleratorConfig.requireKnown(name);
            String earlier = given.put(name, o);
            if (earlier != null) {
                throw new EsegenException("--set " + name + " is given twice ('" + earlier + "' and '" + o
                        + "'); give each field once");
            }
            try {
                changes.put(name, Integer.parseInt(text));
            } catch (NumberFormatException e) {
                throw new EsegenException("--set " + name + "=" + text + ": the value must be a whole number");
            }
        }
        return DEFAULT.with(changes);
    }
}
