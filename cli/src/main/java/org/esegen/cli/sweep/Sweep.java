package org.esegen.cli.sweep;

import org.esegen.EsegenException;
import org.esegen.cli.DesignGenerator;
import org.esegen.lstm.LstmpWeights;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs a sweep (or one shard of it) into a folder laid out as {@link SweepFolder} describes:
 * validates every point first, loads the model once, skips finished points and redoes partial
 * ones on resume, runs the rest on {@code jobs} threads, rebuilds the aggregate results after every
 * point, and writes the report at the end.
 */
public final class Sweep {
    /** Heap a point needs beyond the shared model, per dense matrix weight (measured: ESE's 3.25 M weights
     * compile and run in a 120 MiB heap, about 37 bytes per weight; this leaves a margin). */
    static final long BYTES_PER_WEIGHT = 64;
    /** Heap a point needs whatever its size. */
    static final long BYTES_PER_POINT = 16L << 20;

    private Sweep() {
    }

    /**
     * How a sweep runs; none of it changes the figures.
     *
     * @param jobs     points run in parallel; 0 picks the most the cores and heap allow
     * @param shard    the slice of the grid to run
     * @param resume   continue the sweep already in the folder
     * @param snrFloor the report's accuracy floor for the Pareto front, dB
     */
    public record Options(int jobs, Shard shard, boolean resume, double snrFloor) {
        public Options {
            if (jobs < 0) {
                throw new EsegenException("--jobs " + jobs + " must be at least 1 (or 0 for automatic)");
            }
        }
    }

    /**
     * What a sweep did.
     *
     * @param dir         the sweep folder
     * @param gridPoints  points in the whole grid
     * @param slicePoints points in this shard
     * @param ok          finished points of the slice that succeeded
     * @param failed      finished points of the slice that failed, by id with the error
     * @param resumed     points found finished and skipped
     * @param redone      partial points deleted and run again
     * @param jobs        points run in parallel
     * @param stagesSkipped stages the points did not run, with the reason
     * @param seconds     wall time
     */
    public record Summary(Path dir, int gridPoints, int slicePoints, int ok, Map<String, String> failed, int resumed,
                          int redone, int jobs, Map<String, String> stagesSkipped, double seconds) {
    }

    /**
     * A checked sweep, ready to run.
     *
     * @param grid    every point, validated
     * @param slice   the shard's points
     * @param weights the float model, which fits every point's buffers
     */
    public record Plan(List<Point> grid, List<Point> slice, LstmpWeights weights) {
    }

    /**
     * Validate every point's configuration, load the model and check that it fits.
     *
     * @throws EsegenException on an illegal configuration or a model that does not fit
     */
    public static Plan plan(SweepSpec spec, Shard shard) {
        List<Point> grid = spec.points();
        LstmpWeights weights = spec.model().load();
        spec.base().requireFits(weights.inputSize(), weights.hiddenSize(), weights.projSize(), spec.model().describe());
        return new Plan(grid, shard.select(grid), weights);
    }

