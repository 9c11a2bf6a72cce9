package org.esegen.cli.sweep;

import org.esegen.config.Presets;
import org.esegen.prune.PruningMethod;
import org.esegen.synth.Device;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The report's charts with and without resource and co-simulation figures. The figures here are
 * test inputs made up for the charts; they are never written by a sweep.
 */
class ReportTest {

    /** A finished point with the given latency, SNR and (made-up) LUT and DSP counts. */
    private static PointResult point(int index, int pes, int w, double latency, double snr, Long lut, Long dsp) {
        return point(index, pes, w, latency, snr, lut, dsp, null);
    }

    /** ... and, unless null, a co-simulated latency. */
    private static PointResult point(int index, int pes, int w, double latency, double snr, Long lut, Long dsp,
                                     Double measuredLatency) {
        Point p = new Point(index, "p" + index, PruningMethod.ESE, org.esegen.rnn.CellKind.LSTMP,
                Presets.get("ese").with(Map.of("pesPerChannel", pes, "weightBits", w)), 0.112);
        Device d = Device.XCKU060;
        PointResult.SynthFigures synth = lut == null ? null : new PointResult.SynthFigures(lut, lut, dsp, 10,
                100.0 * lut / d.luts(), 100.0 * lut / d.ffs(), 100.0 * dsp / d.dsps(), 1, 7);
        return PointResult.ok(p, new PointResult.CompileFigures(2, 1000, 9000, Math.round(latency * 200), 0.11, 14,
                0.1, snr, 0.01, 1), measuredLatency == null ? null
                : new PointResult.CosimFigures(measuredLatency * 200, 0.7, 10, 20), synth, lut == null
                ? List.of("compile+golden") : List.of("compile+golden", "generate", "yosys"), Map.of());
    }

    @Test
    void paretoFrontKeepsOnlyUnbeatenPoints() {
        List<PointResult> pts = List.of(point(0, 4, 8, 100, 40, 1000L, 4L), point(1, 8, 8, 50, 40, 2000L, 8L),
                point(2, 8, 12, 60, 40, 2500L, 8L), point(3, 16, 8, 25, 40, 4000L, 16L),
                point(4, 16, 12, 25, 40, 3000L, 16L));
        ToDoubleFunction<PointResult> cost = r -> r.lut() + r.dsp();
        List<PointResult> front = Charts.paretoFront(pts, cost, PointResult::idealLatencyUs);
        assertEquals(List.of(0, 1, 4), front.stream().map(PointResult::index).toList());
    }

    /** Six points of 4, 8, 16 PEs and 8, 12 weight bits with made-up resource figures. */
    static List<PointResult> sample() {
        List<PointResult> pts = new ArrayList<>();
        int i = 0;
        for (int pes : new int[]{4, 8, 16}) {
            for (int w : new int[]{8, 12}) {
                pts.add(point(i++, pes, w, 400.0 / pes, w == 8 ? 25 : 41, 2_000L * pes * w / 8, (long) pes));
            }
        }
        return pts;
    }

    @Test
    void withResourcesEveryChartIsDrawn() {
        List<PointResult> pts = sample();
        String html = Report.html(Map.of("preset", "ese"), 6, Shard.ALL, pts, 30);
        assertEquals(4, html.split("<svg", -1).length - 1, html);
        assertFalse(html.contains("class=\"notice\""));
        assertTrue(html.contains("Pareto front"));
        assertTrue(html.contains("6 points fit, 0 do not, 0 unknown"));
        assertTrue(html.contains("Beyond w8") || html.contains("Every step pays"));
        assertEquals(html, Report.html(Map.of("preset", "ese"), 6, Shard.ALL, pts, 30), "deterministic");
    }

