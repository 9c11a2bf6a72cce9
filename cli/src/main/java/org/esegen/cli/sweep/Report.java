package org.esegen.cli.sweep;

import org.esegen.io.AtomicFiles;
import org.esegen.synth.Device;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code report.html}: one self-contained page (inline CSS, inline SVG charts, a few lines of inline
 * JavaScript to sort the table; nothing is fetched) that a hardware engineer reads to pick a design:
 * the spec, which stages ran, findings, four charts (latency vs PEs per weight width, SNR vs weight
 * bits, resources vs PEs, the Pareto front of latency against LUT + DSP above an accuracy floor),
 * which points fit a KU060, and a sortable table of every point. Charts whose figures no point has
 * (because the stage that measures them did not run) are replaced by a notice that says so.
 * Deterministic: the same results give the same bytes.
 */
final class Report {
    /** SNR gain per extra weight bit below which more bits are said to stop paying, dB. */
    static final double SNR_GAIN_PER_BIT_PAYS = 1.0;
    /** Fraction of the ideal speedup (the PE ratio) below which a PE step is past the knee. */
    static final double KNEE_EFFICIENCY = 0.75;

    private static final Device KU060 = Device.XCKU060;

    private Report() {
    }

    /**
     * Write the report atomically.
     *
     * @param spec       the sweep spec as in {@code sweep.json}
     * @param gridPoints points in the whole grid
     * @param shard      the slice these results are of
     * @param results    finished points
     * @param snrFloor   accuracy floor of the Pareto front, dB against the pruned float model
     */
    static void write(Path file, Map<String, Object> spec, int gridPoints, Shard shard, List<PointResult> results,
                      double snrFloor) {
        AtomicFiles.write(file, html(spec, gridPoints, shard, results, snrFloor).getBytes(StandardCharsets.UTF_8));
    }

    /** The page. */
    static String html(Map<String, Object> spec, int gridPoints, Shard shard, List<PointResult> all,
                       double snrFloor) {
        List<PointResult> results = all.stream().sorted(Comparator.comparingInt(PointResult::index)).toList();
        List<PointResult> ok = results.stream().filter(PointResult::succeeded).toList();
        Charts.Latency latency = Charts.Latency.of(ok);
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>esegen sweep</title>\n")
                .append("<style>").append(CSS).append("</style></head>\n<body>\n");
        h.append("<h1>esegen sweep</h1>\n");
        h.append(specSection(spec, gridPoints, shard, results));
        h.append(stageSection(results));
        h.append(findings(results, ok, snrFloor, latency));
        h.append("<h2>Charts</h2>\n<div class=\"charts\">\n");
        String latencyKind = latency.words;
        h.append(figure(Charts.latencyVsPes(ok),
                "Latency per frame against PEs per channel, one line per weight width; latency is " + latencyKind
                        + (latency == Charts.Latency.IDEAL ? "." : "; dashed: the compiler's ideal bound (busiest "
                        + "PE, padding folded as the PEs do, no stalls)."), "latency"));
        h.append(figure(Charts.snrVsWeightBits(ok),
                "SNR of the golden model against the float reference of the pruned model, against weight width, "
                        + "one line per PE count.", "SNR"));
        h.append(figure(Charts.resourcesVsPes(ok),
                "Yosys estimate as percent of the KU060 against PEs per channel (100 % = the whole device).",
                "resource"));
        h.append(figure(Charts.pareto(ok, snrFloor),
                "Latency (" + latencyKind + ") against LUT + DSP48E2. Accuracy floor: SNR >= "
                        + fmt(snrFloor, 1) + " dB against the pruned float model; points below it are grey. "
                        + "The line joins the Pareto-optimal points above the floor (no other point is both "
                        + "faster and smaller).", "Pareto"));
        h.append("</div>\n");
        h.append(fitSection(ok));
        h.append(table(results));
        h.append("<script>").append(SORT_JS).append("</script>\n</body></html>\n");
        return h.toString();
    }

