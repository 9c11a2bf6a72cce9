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
    /** Co-simulate the Verilog under Verilator; gives bit_exact and measured cycles. */
    COSIM("cosim"),
    /** Yosys estimate of the generated Verilog: LUT/FF/DSP/BRAM, percent of the KU060, logic depth. */
    SYNTH("yosys");

    /** Why generate (and so every stage that needs Verilog) cannot run in this build. */
    static final String NO_GENERATOR = "not wired: org.esegen.hdl.Generator (issue 3) is not on main yet";
    /** Why co-simulation does not run even with a generator. */
    static final String COSIM_NOT_WIRED = "not wired: the sweep calls org.esegen.testbench.Cosimulation once "
            + "org.esegen.hdl.Generator (issue 3) gives it an accelerator to run";

    private final String label;

    Stage(String label) {
        this.label = label;
    }

    /** Name in results and messages. */
    public String label() {
        return label;
    }
}
