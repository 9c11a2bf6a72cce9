package org.esegen.testbench;

import org.esegen.compile.ImageLayout;
import org.esegen.compile.LaneRows;
import org.esegen.compile.Section;
import org.esegen.golden.FrameTrace;

import java.util.List;

/**
 * Bit-exact comparison of the memory the accelerator left behind with the image the golden model
 * predicts. The first difference is reported by frame, stage, channel, index, expected and actual;
 * a difference outside the OUTPUT section is reported as a stray write with its section and address.
 *
 * @param bitExact  true when every byte matches
 * @param mismatch  the first difference in words a person can act on, or null
 */
public record OutputComparison(boolean bitExact, String mismatch) {

    /**
     * Compare.
     *
     * @param layout   the image layout
     * @param expected golden-model image (OUTPUT filled)
     * @param actual   memory dumped after the run (at least as long as expected)
     * @param traces   golden traces per (channel, frame), used to print the stage values of the failing frame
     */
    public static OutputComparison compare(ImageLayout layout, byte[] expected, byte[] actual, List<FrameTrace> traces) {
        LaneRows out = layout.packing(Section.OUTPUT);
        long outBase = layout.offset(Section.OUTPUT);
        for (int ch = 0; ch < layout.channels(); ch++) {
            for (int t = 0; t < layout.frames(); t++) {
                long row = (long) ch * layout.frames() + t;
                for (int j = 0; j < layout.outputSize(); j++) {
                    long e = out.getSigned(expected, outBase, row, j);
                    long a = out.getSigned(actual, outBase, row, j);
                    if (e != a) {
                        return new OutputComparison(false, String.format(
                                "frame %d, layer %d, stage y, channel %d, index %d: expected %d, actual %d%s", t,
                                layout.layerCount() - 1, ch, j, e, a,
                                context(traces, ch, t)));
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

    private static String context(List<FrameTrace> traces, int channel, int frame) {
        StringBuilder s = new StringBuilder();
        for (FrameTrace ft : traces) {
            if (ft.channel() == channel && ft.frame() == frame) {
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