    private static String specSection(Map<String, Object> spec, int gridPoints, Shard shard,
                                      List<PointResult> results) {
        long failed = results.stream().filter(r -> !r.succeeded()).count();
        StringBuilder s = new StringBuilder("<table class=\"spec\">\n");
        spec.forEach((k, v) -> s.append("<tr><th>").append(esc(k)).append("</th><td>").append(esc(flat(v)))
                .append("</td></tr>\n"));
        s.append("<tr><th>points</th><td>").append(results.size()).append(" finished (").append(failed)
                .append(" failed) of ").append(gridPoints).append(" in the grid")
                .append(shard.n() > 1 ? ", shard " + shard + " of the grid" : "").append("</td></tr>\n");
        return s.append("</table>\n").toString();
    }

    private static String flat(Object v) {
        if (v instanceof Map<?, ?> m) {
            return m.entrySet().stream().map(e -> e.getKey() + " " + flat(e.getValue()))
                    .collect(Collectors.joining(", "));
        }
        if (v instanceof List<?> l) {
            return l.isEmpty() ? "none" : l.stream().map(Report::flat).collect(Collectors.joining(","));
        }
        return String.valueOf(v);
    }

    private static String stageSection(List<PointResult> results) {
        StringBuilder s = new StringBuilder("<h2>Stages</h2>\n<table class=\"stages\"><tr><th>stage</th>"
                + "<th>ran on</th><th>not run</th></tr>\n");
        for (Stage stage : Stage.values()) {
            long ran = results.stream().filter(r -> r.stagesRun().contains(stage.label())).count();
            Map<String, Long> why = results.stream().filter(r -> r.stagesSkipped().containsKey(stage.label()))
                    .collect(Collectors.groupingBy(r -> r.stagesSkipped().get(stage.label()), TreeMap::new,
                            Collectors.counting()));
            s.append("<tr><td>").append(esc(stage.label())).append("</td><td>").append(ran).append(" points</td><td>")
                    .append(why.isEmpty() ? "" : why.entrySet().stream()
                            .map(e -> esc(e.getKey()) + " (" + e.getValue() + " points)")
                            .collect(Collectors.joining("<br>")))
                    .append("</td></tr>\n");
        }
        return s.append("</table>\n").toString();
    }

    private static String findings(List<PointResult> results, List<PointResult> ok, double snrFloor,
                                   Charts.Latency latency) {
        List<String> items = new ArrayList<>();
        List<PointResult> failed = results.stream().filter(r -> !r.succeeded()).toList();
        if (!failed.isEmpty()) {
            items.add(failed.size() + " points failed (pink rows below; hover for the error): "
                    + failed.stream().map(r -> r.id() + ": " + r.error()).collect(Collectors.joining("; ")));
        }
        String lat = latency.axis;
        String cosim = cosimSummary(results, ok);
        if (cosim != null) {
            items.add(cosim);
        }
        ok.stream().filter(r -> r.bestLatencyUs() != null).min(Comparator.comparingDouble(PointResult::bestLatencyUs))
                .ifPresent(r -> items.add("Fastest point: " + r.id() + ", " + fmt(r.bestLatencyUs(), 2) + " us "
                        + lat + " per frame, SNR " + fmt(r.snrDb(), 1) + " dB."));
        ok.stream().filter(r -> r.bestLatencyUs() != null && r.snrDb() != null && r.snrDb() >= snrFloor)
                .min(Comparator.comparingDouble(PointResult::bestLatencyUs))
                .ifPresentOrElse(r -> items.add("Fastest point at SNR >= " + fmt(snrFloor, 1) + " dB: " + r.id()
                                + ", " + fmt(r.bestLatencyUs(), 2) + " us."),
                        () -> items.add("No point reaches the accuracy floor of " + fmt(snrFloor, 1) + " dB."));
        String snr = snrByWeightBits(ok);
        if (snr != null) {
            items.add(snr);
        }
        String speedup = speedupByPes(ok, lat);
        if (speedup != null) {
            items.add(speedup);
        }
        String knee = kneeByPes(ok, lat);
        if (knee != null) {
            items.add(knee);
        }
        if (items.isEmpty()) {
            items.add("No point finished successfully.");
        }
        return "<h2>Findings</h2>\n<ul>\n" + items.stream().map(i -> "<li>" + esc(i) + "</li>\n")
                .collect(Collectors.joining()) + "</ul>\n";
    }

