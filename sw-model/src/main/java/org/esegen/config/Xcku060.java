package org.esegen.config;

/**
 * The Kintex UltraScale XCKU060's capacity (ESE's device; DESIGN.md section 7), defined once:
 * {@code org.esegen.synth.Device} and the compiler's fit checks read it.
 */
public final class Xcku060 {
    /** Vivado part name. */
    public static final String PART = "xcku060-ffva1156-2-e";
    /** CLB LUTs (logic and memory use together). */
    public static final int LUTS = 331_680;
    /** CLB flip-flops. */
    public static final int FFS = 663_360;
    /** DSP48E2 slices. */
    public static final int DSPS = 2_760;
    /** 36 Kb block RAMs (the device has no UltraRAM). */
    public static final int BRAM36 = 1_080;

    private Xcku060() {
    }
}
