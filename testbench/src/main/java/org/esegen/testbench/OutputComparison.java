package org.esegen.testbench;

import org.esegen.compile.ImageLayout;
import org.esegen.compile.LaneRows;
import org.esegen.compile.Section;
import org.esegen.golden.FrameTrace;

import java.util.List;

/**
 * Bit-exact comparison of the memory the accelerator left behind with the image the golden model
 * predicts. The first difference in the layers' OUTPUT sections (lowest layer first, where a fault
 * shows first) is reported by frame, layer, stage, channel, index, expected and actual, with the
 * golden model's stages of that layer and frame; a difference outside them is reported as a stray
 * write with its section and address.
 *
 * @param bitExact  true when every byte matches
 * @param mismatch  the first difference in words a person can act on, or null
 */
public record OutputComparison(boolean bitExact, String mismatch) {

    /**
     * Compare.
     *
     * @param layout   the image layout
     * @param expected golden-model image (every OUTPUT section filled)
     * @param actual   memory dumped after the run (at least as long as expected)
     * @param traces   golden traces per (channel, frame), used to print the stage values of the failing frame
     */
    public static OutputComparison compare(ImageLayout layout, byte[] expected, byte[] actual, List<FrameTrace> traces) {
        for (int k = 0; k < layout.layerCount(); k++) {
            LaneRows out = layout.packing(k, Section.OUTPUT);
            long outBase = layout.offset(k, Section.OUTPUT);
            for (int ch = 0; ch < layout.channels(); ch++) {
                for (int t = 0; t < layout.frames(); t++) {
                    long row = layout.frameRow(ch, t);
                    for (int j = 0; j < layout.layer(k).projSize(); j++) {
                        long e = out.getSigned(expected, outBase, row, layout.frameLane(ch, j));
                        long a = out.getSigned(actual, outBase, row, layout.frameLane(ch, j));
                        if (e != a) {
                            return new OutputComparison(false, String.format(
                                    "frame %d, layer %d, stage y, channel %d, index %d: expected %d, actual %d%s", t, k,
                                    ch, j, e, a, context(traces, ch, t, k)));
                        }
                    }
                }
            }
        }
        List<ImageLayout.Placement> placements = layout.placements();
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] != actual[i]) {
                String where = Section.HEADER.name();
                for (ImageLayout.Placement p : placements) {
                    if (p.offset() <= i) {
                        where = p.name();
                    }
                }
                return new OutputComparison(false, String.format(
                        "stray write at byte address 0x%x (section %s): expected 0x%02x, actual 0x%02x", i, where,
                        expected[i] & 0xff, actual[i] & 0xff));
            }
        }
        return new OutputComparison(true, null);
    }

    private static String context(List<FrameTrace> traces, int channel, int frame, int layer) {
        StringBuilder s = new StringBuilder();
        for (FrameTrace ft : traces) {
            if (ft.channel() == channel && ft.frame() == frame && ft.layer() == layer) {
                s.append("; golden stages of layer ").append(ft.layer()).append(" in that frame (first values):");
                for (String stage : FrameTrace.stageNames(ft.cell())) {
                    long[] v = ft.stage(stage);
                    s.append(' ').append(stage).append('=').append(java.util.Arrays.toString(
                            java.util.Arrays.copyOf(v, Math.min(4, v.length))));
                }
            }
        }
        return s.toString();
    }
}