    /**
     * How many points co-simulation ran on and found bit-exact, and how far the measured cycles are
     * from the ideal bound; null when no point was co-simulated.
     */
    private static String cosimSummary(List<PointResult> results, List<PointResult> ok) {
        List<PointResult> exact = ok.stream().filter(r -> r.cyclesPerFrame() != null).toList();
        List<PointResult> mismatched = results.stream().filter(r -> !r.succeeded() && r.error() != null
                && r.error().startsWith(PointRunner.NOT_BIT_EXACT)).toList();
        if (exact.isEmpty() && mismatched.isEmpty()) {
            return null;
        }
        StringBuilder s = new StringBuilder("Co-simulation (Verilator, KU3 DDR3 model): ").append(exact.size())
                .append(" points bit-exact with the golden model, ").append(mismatched.size()).append(" not");
        if (!mismatched.isEmpty()) {
            s.append(" (").append(mismatched.stream().map(PointResult::id).collect(Collectors.joining(", ")))
                    .append(')');
        }
        s.append('.');
        List<PointResult> withIdeal = exact.stream().filter(r -> r.idealCyclesPerFrame() != null
                && r.idealCyclesPerFrame() > 0).toList();
        if (!withIdeal.isEmpty()) {
            double lo = withIdeal.stream().mapToDouble(r -> r.cyclesPerFrame() / r.idealCyclesPerFrame()).min()
                    .orElseThrow();
            double hi = withIdeal.stream().mapToDouble(r -> r.cyclesPerFrame() / r.idealCyclesPerFrame()).max()
                    .orElseThrow();
            double uLo = withIdeal.stream().mapToDouble(PointResult::peUtilization).min().orElseThrow();
            double uHi = withIdeal.stream().mapToDouble(PointResult::peUtilization).max().orElseThrow();
            s.append(" Measured cycles per frame are ").append(range(lo, hi, 2))
                    .append(" x the ideal bound; PE utilization ").append(range(100 * uLo, 100 * uHi, 1)).append(" %.");
            PointResult stalled = withIdeal.stream().filter(r -> r.ddrStallCyclesPerFrame() != null)
                    .max(Comparator.comparingDouble(r -> r.ddrStallCyclesPerFrame() / r.cyclesPerFrame())).orElse(null);
            if (stalled != null) {
                s.append(" Most DDR-bound: ").append(stalled.id()).append(", DDR stalls ")
                        .append(fmt(100 * stalled.ddrStallCyclesPerFrame() / stalled.cyclesPerFrame(), 1))
                        .append(" % of its cycles, activation-queue stalls ")
                        .append(fmt(100 * stalled.queueStallCyclesPerFrame() / stalled.cyclesPerFrame(), 1))
                        .append(" %.");
            }
        }
        return s.toString();
    }

    /** "lo to hi", or one number when they print the same. */
    private static String range(double lo, double hi, int decimals) {
        String a = fmt(lo, decimals);
        String b = fmt(hi, decimals);
        return a.equals(b) ? a : a + " to " + b;
    }

