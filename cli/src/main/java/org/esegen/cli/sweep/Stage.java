package org.esegen.cli.sweep;

/**
 * The stages a sweep point runs, in order. A stage that cannot run is recorded in the point's
 * {@code stages_skipped} with the reason, and its figures stay null; no figure is ever estimated
 * in its place.
 */
public enum Stage {
    /** Prune, quantize, encode, build the image, run the golden model against the float references. */
    COMPILE("compile+golden"),
    /** Write the point's Verilog (a {@link org.esegen.cli.DesignGenerator}) into {@code rtl/}. */
    GENERATE("generate"),
    /**
     * Co-simulate the Verilog under Verilator ({@link org.esegen.testbench.Cosimulation}) on the point's
     * image with the ADM-PCIE-KU3 DDR3 model; gives bit_exact and the measured cycles.
     */
    COSIM("cosim"),
    /** Yosys estimate of the generated Verilog: LUT/FF/DSP/BRAM, percent of the KU060, logic depth. */
    SYNTH("yosys");

    /** Why generate (and so every stage that needs Verilog) does not run: the sweep was given no generator. */
    static final String NO_GENERATOR = "not run: no design generator was given to the sweep";
    /** Why co-simulation does not run under {@code --no-cosim}. */
    static final String COSIM_DISABLED = "disabled by --no-cosim";
    /** Why the Yosys estimate does not run under {@code --no-synth}. */
    static final String SYNTH_DISABLED = "disabled by --no-synth";

    private final String label;

    Stage(String label) {
        this.label = label;
    }

    /** Name in results and messages. */
    public String label() {
        return label;
    }
}
