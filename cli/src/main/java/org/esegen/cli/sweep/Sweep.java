package org.esegen.cli.sweep;

import org.esegen.EsegenException;
import org.esegen.cli.DesignGenerator;
import org.esegen.config.MemoryBudget;
import org.esegen.rnn.CellKind;
import org.esegen.rnn.LayerStack;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
    /**
     * Memory outside the JVM a point's tools need whatever its size (Verilator's or Yosys' base). With
     * {@link #NATIVE_BYTES_PER_PE} fitted to peaks measured on the ESE model (153/1024/512, 16-bit
     * weights): Yosys 1.33 GiB at 8 PEs and 2.85 GiB at 64; the Verilator build (verilator_bin and two
     * cc1plus) 1.22 GiB at 64 PEs. The fit gives 1.5 and 3.25 GiB, about 15 % above.
     */
    static final long NATIVE_BYTES_PER_POINT = 1280L << 20;
    /** ... and per PE of the design (PEs per channel x channels), the part that grows with the Verilog. */
    static final long NATIVE_BYTES_PER_PE = 32L << 20;

    private Sweep() {
    }

    /**
     * How a sweep runs; none of it changes the figures.
     *
     * @param jobs           points run in parallel; 0 picks the most the cores and memory allow
     * @param shard          the slice of the grid to run
     * @param resume         continue the sweep already in the folder
     * @param snrFloor       the report's accuracy floor for the Pareto front, dB
     * @param verilatorCache the Verilator build cache co-simulation uses (shared with {@code esegen cosim})
     */
    public record Options(int jobs, Shard shard, boolean resume, double snrFloor, Path verilatorCache) {
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
     * @param weights the float model of every swept cell, each fitting every point's buffers
     */
    public record Plan(List<Point> grid, List<Point> slice, Map<CellKind, LayerStack> weights) {
    }

    /**
     * Validate every point's configuration, load the model and check that it fits.
     *
     * @throws EsegenException on an illegal configuration or a model that does not fit
     */
    public static Plan plan(SweepSpec spec, Shard shard) {
        List<Point> grid = spec.points();
        Map<CellKind, LayerStack> weights = new java.util.EnumMap<>(CellKind.class);
        for (CellKind cell : spec.grid().cells()) {
            LayerStack model = spec.model().load(cell);
            spec.base().requireFits(model, spec.model().describe() + " (" + cell.cliName() + ")");
            weights.put(cell, model);
        }
        return new Plan(grid, shard.select(grid), weights);
    }

    /**
     * Run the sweep.
     *
     * @param generator writes a point's Verilog for the generate, co-simulation and Yosys stages; null
     *                  when there is none (those stages are then recorded as not run)
     * @param err       where the progress line and notices go
     * @throws EsegenException on a bad spec or folder, before any point runs
     */
    public static Summary run(SweepSpec spec, Options options, Path out, DesignGenerator generator, PrintStream err) {
        long start = System.nanoTime();
        return run(spec, spec.describe(), plan(spec, options.shard()), options, out, generator, err, start);
    }

    /**
     * Run the points of a plan made elsewhere (a design search's shortlist) as a sweep.
     *
     * @param spec        what the points run (frames, stages) and the sizes the job planner reads
     *                    from its grid (the largest PE and channel counts)
     * @param description the {@code spec} written into {@code sweep.json} and shown in the report
     * @param start       when the work began ({@link System#nanoTime}), for the summary's wall time
     */
    static Summary run(SweepSpec spec, Map<String, Object> description, Plan plan, Options options, Path out,
                       DesignGenerator generator, PrintStream err, long start) {
        List<Point> grid = plan.grid();
        Map<CellKind, LayerStack> weights = plan.weights();
        List<Point> slice = plan.slice();
        try (SweepFolder folder = SweepFolder.open(out, specFile(description, options.shard(), grid),
                options.resume())) {
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
            int jobs = chooseJobs(options.jobs(), todo.size(), pointBytes(spec, weights),
                    nativeBytes(spec, generator != null), availableMemory(), err);
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
                runPoints(new PointRunner(spec, weights, generator, options.verilatorCache()), folder, todo, jobs,
                        results, progress);
            } finally {
                progress.close();
                removeHook(onInterrupt);
            }
            Report.write(folder.dir().resolve(SweepFolder.REPORT), description, grid.size(), options.shard(),
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
                    PointRunner.Finished finished = runner.run(p, folder.pointDir(p));
                    PointResult r = finished.result();
                    synchronized (results) {
                        results.put(p.index(), r);
                        folder.writeResults(results.values());
                    }
                    progress.finished(r, finished.wallSeconds());
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
    static Map<String, Object> specFile(Map<String, Object> description, Shard shard, List<Point> grid) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("spec", description);
        m.put("shard", shard.toString());
        m.put("grid", grid.stream().map(Point::id).toList());
        return m;
    }

    /** Heap one point needs: its own copies of the model's matrices, encodings, image and references. */
    static long pointBytes(SweepSpec spec, Map<CellKind, LayerStack> weights) {
        int maxChannels = spec.grid().channels().get(spec.grid().channels().size() - 1);
        long most = 0;
        for (LayerStack w : weights.values()) {
            most = Math.max(most, MemoryBudget.modelBytes(w.matrixWeights()) + MemoryBudget.frameBytes(maxChannels,
                    spec.frames(), w.inputSize(), w.totalHiddenSize(), w.totalOutputSize()));
        }
        return most;
    }

    /**
     * Memory outside the JVM one point needs at its peak: the Verilator build of its design (Verilator
     * and the C++ compilers it runs in parallel) or the Yosys run, whichever is larger; they do not
     * overlap within a point. Sized for the largest design of the grid; 0 when neither stage runs.
     *
     * @param haveGenerator whether a design generator is wired in (without one neither tool runs)
     */
    static long nativeBytes(SweepSpec spec, boolean haveGenerator) {
        if (!haveGenerator || !(spec.cosim() || spec.synth())) {
            return 0;
        }
        List<Integer> pes = spec.grid().pes();
        List<Integer> channels = spec.grid().channels();
        long maxPes = (long) pes.stream().mapToInt(Integer::intValue).max().orElse(1)
                * channels.stream().mapToInt(Integer::intValue).max().orElse(1);
        return NATIVE_BYTES_PER_POINT + NATIVE_BYTES_PER_PE * maxPes;
    }

    /**
     * Physical memory available to new processes, bytes: {@code MemAvailable} of {@code /proc/meminfo}
     * (the JVM's view of free memory where that cannot be read), lowered to what a cgroup memory
     * limit (v2 {@code memory.max}, v1 {@code memory.limit_in_bytes}) leaves, and under Slurm to the
     * job's {@code SLURM_MEM_PER_NODE} less this JVM's heap.
     */
    static long availableMemory() {
        long available = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    available = Long.parseLong(line.replaceAll("\\D+", "")) << 10;
                }
            }
        } catch (IOException | RuntimeException e) {
            available = -1;
        }
        if (available < 0) {
            java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
            available = os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getFreeMemorySize()
                    : Long.MAX_VALUE;
        }
        available = Math.min(available, cgroupRoom(Path.of("/sys/fs/cgroup"), "memory.max", "memory.current"));
        available = Math.min(available, cgroupRoom(Path.of("/sys/fs/cgroup/memory"), "memory.limit_in_bytes",
                "memory.usage_in_bytes"));
        String slurm = System.getenv("SLURM_MEM_PER_NODE");
        if (slurm != null && slurm.strip().matches("\\d+")) {
            available = Math.min(available, Math.max(0, (Long.parseLong(slurm.strip()) << 20)
                    - Runtime.getRuntime().totalMemory()));
        }
        return available;
    }

    /** What a cgroup memory limit leaves (limit - usage), or Long.MAX_VALUE when there is none to read. */
    private static long cgroupRoom(Path dir, String limitFile, String usageFile) {
        try {
            String limit = Files.readString(dir.resolve(limitFile)).strip();
            if (limit.equals("max")) {
                return Long.MAX_VALUE;
            }
            long usage = Long.parseLong(Files.readString(dir.resolve(usageFile)).strip());
            return Math.max(0, Long.parseLong(limit) - usage);
        } catch (IOException | RuntimeException noLimit) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * Points to run in parallel: at most the available cores, the points left, what the heap left
     * after loading the model holds at {@code pointBytes} each, and what the machine's available
     * memory holds at {@code nativeBytes} each (Verilator's and Yosys' processes); at least 1. Says
     * on {@code err} when it runs fewer jobs than asked.
     *
     * @param requested       {@code --jobs}, 0 for as many as allowed
     * @param nativeBytes     memory outside the JVM one point needs (see {@link #nativeBytes}); 0 for none
     * @param availableMemory physical memory available to new processes (see {@link #availableMemory})
     */
    static int chooseJobs(int requested, int points, long pointBytes, long nativeBytes, long availableMemory,
                          PrintStream err) {
        Runtime rt = Runtime.getRuntime();
        int cores = rt.availableProcessors();
        long freeHeap = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        long byHeap = Math.max(1, freeHeap * 8 / 10 / pointBytes);
        long byNative = nativeBytes <= 0 ? Long.MAX_VALUE : Math.max(1, availableMemory * 8 / 10 / nativeBytes);
        int allowed = (int) Math.max(1, Math.min(Math.min(Math.min(cores, byHeap), byNative), Math.max(1, points)));
        if (requested == 0) {
            return allowed;
        }
        if (requested > allowed) {
            err.printf("sweep: --jobs %d capped to %d (%d cores; %d MiB heap free at %d MiB per point; %s; %d points "
                            + "to run)%n", requested, allowed, cores, freeHeap >> 20, pointBytes >> 20,
                    nativeBytes <= 0 ? "no Verilator or Yosys runs"
                            : String.format(Locale.ROOT, "%d MiB memory available at %d MiB of Verilator/Yosys per "
                            + "point", availableMemory >> 20, nativeBytes >> 20), points);
            return allowed;
        }
        return requested;
    }
}