    /** Mean SNR per weight width, the gain per extra bit, and where it falls below {@link #SNR_GAIN_PER_BIT_PAYS}. */
    private static String snrByWeightBits(List<PointResult> ok) {
        Map<Integer, Double> mean = meanBy(ok, PointResult::weightBits, PointResult::snrDb);
        if (mean.size() < 2) {
            return null;
        }
        StringBuilder s = new StringBuilder("Mean SNR by weight width: ");
        s.append(mean.entrySet().stream().map(e -> "w" + e.getKey() + " " + fmt(e.getValue(), 1) + " dB")
                .collect(Collectors.joining(", ")));
        List<Integer> widths = new ArrayList<>(mean.keySet());
        Integer stops = null;
        List<String> gains = new ArrayList<>();
        for (int k = 1; k < widths.size(); k++) {
            double gain = (mean.get(widths.get(k)) - mean.get(widths.get(k - 1))) / (widths.get(k) - widths.get(k - 1));
            gains.add("w" + widths.get(k - 1) + "->w" + widths.get(k) + " " + fmt(gain, 2) + " dB/bit");
            if (stops == null && gain < SNR_GAIN_PER_BIT_PAYS) {
                stops = widths.get(k - 1);
            }
        }
        s.append("; gain per extra bit: ").append(String.join(", ", gains)).append(". ");
        s.append(stops == null ? "Every step pays at least " + fmt(SNR_GAIN_PER_BIT_PAYS, 1) + " dB per bit."
                : "Beyond w" + stops + " SNR stops paying (less than " + fmt(SNR_GAIN_PER_BIT_PAYS, 1)
                + " dB per extra bit).");
        return s.toString();
    }

