package org.esegen.cli.sweep;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.SeriesRenderingOrder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.ViewBox;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Polygon;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * The report's charts, drawn with JFreeChart into SVG (JFreeSVG) for inline use. Every chart takes
 * the successful points and either draws them or says which figures are missing and why.
 */
final class Charts {
    private static final int WIDTH = 640;
    private static final int HEIGHT = 400;
    static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
            new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf),
            new Color(0x7f7f7f), new Color(0xbcbd22)};
    /**
     * Marker per series, each smaller than the one before and drawn after it, so that series with
     * equal values (lines on top of each other, e.g. latency at different weight widths) stay visible.
     */
    private static final Shape[] SHAPES = {new Ellipse2D.Double(-5, -5, 10, 10),
            new Polygon(new int[]{0, 4, -4}, new int[]{-4, 4, 4}, 3), new Rectangle2D.Double(-3, -3, 6, 6),
            new Polygon(new int[]{0, 2, 0, -2}, new int[]{-2, 0, 2, 0}, 4), new Ellipse2D.Double(-1.5, -1.5, 3, 3)};
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 15);
    private static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 12);

    private Charts() {
    }

    /**
     * A drawn chart or the reason there is none.
     *
     * @param svg     the SVG element, or null
     * @param missing why there is no chart, or null
     */
    record Chart(String svg, String missing) {
        static Chart none(String why) {
            return new Chart(null, why);
        }
    }

    /** Which latency a chart plots. */
    enum Latency {
        /** Every plotted point was co-simulated. */
        MEASURED("co-simulated latency", "co-simulated"),
        /** No point was co-simulated: the compiler's stall-free bound. */
        IDEAL("ideal latency", "ideal (compiler bound; no co-simulation ran)"),
        /** Some points were co-simulated and some were not. */
        MIXED("latency", "co-simulated where the point was co-simulated, the ideal compiler bound elsewhere");

        /** Axis label prefix. */
        final String axis;
        /** Words for captions and findings. */
        final String words;

        Latency(String axis, String words) {
            this.axis = axis;
            this.words = words;
        }

        /** What the points' {@link PointResult#bestLatencyUs} are. */
        static Latency of(List<PointResult> pts) {
            long measured = pts.stream().filter(r -> r.latencyUs() != null).count();
            return measured == 0 ? IDEAL : measured == pts.size() ? MEASURED : MIXED;
        }
    }

    /**
     * Latency per frame against PEs (log 2), one series per weight width (and other varying axes):
     * co-simulated where the point has it, else the ideal bound. When some point was co-simulated,
     * the ideal bound is drawn dashed beside it (one line when it does not depend on the weight
     * width, as it does not when quantization keeps every nonzero).
     */
    static Chart latencyVsPes(List<PointResult> ok) {
        List<PointResult> pts = ok.stream().filter(r -> r.bestLatencyUs() != null).toList();
        if (pts.isEmpty()) {
            return Chart.none("no point has a latency.");
        }
        Latency kind = Latency.of(pts);
        Set<String> extra = Report.varying(pts, Set.of("pes", "w"));
        XYSeriesCollection data = series(pts, r -> "w" + r.weightBits() + suffix(r, extra), PointResult::pes,
                PointResult::bestLatencyUs);
        int drawn = data.getSeriesCount();
        if (kind != Latency.IDEAL) {
            List<PointResult> withIdeal = pts.stream().filter(r -> r.idealLatencyUs() != null).toList();
            boolean perWidth = withIdeal.stream().collect(Collectors.groupingBy(r -> r.pes() + suffix(r, extra),
                    Collectors.mapping(PointResult::idealLatencyUs, Collectors.toSet()))).values().stream()
                    .anyMatch(v -> v.size() > 1);
            XYSeriesCollection ideal = series(withIdeal, r -> "ideal bound" + (perWidth ? " w" + r.weightBits() : "")
                    + suffix(r, extra), PointResult::pes, PointResult::idealLatencyUs);
            for (int k = 0; k < ideal.getSeriesCount(); k++) {
                data.addSeries(ideal.getSeries(k));
            }
        }
        int series = data.getSeriesCount();
        return draw("Latency vs PEs per channel", log2Axis("PEs per channel"),
                zeroBased(kind.axis + " per frame (us)"), data, true, r -> {
                    for (int k = drawn; k < series; k++) {
                        r.setSeriesPaint(k, series - drawn == 1 ? new Color(0x6e7781)
                                : PALETTE[(k - drawn) % PALETTE.length]);
                        r.setSeriesStroke(k, new BasicStroke(1.4f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                                new float[]{6f, 4f}, 0f));
                        r.setSeriesShape(k, new Rectangle2D.Double(-2, -2, 4, 4));
                    }
                });
    }

    /** SNR against weight width, one series per PE count (and other varying axes). */
    static Chart snrVsWeightBits(List<PointResult> ok) {
        List<PointResult> pts = ok.stream().filter(r -> r.snrDb() != null && Double.isFinite(r.snrDb())).toList();
        if (pts.isEmpty()) {
            return Chart.none("no point has a finite SNR.");
        }
        Set<String> extra = Report.varying(pts, Set.of("pes", "w"));
        XYSeriesCollection data = series(pts, r -> r.pes() + " PEs" + suffix(r, extra), PointResult::weightBits,
                PointResult::snrDb);
        NumberAxis x = new NumberAxis("weight bits");
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        x.setAutoRangeIncludesZero(false);
        NumberAxis y = new NumberAxis("SNR vs float, pruned model (dB)");
        y.setAutoRangeIncludesZero(false);
        return draw("SNR vs weight bits", x, y, data, true, null);
    }

    /** Percent of the KU060 per resource against PEs (log 2), per weight width. */
    static Chart resourcesVsPes(List<PointResult> ok) {
        List<PointResult> pts = ok.stream().filter(r -> r.lutPct() != null).toList();
        if (pts.isEmpty()) {
            return Chart.none("no point has a Yosys estimate" + skipReason(ok, Stage.SYNTH) + ".");
        }
        Set<String> extra = Report.varying(pts, Set.of("pes"));
        Map<String, ToDoubleFunction<PointResult>> kinds = new LinkedHashMap<>();
        kinds.put("LUT", PointResult::lutPct);
        kinds.put("FF", PointResult::ffPct);
        kinds.put("DSP", PointResult::dspPct);
        kinds.put("BRAM", PointResult::bramPct);
        XYSeriesCollection data = new XYSeriesCollection();
        Map<String, XYSeries> byKey = new LinkedHashMap<>();
        for (Map.Entry<String, ToDoubleFunction<PointResult>> k : kinds.entrySet()) {
            for (PointResult r : pts) {
                byKey.computeIfAbsent(k.getKey() + suffix(r, extra), key -> new XYSeries(key, true, true))
                        .add(r.pes(), k.getValue().applyAsDouble(r));
            }
        }
        byKey.values().forEach(data::addSeries);
        NumberAxis y = new NumberAxis("percent of XCKU060");
        return draw("Resources vs PEs per channel (Yosys estimate)", log2Axis("PEs per channel"), y, data, true,
                null);
    }

    /**
     * Latency against LUT + DSP; points below the accuracy floor grey, the Pareto front of those at
     * or above it joined by a line.
     */
    static Chart pareto(List<PointResult> ok, double snrFloor) {
        Function<PointResult, Double> latency = PointResult::bestLatencyUs;
        List<PointResult> pts = ok.stream().filter(r -> r.lut() != null && r.dsp() != null && latency.apply(r) != null)
                .toList();
        if (pts.isEmpty()) {
            return Chart.none("the front needs LUT and DSP figures, and no point has a Yosys estimate"
                    + skipReason(ok, Stage.SYNTH) + ".");
        }
        ToDoubleFunction<PointResult> cost = r -> r.lut() + r.dsp();
        ToDoubleFunction<PointResult> lat = latency::apply;
        List<PointResult> above = pts.stream().filter(r -> r.snrDb() != null && r.snrDb() >= snrFloor).toList();
        XYSeries below = new XYSeries("below " + Report.fmt(snrFloor, 1) + " dB", false, true);
        XYSeries meets = new XYSeries("at or above " + Report.fmt(snrFloor, 1) + " dB", false, true);
        XYSeries front = new XYSeries("Pareto front", false, true);
        for (PointResult r : pts) {
            (above.contains(r) ? meets : below).add(cost.applyAsDouble(r), lat.applyAsDouble(r));
        }
        for (PointResult r : paretoFront(above, cost, lat)) {
            front.add(cost.applyAsDouble(r), lat.applyAsDouble(r));
        }
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(front);
        data.addSeries(meets);
        data.addSeries(below);
        NumberAxis x = new NumberAxis("LUT + DSP48E2 (Yosys estimate)");
        String y = Latency.of(pts).axis + " per frame (us)";
        return draw("Pareto front: latency vs LUT + DSP", x, zeroBased(y), data, false, r -> {
            r.setSeriesLinesVisible(0, true);
            r.setSeriesPaint(0, PALETTE[1]);
            r.setSeriesStroke(0, new BasicStroke(2f));
            r.setSeriesShape(0, new Ellipse2D.Double(-5, -5, 10, 10));
            r.setSeriesPaint(1, PALETTE[0]);
            r.setSeriesPaint(2, new Color(0xb0b0b0));
        });
    }

    /**
     * The points no other point beats on both cost and latency (lower is better for both), in
     * order of increasing cost.
     */
    static List<PointResult> paretoFront(List<PointResult> pts, ToDoubleFunction<PointResult> cost,
                                         ToDoubleFunction<PointResult> latency) {
        return paretoFront(pts, cost, latency, PointResult::index);
    }

    /**
     * The items no other item beats on both cost and value (lower is better for both), in order of
     * increasing cost; ties go to the lower {@code index}.
     */
    static <T> List<T> paretoFront(List<T> pts, ToDoubleFunction<T> cost, ToDoubleFunction<T> latency,
                                   java.util.function.ToIntFunction<T> index) {
        List<T> sorted = pts.stream().sorted(Comparator.comparingDouble(cost)
                .thenComparingDouble(latency).thenComparingInt(index)).toList();
        List<T> front = new ArrayList<>();
        double best = Double.POSITIVE_INFINITY;
        for (T r : sorted) {
            if (latency.applyAsDouble(r) < best) {
                front.add(r);
                best = latency.applyAsDouble(r);
            }
        }
        return front;
    }

    private static String skipReason(List<PointResult> ok, Stage stage) {
        String why = ok.stream().map(r -> r.stagesSkipped().get(stage.label())).filter(w -> w != null)
                .distinct().collect(Collectors.joining("; "));
        return why.isEmpty() ? "" : " (" + stage.label() + " stage " + why + ")";
    }

    /** The values of {@code axes} for a series label, each after a space ("" when there are none). */
    static String suffix(PointResult r, Set<String> axes) {
        StringBuilder s = new StringBuilder();
        for (String a : axes) {
            s.append(' ').append(switch (a) {
                case "pes" -> r.pes() + " PEs";
                case "w" -> "w" + r.weightBits();
                case "a" -> "a" + r.actBits();
                case "i" -> "i" + r.indexBits();
                case "c" -> "c" + r.channels();
                case "cell" -> r.cell();
                default -> r.pruning();
            });
        }
        return s.toString();
    }

    private static XYSeriesCollection series(List<PointResult> pts, Function<PointResult, String> key,
                                             ToDoubleFunction<PointResult> x, ToDoubleFunction<PointResult> y) {
        Map<String, XYSeries> byKey = new LinkedHashMap<>();
        for (PointResult r : pts) {
            byKey.computeIfAbsent(key.apply(r), k -> new XYSeries(k, true, true))
                    .add(x.applyAsDouble(r), y.applyAsDouble(r));
        }
        XYSeriesCollection data = new XYSeriesCollection();
        byKey.values().forEach(data::addSeries);
        return data;
    }

    private static LogAxis log2Axis(String label) {
        LogAxis a = new LogAxis(label);
        a.setBase(2);
        a.setTickUnit(new NumberTickUnit(1));
        a.setNumberFormatOverride(new DecimalFormat("0", DecimalFormatSymbols.getInstance(Locale.ROOT)));
        return a;
    }

    static NumberAxis zeroBased(String label) {
        NumberAxis a = new NumberAxis(label);
        a.setAutoRangeIncludesZero(true);
        return a;
    }

    static Chart draw(String title, ValueAxis x, ValueAxis y, XYSeriesCollection data, boolean lines,
                              Consumer<XYLineAndShapeRenderer> style) {
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(lines, true);
        for (int s = 0; s < data.getSeriesCount(); s++) {
            renderer.setSeriesPaint(s, PALETTE[s % PALETTE.length]);
            renderer.setSeriesStroke(s, new BasicStroke(1.6f));
            renderer.setSeriesShape(s, SHAPES[s % SHAPES.length]);
        }
        if (style != null) {
            style.accept(renderer);
        }
        x.setLabelFont(LABEL);
        y.setLabelFont(LABEL);
        XYPlot plot = new XYPlot(data, x, y, renderer);
        plot.setSeriesRenderingOrder(SeriesRenderingOrder.FORWARD); // later, smaller markers on top
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        plot.setOutlinePaint(new Color(0x999999));
        JFreeChart chart = new JFreeChart(title, TITLE, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        LegendTitle legend = chart.getLegend();
        legend.setPosition(RectangleEdge.BOTTOM);
        legend.setItemFont(LABEL);
        legend.setFrame(BlockBorder.NONE);
        SVGGraphics2D g = new SVGGraphics2D(WIDTH, HEIGHT);
        String id = "chart-" + Integer.toHexString(title.hashCode());
        g.setDefsKeyPrefix(id + "-");
        chart.draw(g, new Rectangle2D.Double(0, 0, WIDTH, HEIGHT));
        return new Chart(g.getSVGElement(id, true, new ViewBox(0, 0, WIDTH, HEIGHT), null, null), null);
    }
}
