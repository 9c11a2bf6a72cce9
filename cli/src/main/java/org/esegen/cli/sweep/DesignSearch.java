package org.esegen.cli.sweep;

import org.esegen.EsegenException;
import org.esegen.Parallel;
import org.esegen.cli.DesignGenerator;
import org.esegen.compile.CompiledModel;
import org.esegen.compile.Compiler;
import org.esegen.compile.Metrics;
import org.esegen.config.AcceleratorConfig;
import org.esegen.config.Presets;
import org.esegen.rnn.LayerStack;
import org.esegen.synth.Device;
import org.esegen.synth.ResourceModel;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Finds the best design for a model on a device at an accuracy floor, in four steps:
 * <ol>
 * <li><b>Bound</b> every candidate of the {@link SearchSpace}: compile each distinct design (all but
 * the channel count) once and take the fastest it could run, the larger of the compiler's stall-free
 * bound (busiest PE) and, for the DDR store, the DDR bound (the compressed weights, read once a frame
 * for every channel, at the AXI port's full width every cycle). Both are lower bounds on the cycles a
 * frame takes (with the on-chip store, of every frame after a run's first).</li>
 * <li><b>Predict</b> each candidate's whole-design Yosys estimate with the {@link ResourceModel}; a
 * candidate predicted over the device by more than the model's own worst error is dropped.</li>
 * <li><b>Shortlist</b>: walk the rest from the best bound down, measuring accuracy through the golden
 * model (once per design, whatever its channels), until {@code budget} candidates reach the floor.
 * For the latency objective a candidate with more channels than a sibling of the same design has
 * the same bound and more area, so only the fewest channels that fit are walked.</li>
 * <li><b>Measure</b> the shortlist as a sweep (co-simulation bit for bit, Yosys), and choose the
 * best measured candidate that is bit-exact and fits the device by Yosys.</li>
 * </ol>
 * Every candidate ends with a verdict saying why it was chosen or why it lost. Candidates whose bound
 * cannot beat the chosen design's measured figure are proven to lose; those whose bound could but
 * that the budget left unmeasured are said to be so.
 */
public final class DesignSearch {
    /** What the search optimizes. */
    public enum Objective {
        /** Least time per frame of one channel. */
        LATENCY,
        /** Most frames per second over all channels of the device. */
        THROUGHPUT;

        /** Parse {@code latency} or {@code throughput}. */
        public static Objective parse(String text) {
            return switch (text.toLowerCase(Locale.ROOT)) {
                case "latency" -> LATENCY;
                case "throughput" -> THROUGHPUT;
                default -> throw new EsegenException("--objective " + text + ": allowed are latency and throughput");
            };
        }

        /** Lower-case name. */
        public String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The objective's figure: the latency itself, or frames per second over all channels. */
        double value(double latencyUs, int channels) {
            return this == LATENCY ? latencyUs : channels * 1e6 / latencyUs;
        }

        /** A score where smaller is better: the latency, or frames per second negated. */
        double rank(double latencyUs, int channels) {
            return this == LATENCY ? latencyUs : -value(latencyUs, channels);
        }

        /** A {@link #rank} in words. */
        String describe(double rank) {
            return this == LATENCY ? String.format(Locale.ROOT, "%.2f us a frame", rank)
                    : String.format(Locale.ROOT, "%,.0f frames/s", -rank);
        }
    }

    /**
     * A search.
     *
     * @param source      the model file and its identity
     * @param model       its float layers
     * @param preset      base preset
     * @param sets        {@code --set} overrides on it
     * @param space       the candidates
     * @param objective   latency or throughput
     * @param quality     how accuracy is measured, and its floor
     * @param budget      candidates measured by co-simulation and Yosys (0: none, the pick is the best
     *                    predicted)
     * @param cosimFrames frames per channel each measured candidate co-simulates
     * @param device      the device designs must fit
     */
    public record Spec(ModelSource source, LayerStack model, String preset, List<String> sets, SearchSpace space,
                       Objective objective, SearchQuality quality, int budget, int cosimFrames, Device device) {
        public Spec {
            sets = List.copyOf(sets);
            if (budget < 0) {
                throw new EsegenException("--budget-points " + budget + ": must be at least 0");
            }
            if (cosimFrames < 1) {
                throw new EsegenException("--frames-per-point " + cosimFrames + ": must be at least 1");
            }
        }

        /** The base configuration. */
        public AcceleratorConfig base() {
            return Presets.resolve(preset, sets);
        }

        /** Everything that decides the result, for {@code search.json}. */
        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", "search");
            Map<String, Object> model = new LinkedHashMap<>(source.identity());
            model.remove("density");
            m.put("model", model);
            m.put("preset", preset);
            m.put("set", sets);
            m.put("space", space.describe());
            m.put("objective", objective.cliName());
            m.put("quality", quality.describe());
            m.put("budget_points", budget);
            m.put("frames_per_point", cosimFrames);
            m.put("device", device.part());
            return m;
        }
    }

    /**
     * Figures of one compiled design (every channel count of it shares them).
     *
     * @param idealCycles      the compiler's stall-free cycles per frame
     * @param compressedBytes  bytes of entries and pointers read per frame
     * @param density          real nonzeros / dense weights
     * @param error            why it does not compile, or null
     */
    record DesignFigures(long idealCycles, long compressedBytes, double density, String error) {
    }

    /**
     * Where a candidate ended.
     *
     * @param candidate        the candidate
     * @param design           its design's compile figures, or null (illegal)
     * @param boundCycles      the larger of the compiler's and the DDR bound, or null
     * @param ddrBoundCycles   the DDR bound alone, or null
     * @param predicted        the resource model's prediction, or null (illegal)
     * @param quality          measured accuracy, or null when not measured
     * @param measured         the co-simulated and synthesized result, or null
     * @param verdict          why it was chosen or lost
     * @param chosen           whether it is the pick
     * @param pareto           whether it is on the front of objective against predicted LUT + DSP among
     *                         candidates whose accuracy reached the floor
     */
    public record Assessment(SearchSpace.Candidate candidate, DesignFigures design, Long boundCycles,
                             Long ddrBoundCycles, ResourceModel.Prediction predicted, Double quality,
                             PointResult measured, String verdict, boolean chosen, boolean pareto) {

        /** Latency bound, microseconds, or null. */
        Double boundLatencyUs() {
            return boundCycles == null ? null : boundCycles / (double) candidate.config().clockMhz();
        }

        /** The objective's figure at the bound ({@link Objective#value}), or null. */
        Double boundObjective(Objective o) {
            Double l = boundLatencyUs();
            return l == null ? null : o.value(l, candidate.config().channels());
        }

        /** The objective's figure as co-simulated, or null. */
        public Double measuredObjective(Objective o) {
            if (measured == null || measured.latencyUs() == null) {
                return null;
            }
            return o.value(measured.latencyUs(), measured.channels());
        }
    }

    /**
     * What a search found.
     *
     * @param assessments every candidate, in the space's order
     * @param chosen      the pick, or null when nothing qualifies
     * @param designs     distinct designs compiled
     * @param qualityRuns designs whose accuracy was measured
     * @param margin      the resource model's margin, as a fraction
     */
    public record Outcome(List<Assessment> assessments, Assessment chosen, int designs, int qualityRuns,
                          double margin) {
    }

    private DesignSearch() {
    }

    /**
     * Run the search; the shortlist is measured in {@code measuredDir} (a sweep folder) unless
     * {@code measuredResults} gives its finished results from elsewhere (a merged Slurm run).
     *
     * @param options         how the shortlist's sweep runs (jobs, shard, resume)
     * @param measuredDir     where the shortlist is measured
     * @param measuredResults results read from a finished measurement, or null to measure here
     * @param generator       the Verilog generator
     * @param threads         designs compiled and utterances evaluated at once
     * @param err             progress and notices
     */
    public static Outcome run(Spec spec, Sweep.Options options, Path measuredDir,
                              Map<String, PointResult> measuredResults, DesignGenerator generator, int threads,
                              PrintStream err) {
        long start = System.nanoTime();
        AcceleratorConfig base = spec.base();
        List<SearchSpace.Candidate> candidates = spec.space().candidates(base);
        Map<String, DesignFigures> designs = compileDesigns(spec, candidates, threads, err);
        ResourceModel resources = ResourceModel.fitted();
        double margin = resources.maxRelativeError();
        List<Draft> drafts = new ArrayList<>();
        for (SearchSpace.Candidate c : candidates) {
            drafts.add(bound(spec, c, designs, resources, margin));
        }
        Map<String, Double> qualities = new HashMap<>();
        Walk walk = shortlist(spec, drafts, qualities, err);
        List<Draft> shortlist = walk.shortlist();
        err.printf(Locale.ROOT, "search: %d candidates, %d designs compiled, %d accuracy runs, shortlist of %d "
                + "(%.1f s)%n", candidates.size(), designs.size(), qualities.size(), shortlist.size(),
                (System.nanoTime() - start) / 1e9);
        Map<String, PointResult> measured = measuredResults;
        if (measured == null && spec.budget() > 0 && !shortlist.isEmpty()) {
            measured = measure(spec, shortlist, options, measuredDir, generator, err, start);
        }
        if (measured == null) {
            measured = Map.of();
        }
        return conclude(spec, drafts, walk, qualities, measured, designs.size(), margin);
    }

    /** A candidate before the verdict. */
    private record Draft(SearchSpace.Candidate candidate, DesignFigures design, Long boundCycles, Long ddrBoundCycles,
                         ResourceModel.Prediction predicted, String dropped) {
        /** The bound's {@link Objective#rank}. */
        double objective(Objective o) {
            return o.rank(boundCycles / (double) candidate.config().clockMhz(), candidate.config().channels());
        }

        double area() {
            return predicted.lut() + predicted.dsp();
        }
    }

    private static Map<String, DesignFigures> compileDesigns(Spec spec, List<SearchSpace.Candidate> candidates,
                                                             int threads, PrintStream err) {
        Map<String, SearchSpace.Candidate> distinct = new LinkedHashMap<>();
        for (SearchSpace.Candidate c : candidates) {
            if (c.config() != null) {
                distinct.putIfAbsent(c.variantKey(), c);
            }
        }
        err.printf("search: compiling %d designs for their bounds%n", distinct.size());
        List<DesignFigures> figures = Parallel.map(List.copyOf(distinct.values()), threads, c -> {
            try {
                Metrics m = Metrics.of(compileDesign(spec, c));
                return new DesignFigures(m.idealCyclesPerFrame(), m.compressedBytes(), m.density(), null);
            } catch (EsegenException e) {
                return new DesignFigures(0, 0, 0, e.getMessage());
            }
        });
        Map<String, DesignFigures> out = new HashMap<>();
        int k = 0;
        for (String key : distinct.keySet()) {
            out.put(key, figures.get(k++));
        }
        return out;
    }

    /**
     * A candidate's design compiled on one channel (channels change neither its bound nor its accuracy).
     * The bound step keeps only its figures, and the accuracy walk compiles again the few designs it
     * visits: holding every compiled design of a search would take gigabytes for ESE-size models.
     */
    private static CompiledModel compileDesign(Spec spec, SearchSpace.Candidate c) {
        return Compiler.compile(c.config().with("channels", 1), spec.model(), c.pruning(), c.density());
    }

    private static Draft bound(Spec spec, SearchSpace.Candidate c, Map<String, DesignFigures> designs,
                               ResourceModel resources, double margin) {
        if (c.config() == null) {
            return new Draft(c, null, null, null, null, "illegal configuration: " + c.illegal());
        }
        DesignFigures d = designs.get(c.variantKey());
        ResourceModel.Prediction p = resources.predict(c.config());
        if (d.error() != null) {
            return new Draft(c, d, null, null, p, "does not compile: " + d.error());
        }
        long ddr = c.config().onchipWeights() ? 0 : ddrBoundCycles(d.compressedBytes(), c.config().axiDataBytes());
        long bound = Math.max(d.idealCycles(), ddr);
        String dropped = null;
        double[] pct = p.percentOf(spec.device());
        String[] names = {"LUT", "FF", "DSP", "BRAM36"};
        for (int r = 0; r < 4 && dropped == null; r++) {
            if (pct[r] > 100 * (1 + margin)) {
                dropped = String.format(Locale.ROOT, "predicted not to fit: %s %.0f %% of the %s (resource model; "
                        + "dropped above %.0f %%)", names[r], pct[r], deviceName(spec.device()), 100 * (1 + margin));
            }
        }
        return new Draft(c, d, bound, ddr, p, dropped);
    }

    /**
     * Cycles to read {@code bytes} at {@code bytesPerCycle}: the DDR bound of a streamed design, which
     * reads every compressed weight once a frame (shared by all channels).
     */
    static long ddrBoundCycles(long bytes, int bytesPerCycle) {
        return (bytes + bytesPerCycle - 1) / bytesPerCycle;
    }

    private static String deviceName(Device d) {
        return d.part().equals(Device.XCKU060_PART) ? "KU060" : d.part();
    }

    /**
     * The shortlist walk.
     *
     * @param open      the candidates walked in bound order (for latency, the fewest channels of each design)
     * @param shortlist those measured next: the first {@code budget} (at least one) to reach the floor
     */
    private record Walk(List<Draft> open, List<Draft> shortlist) {
    }

    private static Walk shortlist(Spec spec, List<Draft> drafts, Map<String, Double> qualities, PrintStream err) {
        Objective o = spec.objective();
        List<Draft> open = new ArrayList<>(drafts.stream().filter(d -> d.dropped() == null).toList());
        if (o == Objective.LATENCY) {
            Map<String, Draft> fewestChannels = new LinkedHashMap<>();
            for (Draft d : open) {
                fewestChannels.merge(d.candidate().variantKey(), d, (a, b) ->
                        a.candidate().config().channels() <= b.candidate().config().channels() ? a : b);
            }
            open = new ArrayList<>(fewestChannels.values());
        }
        open.sort(Comparator.comparingDouble((Draft d) -> d.objective(o)).thenComparingDouble(Draft::area)
                .thenComparingInt(d -> d.candidate().index()));
        int want = Math.max(1, spec.budget());
        List<Draft> list = new ArrayList<>();
        for (Draft d : open) {
            if (list.size() >= want) {
                break;
            }
            String key = d.candidate().variantKey();
            Double q = qualities.get(key);
            if (q == null) {
                SearchSpace.Candidate c = d.candidate();
                q = spec.quality().measure(compileDesign(spec, c));
                qualities.put(key, q);
                err.printf(Locale.ROOT, "search: %s: %s %.2f %s (floor %.2f)%n", c.id(), spec.quality().name(), q,
                        spec.quality().unit(), spec.quality().floor());
            }
            if (q >= spec.quality().floor()) {
                list.add(d);
            }
        }
        return new Walk(open, list);
    }

    private static Map<String, PointResult> measure(Spec spec, List<Draft> shortlist, Sweep.Options options,
                                                    Path dir, DesignGenerator generator, PrintStream err,
                                                    long start) {
        List<Point> points = new ArrayList<>();
        for (Draft d : shortlist) {
            SearchSpace.Candidate c = d.candidate();
            points.add(new Point(points.size(), c.id(), c.pruning(), spec.model().cell(), c.config(), c.density()));
        }
        SweepSpec sweepSpec = new SweepSpec(spec.source(), spec.preset(), spec.sets(), gridOf(points),
                spec.cosimFrames(), true, true);
        Sweep.Plan plan = new Sweep.Plan(points, options.shard().select(points),
                Map.of(spec.model().cell(), spec.model()));
        Map<String, Object> description = new LinkedHashMap<>(spec.describe());
        description.put("shortlist", points.stream().map(Point::id).toList());
        Sweep.Summary s = Sweep.run(sweepSpec, description, plan, options, dir, generator, err, start);
        err.printf(Locale.ROOT, "search: measured %d of the shortlist's %d in %s (%d failed)%n", s.ok()
                + s.failed().size(), points.size(), s.dir(), s.failed().size());
        return SweepFolder.readFinished(s.dir());
    }

    /** A grid spanning the shortlist's values: what the sweep's job planner sizes its points by. */
    private static Grid gridOf(List<Point> points) {
        return new Grid(distinct(points, p -> p.config().pes()), distinct(points, p -> p.config().formats().weightBits()),
                distinct(points, p -> p.config().formats().actBits()),
                distinct(points, p -> p.config().formats().indexBits()), distinct(points, p -> p.config().channels()),
                points.stream().map(Point::pruning).distinct().toList(),
                points.stream().map(Point::cell).distinct().toList());
    }

    private static List<Integer> distinct(List<Point> points, java.util.function.ToIntFunction<Point> f) {
        return points.stream().mapToInt(f).distinct().boxed().toList();
    }

    private static Outcome conclude(Spec spec, List<Draft> drafts, Walk walk, Map<String, Double> qualities,
                                    Map<String, PointResult> measured, int designs, double margin) {
        Objective o = spec.objective();
        List<Draft> shortlist = walk.shortlist();
        Draft chosen = null;
        Double chosenValue = null;
        for (Draft d : shortlist) {
            PointResult r = measured.get(d.candidate().id());
            Double v = r == null || !r.succeeded() || !Boolean.TRUE.equals(r.fitsKu060()) || r.latencyUs() == null
                    ? null : measuredValue(o, r);
            if (v != null && (chosenValue == null || v < chosenValue)) {
                chosen = d;
                chosenValue = v;
            }
        }
        boolean predictedPick = false;
        if (spec.budget() == 0 && !shortlist.isEmpty()) {
            chosen = shortlist.get(0);
            chosenValue = chosen.objective(o);
            predictedPick = true;
        }
        List<Draft> accurate = drafts.stream().filter(d -> d.dropped() == null
                && qualities.getOrDefault(d.candidate().variantKey(), Double.NEGATIVE_INFINITY)
                >= spec.quality().floor()).toList();
        List<Draft> front = Charts.paretoFront(accurate, Draft::area, d -> d.objective(o), d -> d.candidate().index());
        List<Assessment> out = new ArrayList<>();
        Assessment chosenAssessment = null;
        for (Draft d : drafts) {
            String key = d.candidate().config() == null ? null : d.candidate().variantKey();
            Double q = key == null ? null : qualities.get(key);
            PointResult r = measured.get(d.candidate().id());
            boolean isChosen = d == chosen;
            String verdict = isChosen ? (predictedPick ? "chosen by its bound and predicted fit (--budget-points 0: "
                    + "not co-simulated or synthesized)" : "chosen: the best measured design that is bit-exact and "
                    + "fits by Yosys")
                    : verdict(spec, d, q, r, chosen, chosenValue, walk, predictedPick);
            Assessment a = new Assessment(d.candidate(), d.design(), d.boundCycles(), d.ddrBoundCycles(),
                    d.predicted(), q, r, verdict, isChosen, front.contains(d));
            if (isChosen) {
                chosenAssessment = a;
            }
            out.add(a);
        }
        return new Outcome(out, chosenAssessment, designs, qualities.size(), margin);
    }

    /** The {@link Objective#rank} of a measured result. */
    private static double measuredValue(Objective o, PointResult r) {
        return o.rank(r.latencyUs(), r.channels());
    }

    private static String verdict(Spec spec, Draft d, Double q, PointResult r, Draft chosen, Double chosenValue,
                                  Walk walk, boolean predictedPick) {
        Objective o = spec.objective();
        if (d.dropped() != null) {
            return d.dropped();
        }
        if (r != null) {
            if (!r.succeeded()) {
                return "measured: failed: " + r.error();
            }
            if (!Boolean.TRUE.equals(r.fitsKu060())) {
                return String.format(Locale.ROOT, "measured: does not fit by Yosys (LUT %.1f %%, FF %.1f %%, DSP %.1f "
                        + "%%, BRAM %.1f %%)", r.lutPct(), r.ffPct(), r.dspPct(), r.bramPct());
            }
            return "measured: " + o.describe(measuredValue(o, r)) + ", behind the chosen design's "
                    + o.describe(chosenValue);
        }
        if (q != null && q < spec.quality().floor()) {
            return String.format(Locale.ROOT, "below the floor: %s %.2f %s < %.2f", spec.quality().name(), q,
                    spec.quality().unit(), spec.quality().floor());
        }
        if (!walk.open().contains(d)) {
            return "same design as one with fewer channels: the same latency bound, more area";
        }
        if (chosenValue != null && d.objective(o) >= chosenValue) {
            return "cannot win: its bound " + o.describe(d.objective(o)) + " is no better than the chosen design's "
                    + (predictedPick ? "bound " : "measured ") + o.describe(chosenValue);
        }
        if (walk.shortlist().contains(d)) {
            return "shortlisted, not measured here (this run measured another slice of the shortlist)";
        }
        if (chosen == null) {
            return "not measured: no shortlisted design was measured bit-exact and fitting";
        }
        return "not measured: its bound " + o.describe(d.objective(o)) + " could beat the chosen design's measured "
                + o.describe(chosenValue) + ", but the budget of " + spec.budget() + " points went to better bounds";
    }
}