    /**
     * Latency against resources per PE step, for each weight width (and each value of the other
     * varying axes), and the knee of each: the PE count after which a step gives less than
     * {@link #KNEE_EFFICIENCY} of the ideal speedup (the PE ratio) while LUT + DSP keep growing; null
     * when no series has two PE counts with resources.
     */
    private static String kneeByPes(List<PointResult> ok, String lat) {
        List<PointResult> pts = ok.stream().filter(r -> r.lut() != null && r.dsp() != null
                && r.bestLatencyUs() != null).toList();
        Set<String> axes = varying(pts, Set.of("pes"));
        Map<String, List<PointResult>> series = new TreeMap<>(Comparator.comparing((String k) -> k.length())
                .thenComparing(Comparator.naturalOrder()));
        pts.forEach(r -> series.computeIfAbsent(Charts.suffix(r, axes).strip(), k -> new ArrayList<>()).add(r));
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, List<PointResult>> e : series.entrySet()) {
            Map<Integer, Double> latency = meanBy(e.getValue(), PointResult::pes, PointResult::bestLatencyUs);
            Map<Integer, Double> cost = meanBy(e.getValue(), PointResult::pes, r -> (double) (r.lut() + r.dsp()));
            if (latency.size() < 2) {
                continue;
            }
            List<Integer> pes = new ArrayList<>(latency.keySet());
            List<String> steps = new ArrayList<>();
            String knee = null;
            for (int k = 1; k < pes.size(); k++) {
                int from = pes.get(k - 1);
                int to = pes.get(k);
                double speedup = latency.get(from) / latency.get(to);
                double growth = cost.get(to) / cost.get(from);
                double efficiency = speedup / ((double) to / from);
                steps.add(from + "->" + to + " PEs / " + fmt(speedup, 2) + " for x " + fmt(growth, 2));
                if (knee == null && efficiency < KNEE_EFFICIENCY) {
                    knee = "knee at " + from + " PEs (the step to " + to + " gives " + fmt(100 * efficiency, 0)
                            + " % of the ideal " + fmt((double) to / from, 1) + "x)";
                }
            }
            parts.add((e.getKey().isEmpty() ? "" : e.getKey() + ": ") + String.join(", ", steps) + "; "
                    + (knee != null ? knee : "no knee within the grid"));
        }
        if (parts.isEmpty()) {
            return null;
        }
        return "Latency against resources per PE step (\"/ a for x b\": " + lat + " divided by a, LUT + DSP48E2 "
                + "of the Yosys estimate multiplied by b). " + String.join(". ", parts) + ". (Knee: the last PE count before a step "
                + "that gives less than " + fmt(100 * KNEE_EFFICIENCY, 0) + " % of the ideal speedup.)";
    }

    private static String speedupByPes(List<PointResult> ok, String lat) {
        Map<Integer, Double> mean = meanBy(ok, PointResult::pes, PointResult::bestLatencyUs);
        if (mean.size() < 2) {
            return null;
        }
        List<Integer> pes = new ArrayList<>(mean.keySet());
        List<String> steps = new ArrayList<>();
        for (int k = 1; k < pes.size(); k++) {
            double ratio = mean.get(pes.get(k - 1)) / mean.get(pes.get(k));
            steps.add(pes.get(k - 1) + "->" + pes.get(k) + " PEs " + fmt(ratio, 2) + "x");
        }
        return "Speedup of mean " + lat + " as PEs grow: " + String.join(", ", steps)
                + " (ideal: the PE ratio; less means padding, imbalance or stalls grow).";
    }

    private static Map<Integer, Double> meanBy(List<PointResult> ok, Function<PointResult, Integer> key,
                                               Function<PointResult, Double> value) {
        Map<Integer, List<Double>> groups = new TreeMap<>();
        for (PointResult r : ok) {
            Double v = value.apply(r);
            if (v != null && Double.isFinite(v)) {
                groups.computeIfAbsent(key.apply(r), k -> new ArrayList<>()).add(v);
            }
        }
        Map<Integer, Double> mean = new TreeMap<>();
        groups.forEach((k, vs) -> mean.put(k, vs.stream().mapToDouble(Double::doubleValue).average().orElseThrow()));
        return mean;
    }

    static String figure(Charts.Chart chart, String caption, String what) {
        StringBuilder s = new StringBuilder("<figure>");
        if (chart.svg() != null) {
            s.append(chart.svg());
        } else {
            s.append("<div class=\"notice\"><b>No ").append(esc(what)).append(" chart:</b> ")
                    .append(esc(chart.missing())).append("</div>");
        }
        return s.append("<figcaption>").append(esc(caption)).append("</figcaption></figure>\n").toString();
    }

    private static String fitSection(List<PointResult> ok) {
        long fits = ok.stream().filter(r -> Boolean.TRUE.equals(r.fitsKu060())).count();
        long over = ok.stream().filter(r -> Boolean.FALSE.equals(r.fitsKu060())).count();
        long unknown = ok.size() - fits - over;
        StringBuilder s = new StringBuilder("<h2>Which points fit a KU060</h2>\n<p>XCKU060 capacity: ")
                .append(String.format(Locale.ROOT, "%,d LUT, %,d FF, %,d DSP48E2, %,d BRAM36",
                        KU060.luts(), KU060.ffs(), KU060.dsps(), KU060.bram36()))
                .append(". Fit means every Yosys estimate is within the device (estimates: Vivado decides).</p>\n<p>")
                .append(fits).append(" points fit, ").append(over).append(" do not, ").append(unknown)
                .append(" unknown (no Yosys estimate).");
        if (fits > 0) {
            s.append(" Fitting: ").append(esc(ok.stream().filter(r -> Boolean.TRUE.equals(r.fitsKu060()))
                    .map(PointResult::id).collect(Collectors.joining(", ")))).append('.');
        }
        return s.append("</p>\n").toString();
    }

    /** A table column: header, tooltip, and the cell value (a number, text, or null for "not run"). */
    private record Column(String header, String title, Function<PointResult, Object> value, int decimals) {
    }

    private static final List<Column> COLUMNS = List.of(
            new Column("id", "point id", PointResult::id, 0),
            new Column("PEs", "PEs per channel", PointResult::pes, 0),
            new Column("w", "weight bits", PointResult::weightBits, 0),
            new Column("a", "activation bits", PointResult::actBits, 0),
            new Column("i", "relative index bits", PointResult::indexBits, 0),
            new Column("ch", "channels", PointResult::channels, 0),
            new Column("pruning", "pruning method", PointResult::pruning, 0),
            new Column("cell", "the model's cell", PointResult::cell, 0),
            new Column("status", "ok or failed (hover for the error)", PointResult::status, 0),
            new Column("bit exact", "co-simulation equals the golden model", PointResult::bitExact, 0),
            new Column("cycles/frame", "co-simulated", PointResult::cyclesPerFrame, 1),
            new Column("ideal cycles/frame", "compiler bound: busiest PE, padding folded",
                    PointResult::idealCyclesPerFrame, 0),
            new Column("latency us", "co-simulated, at the clock", PointResult::latencyUs, 2),
            new Column("ideal latency us", "compiler bound at the clock", PointResult::idealLatencyUs, 2),
            new Column("GOPS sparse", "co-simulated: 2 x useful MACs x channels / latency", PointResult::gopsSparse, 1),
            new Column("GOPS dense-eq", "co-simulated: 2 x dense weights x channels / latency",
                    PointResult::gopsDenseEquiv, 1),
            new Column("ideal GOPS sparse", "at the ideal latency", PointResult::idealGopsSparse, 1),
            new Column("ideal GOPS dense-eq", "at the ideal latency", PointResult::idealGopsDenseEquiv, 1),
            new Column("PE util", "co-simulated: useful MACs / (PEs x cycles)", PointResult::peUtilization, 3),
            new Column("DDR stall/frame", "co-simulated DDR stall cycles per frame",
                    PointResult::ddrStallCyclesPerFrame, 0),
            new Column("queue stall/frame", "co-simulated activation-queue stall cycles per frame",
                    PointResult::queueStallCyclesPerFrame, 0),
            new Column("ideal PE util", "useful MACs / (PEs x ideal cycles)", PointResult::idealPeUtilization, 3),
            new Column("SNR dB", "golden model vs float reference of the pruned model", PointResult::snrDb, 2),
            new Column("max err", "largest |golden - float|", PointResult::maxAbsError, 5),
            new Column("compression", "dense fp32 bits / stored bits", PointResult::compressionRatio, 2),
            new Column("LUT", "Yosys estimate", PointResult::lut, 0),
            new Column("FF", "Yosys estimate", PointResult::ff, 0),
            new Column("DSP", "Yosys estimate, DSP48E2", PointResult::dsp, 0),
            new Column("BRAM36", "Yosys estimate, RAMB36E2 + RAMB18E2/2", PointResult::bram36, 1),
            new Column("LUT %", "of the KU060", PointResult::lutPct, 1),
            new Column("FF %", "of the KU060", PointResult::ffPct, 1),
            new Column("DSP %", "of the KU060", PointResult::dspPct, 1),
            new Column("BRAM %", "of the KU060", PointResult::bramPct, 1),
            new Column("depth", "deepest register-to-register path, LUT levels", PointResult::logicDepth, 0),
            new Column("fits KU060", "every estimate within the device", PointResult::fitsKu060, 0));

    private static String table(List<PointResult> results) {
        StringBuilder s = new StringBuilder("<h2>Every point</h2>\n<p>Click a column header to sort; "
                + "a dash is a figure whose stage did not run.</p>\n<div class=\"scroll\"><table id=\"points\" "
                + "class=\"points\"><thead><tr>");
        for (Column c : COLUMNS) {
            s.append("<th title=\"").append(esc(c.title())).append("\">").append(esc(c.header())).append("</th>");
        }
        s.append("</tr></thead>\n<tbody>\n");
        for (PointResult r : results) {
            s.append(r.succeeded() ? "<tr>" : "<tr class=\"failed\" title=\"" + esc(r.error()) + "\">");
            for (Column c : COLUMNS) {
                Object v = c.value().apply(r);
                if (v == null) {
                    s.append("<td class=\"na\">&ndash;</td>");
                } else if (v instanceof Number n) {
                    double d = n.doubleValue();
                    s.append("<td class=\"num\" data-v=\"").append(Double.isFinite(d) ? Double.toString(d) : "1e308")
                            .append("\">").append(Double.isInfinite(d) ? "inf" : fmt(d, c.decimals())).append("</td>");
                } else {
                    s.append("<td>").append(esc(String.valueOf(v))).append("</td>");
                }
            }
            s.append("</tr>\n");
        }
        return s.append("</tbody></table></div>\n").toString();
    }

    static String fmt(double v, int decimals) {
        return String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }

    static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\"", "&quot;");
    }

    /** Labels of the axes that vary among these results, other than {@code excluded}. */
    static Set<String> varying(List<PointResult> results, Set<String> excluded) {
        Map<String, Function<PointResult, Object>> axes = new LinkedHashMap<>();
        axes.put("pes", PointResult::pes);
        axes.put("w", PointResult::weightBits);
        axes.put("a", PointResult::actBits);
        axes.put("i", PointResult::indexBits);
        axes.put("c", PointResult::channels);
        axes.put("pruning", PointResult::pruning);
        axes.put("cell", PointResult::cell);
        Set<String> out = new LinkedHashSet<>();
        axes.forEach((name, f) -> {
            if (!excluded.contains(name) && results.stream().map(f).distinct().count() > 1) {
                out.add(name);
            }
        });
        return out;
    }

    static final String CSS = """
            body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:24px;\
            color:#1b1f24;max-width:1400px}
            h1{font-size:22px;margin:0 0 12px}h2{font-size:17px;margin:22px 0 8px;border-bottom:1px solid #d0d7de}
            table{border-collapse:collapse}th,td{padding:3px 8px;border:1px solid #d0d7de;vertical-align:top}
            table.spec th,table.stages th{text-align:left;background:#f6f8fa}
            .charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(620px,1fr));gap:16px}
            figure{margin:0;border:1px solid #d0d7de;padding:8px;background:#fff}
            figure svg{width:100%;height:auto}figcaption{font-size:12px;color:#57606a;margin-top:4px}
            .notice{height:240px;display:flex;align-items:center;justify-content:center;text-align:center;\
            padding:16px;background:#fff8c5;color:#6e5600;border:1px dashed #d4a72c}
            .scroll{overflow-x:auto}table.points{font-size:12px;white-space:nowrap}
            table.points th{position:sticky;top:0;background:#f6f8fa;cursor:pointer;user-select:none}
            table.points th.asc::after{content:" \\25B2"}table.points th.desc::after{content:" \\25BC"}
            td.num{text-align:right;font-variant-numeric:tabular-nums}td.na{color:#8c959f;text-align:center}
            tr.failed td{background:#ffebe9}tbody tr:hover td{background:#f3f8ff}
            """;

    static final String SORT_JS = """
            document.querySelectorAll('#points th').forEach(function(th,col){th.addEventListener('click',function(){
            var tb=document.querySelector('#points tbody'),rows=Array.from(tb.rows),asc=!th.classList.contains('asc');
            document.querySelectorAll('#points th').forEach(function(h){h.classList.remove('asc','desc');});
            th.classList.add(asc?'asc':'desc');
            function key(r){var c=r.cells[col];return c.classList.contains('na')?null:
            (c.dataset.v!==undefined?parseFloat(c.dataset.v):c.textContent);}
            rows.sort(function(a,b){var x=key(a),y=key(b);if(x===null)return y===null?0:1;if(y===null)return -1;
            var d=(typeof x==='number')?x-y:String(x).localeCompare(String(y),undefined,{numeric:true});
            return asc?d:-d;});rows.forEach(function(r){tb.appendChild(r);});});});
            """;
}