    /**
     * Run the sweep.
     *
     * @param generator writes a point's Verilog for the generate and Yosys stages; null when this build
     *                  has none (those stages are then recorded as not run)
     * @param err       where the progress line and notices go
     * @throws EsegenException on a bad spec or folder, before any point runs
     */
    public static Summary run(SweepSpec spec, Options options, Path out, DesignGenerator generator, PrintStream err) {
        long start = System.nanoTime();
        Plan plan = plan(spec, options.shard());
        List<Point> grid = plan.grid();
        LstmpWeights weights = plan.weights();
        List<Point> slice = plan.slice();
        try (SweepFolder folder = SweepFolder.open(out, specFile(spec, options.shard(), grid), options.resume())) {
            Map<Integer, PointResult> results = new TreeMap<>();
            List<Point> todo = new ArrayList<>();
            int redone = 0;
            for (Point p : slice) {
                PointResult r = folder.finished(p);
                if (r != null) {
                    results.put(p.index(), r);
                } else {
                    if (folder.partial(p)) {
                        folder.clear(p);
                        redone++;
                    }
                    todo.add(p);
                }
            }
            int resumed = results.size();
            if (options.resume()) {
                err.printf("sweep: resuming %s: %d of %d points finished, %d partial points to redo%n", out, resumed,
                        slice.size(), redone);
            }
            folder.writeResults(results.values());
            int jobs = chooseJobs(options.jobs(), todo.size(), pointBytes(spec, weights), err);
            Progress progress = new Progress(err, slice.size(), resumed,
                    (int) results.values().stream().filter(r -> !r.succeeded()).count(), System.console() != null);
            Thread onInterrupt = new Thread(() -> {
                synchronized (results) {
                    err.printf("%nsweep: interrupted; %d of %d points finished and kept in %s; run the same command "
                            + "with --resume to finish the rest%n", results.size(), slice.size(), out);
                }
            });
            Runtime.getRuntime().addShutdownHook(onInterrupt);
            try {
                runPoints(new PointRunner(spec, weights, generator), folder, todo, jobs, results, progress);
            } finally {
                progress.close();
                removeHook(onInterrupt);
            }
            Report.write(folder.dir().resolve(SweepFolder.REPORT), spec.describe(), grid.size(), options.shard(),
                    List.copyOf(results.values()), options.snrFloor());
            Map<String, String> failed = new LinkedHashMap<>();
            results.values().stream().filter(r -> !r.succeeded()).forEach(r -> failed.put(r.id(), r.error()));
            return new Summary(folder.dir(), grid.size(), slice.size(), results.size() - failed.size(), failed,
                    resumed, redone, jobs, PointRunner.skippedStages(spec, generator != null),
                    (System.nanoTime() - start) / 1e9);
        }
    }

    private static void runPoints(PointRunner runner, SweepFolder folder, List<Point> todo, int jobs,
                                  Map<Integer, PointResult> results, Progress progress) {
        ExecutorService pool = Executors.newFixedThreadPool(jobs);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Point p : todo) {
                futures.add(pool.submit(() -> {
                    progress.started();
                    PointResult r = runner.run(p, folder.pointDir(p));
                    synchronized (results) {
                        results.put(p.index(), r);
                        folder.writeResults(results.values());
                    }
                    progress.finished(r);
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("sweep interrupted", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The JVM is exiting (Ctrl-C): the hook is about to tell the user what was kept.
        }
    }

    /** The content of {@code sweep.json}: the spec, the shard, and every grid point's id. */
    static Map<String, Object> specFile(SweepSpec spec, Shard shard, List<Point> grid) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("spec", spec.describe());
        m.put("shard", shard.toString());
        m.put("grid", grid.stream().map(Point::id).toList());
        return m;
    }

    /** Heap one point needs: its own copies of the model's matrices, encodings, image and references. */
    static long pointBytes(SweepSpec spec, LstmpWeights weights) {
        long frameValues = (long) spec.frames() * (weights.inputSize() + 8L * weights.hiddenSize()
                + 4L * weights.projSize());
        int maxChannels = spec.grid().channels().get(spec.grid().channels().size() - 1);
        return BYTES_PER_POINT + BYTES_PER_WEIGHT * weights.matrixWeights() + 32L * maxChannels * frameValues;
    }

    /**
     * Points to run in parallel: at most the available cores, the points left, and what the heap
     * left after loading the model holds at {@code pointBytes} each; at least 1. Says on {@code err}
     * when it runs fewer jobs than asked.
     *
     * @param requested {@code --jobs}, 0 for as many as allowed
     */
    static int chooseJobs(int requested, int points, long pointBytes, PrintStream err) {
        Runtime rt = Runtime.getRuntime();
        int cores = rt.availableProcessors();
        long freeHeap = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        long byMemory = Math.max(1, freeHeap * 8 / 10 / pointBytes);
        int allowed = (int) Math.max(1, Math.min(Math.min(cores, byMemory), Math.max(1, points)));
        if (requested == 0) {
            return allowed;
        }
        if (requested > allowed) {
            err.printf("sweep: --jobs %d capped to %d (%d cores, %d MiB heap free at %d MiB per point, %d points "
                    + "to run)%n", requested, allowed, cores, freeHeap >> 20, pointBytes >> 20, points);
            return allowed;
        }
        return requested;
    }
}
