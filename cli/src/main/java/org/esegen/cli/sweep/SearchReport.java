package org.esegen.cli.sweep;

import org.esegen.config.AcceleratorConfig;
import org.esegen.io.AtomicFiles;
import org.esegen.io.Json;
import org.esegen.synth.ResourceModel;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The files a design search leaves: {@code candidates.json} and {@code candidates.csv} (every
 * candidate with its bound, predicted resources, accuracy, measured figures and verdict),
 * {@code best.json} (the pick, its configuration and the commands that build it) and
 * {@code report.html} (self-contained, in the style of a sweep's report). Same search, same bytes.
 */
final class SearchReport {
    /** Every candidate, as JSON. */
    static final String CANDIDATES_JSON = "candidates.json";
    /** Every candidate, as CSV. */
    static final String CANDIDATES_CSV = "candidates.csv";
    /** The pick. */
    static final String BEST = "best.json";
    /** The page. */
    static final String REPORT = "report.html";

    private SearchReport() {
    }

    /** Write every file into {@code dir}, each atomically. */
    static void write(Path dir, DesignSearch.Spec spec, DesignSearch.Outcome outcome) {
        List<Map<String, Object>> rows = outcome.assessments().stream().map(a -> row(spec, a)).toList();
        AtomicFiles.write(dir.resolve(CANDIDATES_JSON), Json.pretty(rows));
        AtomicFiles.write(dir.resolve(CANDIDATES_CSV), csv(rows).getBytes(StandardCharsets.UTF_8));
        AtomicFiles.write(dir.resolve(BEST), Json.pretty(best(spec, outcome)));
        AtomicFiles.write(dir.resolve(REPORT), html(spec, outcome, rows).getBytes(StandardCharsets.UTF_8));
    }

    /** One candidate's figures, in column order. */
    static Map<String, Object> row(DesignSearch.Spec spec, DesignSearch.Assessment a) {
        SearchSpace.Candidate c = a.candidate();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("index", c.index());
        m.put("id", c.id());
        AcceleratorConfig cfg = c.config();
        m.put("pes", cfg == null ? null : cfg.pes());
        m.put("channels", cfg == null ? null : cfg.channels());
        m.put("weight_bits", cfg == null ? null : cfg.formats().weightBits());
        m.put("act_bits", cfg == null ? null : cfg.formats().actBits());
        m.put("pruning", c.pruning().cliName());
        m.put("target_density", c.density());
        boolean compiled = a.design() != null && a.design().error() == null;
        m.put("density", compiled ? a.design().density() : null);
        m.put("ideal_cycles_per_frame", compiled ? a.design().idealCycles() : null);
        m.put("ddr_bound_cycles_per_frame", a.ddrBoundCycles());
        m.put("bound_latency_us", a.boundLatencyUs());
        m.put("bound_frames_per_second", a.boundObjective(DesignSearch.Objective.THROUGHPUT));
        ResourceModel.Prediction p = a.predicted();
        double[] pct = p == null ? null : p.percentOf(spec.device());
        m.put("predicted_lut", p == null ? null : Math.round(p.lut()));
        m.put("predicted_ff", p == null ? null : Math.round(p.ff()));
        m.put("predicted_dsp", p == null ? null : Math.round(p.dsp()));
        m.put("predicted_bram36", p == null ? null : Math.round(p.bram36() * 2) / 2.0);
        m.put("predicted_worst_pct", pct == null ? null : round2(p.worstPercentOf(spec.device())));
        m.put(spec.quality().name(), a.quality());
        PointResult r = a.measured();
        boolean ok = r != null && r.succeeded();
        m.put("bit_exact", ok ? r.bitExact() : null);
        m.put("latency_us", ok ? r.latencyUs() : null);
        m.put("frames_per_second", ok ? a.measuredObjective(DesignSearch.Objective.THROUGHPUT) : null);
        m.put("tops_dense_equiv", ok && r.gopsDenseEquiv() != null ? r.gopsDenseEquiv() / 1000 : null);
        m.put("lut", ok ? r.lut() : null);
        m.put("ff", ok ? r.ff() : null);
        m.put("dsp", ok ? r.dsp() : null);
        m.put("bram36", ok ? r.bram36() : null);
        m.put("fits", ok ? r.fitsKu060() : null);
        m.put("pareto", a.pareto());
        m.put("chosen", a.chosen());
        m.put("verdict", a.verdict());
        return m;
    }

    private static Double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static String csv(List<Map<String, Object>> rows) {
        StringBuilder s = new StringBuilder();
        if (rows.isEmpty()) {
            return "";
        }
        s.append(String.join(",", rows.get(0).keySet())).append('\n');
        for (Map<String, Object> r : rows) {
            s.append(r.values().stream().map(ResultsCsv::cell).collect(Collectors.joining(","))).append('\n');
        }
        return s.toString();
    }

    /** The pick: its figures, configuration, and the commands that compile and generate it. */
    static Map<String, Object> best(DesignSearch.Spec spec, DesignSearch.Outcome outcome) {
        Map<String, Object> m = new LinkedHashMap<>();
        DesignSearch.Assessment a = outcome.chosen();
        if (a == null) {
            m.put("chosen", null);
            m.put("why", "no candidate reached the accuracy floor and was measured bit-exact and fitting; see "
                    + CANDIDATES_CSV + " for each candidate's verdict");
            return m;
        }
        m.put("chosen", a.candidate().id());
        m.put("figures", row(spec, a));
        m.put("config", a.candidate().config().toFieldMap());
        String sets = setsFor(spec.base(), a.candidate().config());
        String model = spec.source().file() == null ? "M" : spec.source().file().toString();
        m.put("compile_command", "esegen compile --preset " + spec.preset() + sets + " --model " + model
                + " --pruning " + a.candidate().pruning().cliName() + " --density "
                + SearchSpace.densityTag(a.candidate().density()) + " --out OUT");
        m.put("generate_command", "esegen generate --preset " + spec.preset() + sets + " --out OUT");
        return m;
    }

    /** The {@code --set} options that turn the base into {@code cfg}: every field the search changed. */
    static String setsFor(AcceleratorConfig base, AcceleratorConfig cfg) {
        Map<String, Integer> b = base.toFieldMap();
        StringBuilder s = new StringBuilder();
        cfg.toFieldMap().forEach((k, v) -> {
            if (!v.equals(b.get(k))) {
                s.append(" --set ").append(k).append('=').append(v);
            }
        });
        return s.toString();
    }

    private static String html(DesignSearch.Spec spec, DesignSearch.Outcome outcome, List<Map<String, Object>> rows) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>esegen search</title>\n")
                .append("<style>").append(Report.CSS).append("tr.chosen td{background:#dafbe1}")
                .append("</style></head>\n<body>\n<h1>esegen search</h1>\n");
        h.append(specSection(spec, outcome));
        h.append(pickSection(spec, outcome));
        h.append(funnel(spec, outcome));
        h.append("<h2>Pareto front</h2>\n<div class=\"charts\">\n");
        h.append(Report.figure(chart(spec, outcome), caption(spec), "Pareto"));
        h.append("</div>\n");
        h.append(table(spec, rows));
        h.append("<script>").append(Report.SORT_JS).append("</script>\n</body></html>\n");
        return h.toString();
    }

    private static String specSection(DesignSearch.Spec spec, DesignSearch.Outcome outcome) {
        StringBuilder s = new StringBuilder("<h2>Search</h2>\n<table class=\"spec\">\n");
        Map<String, Object> d = spec.describe();
        d.forEach((k, v) -> s.append("<tr><th>").append(Report.esc(k)).append("</th><td>")
                .append(Report.esc(v instanceof Map || v instanceof List ? Json.line(v) : String.valueOf(v)))
                .append("</td></tr>\n"));
        s.append("<tr><th>resource model</th><td>").append(Report.esc(String.format(Locale.ROOT,
                "fitted to %d Yosys runs of the generated design; worst error on them %.1f %%, so a candidate is "
                        + "dropped only when predicted above %.1f %% of the device",
                ResourceModel.fitted().measurements().size(), 100 * outcome.margin(), 100 * (1 + outcome.margin()))))
                .append("</td></tr>\n");
        return s.append("</table>\n").toString();
    }

    private static String pickSection(DesignSearch.Spec spec, DesignSearch.Outcome outcome) {
        StringBuilder s = new StringBuilder("<h2>The pick</h2>\n");
        DesignSearch.Assessment a = outcome.chosen();
        if (a == null) {
            return s.append("<p class=\"notice\">No design qualifies: none reached the floor and was measured "
                    + "bit-exact and fitting. Each candidate's verdict is in the table below.</p>\n").toString();
        }
        Map<String, Object> best = best(spec, outcome);
        @SuppressWarnings("unchecked")
        Map<String, Object> f = (Map<String, Object>) best.get("figures");
        s.append("<table class=\"spec\">\n");
        for (String k : List.of("id", "pes", "channels", "weight_bits", "act_bits", "pruning", "target_density",
                "density", spec.quality().name(), "bound_latency_us", "latency_us", "frames_per_second",
                "tops_dense_equiv", "bit_exact", "lut", "ff", "dsp", "bram36", "verdict")) {
            Object v = f.get(k);
            s.append("<tr><th>").append(Report.esc(k)).append("</th><td>")
                    .append(v == null ? "&ndash;" : Report.esc(v instanceof Double x ? Report.fmt(x, 3) : String.valueOf(v)))
                    .append("</td></tr>\n");
        }
        s.append("<tr><th>compile</th><td><code>").append(Report.esc((String) best.get("compile_command")))
                .append("</code></td></tr>\n<tr><th>generate</th><td><code>")
                .append(Report.esc((String) best.get("generate_command"))).append("</code></td></tr>\n");
        return s.append("</table>\n").toString();
    }

    private static String funnel(DesignSearch.Spec spec, DesignSearch.Outcome outcome) {
        Map<String, Long> byReason = new LinkedHashMap<>();
        for (DesignSearch.Assessment a : outcome.assessments()) {
            String v = a.verdict();
            int cut = v.indexOf(':');
            byReason.merge(cut < 0 ? v : v.substring(0, cut), 1L, Long::sum);
        }
        StringBuilder s = new StringBuilder("<h2>Why the others lost</h2>\n<p>")
                .append(outcome.assessments().size()).append(" candidates; ").append(outcome.designs())
                .append(" distinct designs compiled for their bounds; ").append(outcome.qualityRuns())
                .append(" accuracy runs through the golden model. Verdicts:</p>\n<table class=\"stages\">\n");
        byReason.forEach((k, n) -> s.append("<tr><th>").append(Report.esc(k)).append("</th><td class=\"num\">")
                .append(n).append("</td></tr>\n"));
        return s.append("</table>\n").toString();
    }

    private static String caption(DesignSearch.Spec spec) {
        String what = spec.objective() == DesignSearch.Objective.LATENCY ? "Latency per frame"
                : "Frames per second on the device";
        return what + " against predicted LUT + DSP48E2, for candidates whose accuracy was measured: the bound "
                + "where not measured, the co-simulated figure where measured; the line joins the Pareto front of "
                + "the candidates at or above the floor (bounds), the chosen design is the large marker.";
    }

    private static Charts.Chart chart(DesignSearch.Spec spec, DesignSearch.Outcome outcome) {
        DesignSearch.Objective o = spec.objective();
        XYSeries front = new XYSeries("Pareto front (bounds)", false, true);
        XYSeries above = new XYSeries("at or above the floor", false, true);
        XYSeries below = new XYSeries("below the floor", false, true);
        XYSeries measured = new XYSeries("measured", false, true);
        XYSeries chosen = new XYSeries("chosen", false, true);
        List<DesignSearch.Assessment> frontPoints = new ArrayList<>();
        for (DesignSearch.Assessment a : outcome.assessments()) {
            if (a.quality() == null || a.predicted() == null || a.boundLatencyUs() == null) {
                continue;
            }
            double x = a.predicted().lut() + a.predicted().dsp();
            double bound = a.boundObjective(o);
            (a.quality() >= spec.quality().floor() ? above : below).add(x, bound);
            if (a.pareto()) {
                frontPoints.add(a);
            }
            Double m = a.measuredObjective(o);
            if (m != null) {
                measured.add(x, m);
                if (a.chosen()) {
                    chosen.add(x, m);
                }
            } else if (a.chosen()) {
                chosen.add(x, bound);
            }
        }
        if (above.isEmpty() && below.isEmpty()) {
            return Charts.Chart.none("no candidate's accuracy was measured (every one was dropped before)");
        }
        frontPoints.forEach(a -> front.add(a.predicted().lut() + a.predicted().dsp(),
                a.boundObjective(o)));
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(front);
        data.addSeries(above);
        data.addSeries(below);
        data.addSeries(measured);
        data.addSeries(chosen);
        LogAxis x = new LogAxis("predicted LUT + DSP48E2 (resource model)");
        x.setNumberFormatOverride(new java.text.DecimalFormat("#,##0",
                java.text.DecimalFormatSymbols.getInstance(Locale.ROOT)));
        NumberAxis y = Charts.zeroBased(o == DesignSearch.Objective.LATENCY ? "latency per frame (us)"
                : "frames per second, all channels");
        return Charts.draw("Search: " + o.cliName() + " vs area", x, y, data, false, r -> {
            r.setSeriesLinesVisible(0, true);
            r.setSeriesPaint(0, Charts.PALETTE[1]);
            r.setSeriesStroke(0, new BasicStroke(2f));
            r.setSeriesPaint(1, Charts.PALETTE[0]);
            r.setSeriesPaint(2, new Color(0xb0b0b0));
            r.setSeriesPaint(3, Charts.PALETTE[2]);
            r.setSeriesShape(3, new Rectangle2D.Double(-4, -4, 8, 8));
            r.setSeriesPaint(4, new Color(0x1a7f37));
            r.setSeriesShape(4, new Ellipse2D.Double(-8, -8, 16, 16));
        });
    }

    private static String table(DesignSearch.Spec spec, List<Map<String, Object>> rows) {
        StringBuilder s = new StringBuilder("<h2>Every candidate</h2>\n<p>Click a column header to sort; a dash is a "
                + "figure the search did not need. Bounds are the larger of the compiler's stall-free bound and the DDR "
                + "bound; predicted resources come from the resource model; measured figures from co-simulation and "
                + "Yosys.</p>\n<div class=\"scroll\"><table id=\"points\" class=\"points\"><thead><tr>");
        List<String> keys = rows.isEmpty() ? List.of() : List.copyOf(rows.get(0).keySet());
        for (String k : keys) {
            s.append("<th>").append(Report.esc(k)).append("</th>");
        }
        s.append("</tr></thead>\n<tbody>\n");
        for (Map<String, Object> r : rows) {
            s.append(Boolean.TRUE.equals(r.get("chosen")) ? "<tr class=\"chosen\">" : "<tr>");
            for (String k : keys) {
                Object v = r.get(k);
                if (v == null) {
                    s.append("<td class=\"na\">&ndash;</td>");
                } else if (v instanceof Number n) {
                    s.append("<td class=\"num\" data-v=\"").append(n.doubleValue()).append("\">")
                            .append(v instanceof Double d ? Report.fmt(d, d >= 100 ? 0 : 3) : Report.esc(v.toString()))
                            .append("</td>");
                } else {
                    s.append("<td>").append(Report.esc(String.valueOf(v))).append("</td>");
                }
            }
            s.append("</tr>\n");
        }
        return s.append("</tbody></table></div>\n").toString();
    }
}