    @Test
    void theLatencyChartsSayWhichLatencyTheyPlot() {
        List<PointResult> measured = new ArrayList<>();
        for (PointResult r : sample()) {
            measured.add(point(r.index(), r.pes(), r.weightBits(), r.idealLatencyUs(), r.snrDb(), r.lut(), r.dsp(),
                    r.idealLatencyUs() * 1.25));
        }
        String html = Report.html(Map.of(), 6, Shard.ALL, measured, 30);
        assertTrue(html.contains("latency is co-simulated; dashed: the compiler's ideal bound"));
        assertTrue(html.contains(">ideal bound</text>"), "one dashed ideal line: it does not depend on w");
        assertTrue(html.contains("6 points bit-exact with the golden model, 0 not. Measured cycles per frame are "
                + "1.25 x the ideal bound; PE utilization 70.0 %. Most DDR-bound: p4, DDR stalls 0.2 % of its "
                + "cycles, activation-queue stalls 0.3 %."), html);
        assertTrue(html.contains("Fastest point: p4, 31.25 us co-simulated latency per frame"), html);

        List<PointResult> mixed = new ArrayList<>(measured.subList(0, 3));
        mixed.addAll(sample().subList(3, 6));
        html = Report.html(Map.of(), 6, Shard.ALL, mixed, 30);
        assertTrue(html.contains("latency is co-simulated where the point was co-simulated, the ideal compiler "
                + "bound elsewhere"), html);

        html = Report.html(Map.of(), 6, Shard.ALL, sample(), 30);
        assertTrue(html.contains("latency is ideal (compiler bound; no co-simulation ran)."), html);
        assertFalse(html.contains(">ideal bound</text>"));
        assertFalse(html.contains("bit-exact with the golden model"));
    }

    @Test
    void theKneeIsWhereAPeStepStopsPaying() {
        // sample(): latency 400 / PEs, perfect scaling
        String html = Report.html(Map.of(), 6, Shard.ALL, sample(), 30);
        assertTrue(html.contains("w8: 4-&gt;8 PEs / 2.00 for x 2.00, 8-&gt;16 PEs / 2.00 for x 2.00; no knee within "
                + "the grid. w12: 4-&gt;8 PEs / 2.00 for x 2.00"), html);
        List<PointResult> pts = List.of(point(0, 4, 8, 100, 40, 1000L, 4L), point(1, 8, 8, 55, 40, 1800L, 8L),
                point(2, 16, 8, 45, 40, 3400L, 16L), point(3, 32, 8, 44, 40, 6600L, 32L));
        html = Report.html(Map.of(), 4, Shard.ALL, pts, 30);
        assertTrue(html.contains("Latency against resources per PE step (&quot;/ a for x b&quot;: ideal latency "
                + "divided by a, LUT + DSP48E2 of the Yosys estimate multiplied by b). 4-&gt;8 PEs / 1.82 for x 1.80, 8-&gt;16 PEs / 1.22 for x 1.89, "
                + "16-&gt;32 PEs / 1.02 for x 1.94; knee at 8 PEs (the step to 16 gives 61 % of the ideal 2.0x)."),
                html);
    }

    @Test
    void withoutResourcesTheResourceChartsSayWhy() {
        List<PointResult> pts = List.of(point(0, 4, 8, 100, 25, null, null), point(1, 8, 8, 50, 25, null, null),
                PointResult.failed(new Point(2, "p2", PruningMethod.ESE, org.esegen.rnn.CellKind.LSTMP, Presets.get("ese"), 0.112), "W_a: too <deep>",
                        List.of(), Map.of(), 2));
        String html = Report.html(Map.of(), 3, Shard.ALL, pts, 30);
        assertTrue(html.contains("1 points failed (pink rows below; hover for the error): p2: W_a: too &lt;deep&gt;"));
        assertTrue(html.contains("<tr class=\"failed\" title=\"W_a: too &lt;deep&gt;\">"));
        assertEquals(2, html.split("<svg", -1).length - 1);
        assertEquals(2, html.split("class=\"notice\"", -1).length - 1);
        assertTrue(html.contains("No point reaches the accuracy floor of 30.0 dB"));
        assertTrue(html.contains("0 points fit, 0 do not, 2 unknown"));
        assertNull(pts.get(0).latencyUs());
    }
}
