package org.esegen.cli.sweep;

/**
 * The stages a sweep point runs, in order. A stage whose code is not in this build is recorded in
 * every point's {@code stages_skipped} with {@link #notWired()} as the reason, and its figures stay
 * null; no figure is ever estimated in its place.
 */
public enum Stage {
    /** Prune, quantize, encode, build the image, run the golden model against the float references. */
    COMPILE("compile+golden", null),
    /** Generate the Verilog and co-simulate it under Verilator; gives bit_exact and measured cycles. */
    COSIM("generate+cosim", "not wired: org.esegen.hdl.Generator (issue 3, generate) is not on main yet"),
    /** Yosys estimate: LUT/FF/DSP/BRAM, percent of the KU060, logic depth. */
    SYNTH("yosys", "not wired: org.esegen.synth.YosysEstimate (issue 5) is not on main yet");

    private final String label;
    private final String notWired;

    Stage(String label, String notWired) {
        this.label = label;
        this.notWired = notWired;
    }

    /** Name in results and messages. */
    public String label() {
        return label;
    }

    /** Whether this build has the stage's code. */
    public boolean wired() {
        return notWired == null;
    }

    /** Why the stage cannot run in this build, or null when it can. */
    public String notWired() {
        return notWired;
    }
}
