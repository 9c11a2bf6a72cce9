package org.esegen.cli;

import org.esegen.EsegenException;
import org.esegen.io.Json;
import org.esegen.rnn.CellKind;
import org.esegen.cli.sweep.Grid;
import org.esegen.cli.sweep.ModelSource;
import org.esegen.cli.sweep.Shard;
import org.esegen.cli.sweep.Stage;
import org.esegen.cli.sweep.Sweep;
import org.esegen.cli.sweep.SweepEstimate;
import org.esegen.cli.sweep.SweepSpec;
import org.esegen.config.AcceleratorConfig;
import org.esegen.io.OutputFolder;
import org.esegen.hdl.Generator;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code esegen sweep}: run a grid of configurations and collect their figures and a report. */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {"Run every combination of the listed PE counts, widths, channel counts and pruning methods "
                + "on one model: each point compiles and runs the golden model, generates the Verilog, "
                + "co-simulates it under Verilator with the KU3 DDR3 model (a point that is not bit-exact fails) "
                + "and runs the Yosys estimate. One folder per point under DIR/points; "
                + "DIR/results.csv and DIR/results.json grow as points finish; DIR/report.html at the end.",
                "Safe to interrupt (Ctrl-C or kill -9): finished points are kept, and --resume skips them and "
                        + "redoes the partial ones. --shard k/n runs a deterministic slice; merge slices with "
                        + "sweep-merge (scripts/slurm-sweep.sh does both on a Slurm cluster).",
                "Exit 0 when every point of the slice succeeded, 1 when some point failed (the rest still run), "
                        + "2 on a bad spec or folder."})
public final class SweepCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @ArgGroup(exclusive = true, multiplicity = "1")
    ModelOptions.Source source;

    @Option(names = "--density", paramLabel = "D",
            description = "fraction of matrix weights kept, in (0, 1]; default: the synthetic spec's density, "
                    + "or 1 for --model")
    Double density;

    @Option(names = "--pes", paramLabel = "N,...", description = "PEs per channel (default: the preset's)")
    String pes;

    @Option(names = "--weight-bits", paramLabel = "B,...", description = "weight widths (default: the preset's)")
    String weightBits;

    @Option(names = "--act-bits", paramLabel = "B,...",
            description = "activation widths (default: the preset's); each keeps the preset's integer bits, "
                    + "so actFracBits = B - (actBits - actFracBits) of the preset")
    String actBits;

    @Option(names = "--index-bits", paramLabel = "B,...", description = "relative index widths (default: the preset's)")
    String indexBits;

    @Option(names = "--channels", paramLabel = "C,...", description = "channel counts (default: the preset's)")
    String channels;

    @Option(names = "--pruning", paramLabel = "M,...", defaultValue = "ese",
            description = "pruning methods: ese, cbtd, global (default ${DEFAULT-VALUE})")
    String pruning;

    @Option(names = "--cells", paramLabel = "C,...",
            description = "cells: lstmp, lstm, gru (default: the model's); a --synthetic spec is run with each cell (P = H "
                    + "without projection), a --model file only with its own; a gru point gets gruElementwise=1")
    String cells;

    @Option(names = "--block-sizes", paramLabel = "B,...",
            description = "circulant presets (engine=2): block sizes b (default: the preset's); point ids end in -b<size>")
    String blockSizes;

    @Option(names = "--stores", paramLabel = "S,...",
            description = "weight stores: ddr (streamed every frame), onchip (kept in block RAM after a run's first "
                    + "frame); default: the preset's; point ids name the store when onchip is listed")
    String stores;

    @Option(names = "--frames", paramLabel = "T", defaultValue = "10",
            description = "synthetic input frames per channel (default ${DEFAULT-VALUE})")
    int frames;

    @Option(names = "--no-cosim", description = "skip the Verilator co-simulation (bit_exact, cycles_per_frame, "
            + "latency_us, GOPS, pe_utilization and the stall counts stay null; the report shows the compiler's ideal "
            + "latency instead): a quick sweep of accuracy and ideal speed")
    boolean noCosim;

    @Option(names = "--no-synth", description = "skip the Yosys estimate")
    boolean noSynth;

    @Option(names = "--jobs", paramLabel = "J", defaultValue = "0",
            description = "points run in parallel; default: as many as the cores, the heap and the memory for "
                    + "Verilator and Yosys allow (more is capped)")
    int jobs;

    @Option(names = "--shard", paramLabel = "k/n", defaultValue = "1/1",
            description = "run slice k of n: the points whose grid index i has i mod n = k - 1")
    String shard;

    @Option(names = "--resume", description = "continue the sweep in --out: skip finished points, redo partial ones")
    boolean resume;

    @Option(names = "--snr-floor", paramLabel = "DB", defaultValue = "30",
            description = "the report's accuracy floor for the Pareto front, dB (default ${DEFAULT-VALUE})")
    double snrFloor;

    @Option(names = "--out", paramLabel = "DIR", description = "sweep folder (required unless --list)")
    Path out;

    @Option(names = "--list", description = "check the spec and print the slice's point ids, one a line; run nothing")
    boolean list;

    @Option(names = "--estimate", description = "check the spec and print, as one JSON line, what the slice asks of a "
            + "node (points, cpus, memory_mib, seconds: coarse, on the safe side); run nothing")
    boolean estimate;

    private final DesignGenerator generator;

    /** The real generator: {@link Generator#generate}. */
    public SweepCommand() {
        this(Generator::generate);
    }

    /**
     * @param generator writes a point's Verilog for the generate, co-simulation and Yosys stages ({@code
     *                  org.esegen.hdl.Generator::generate}; tests give a stand-in)
     */
    public SweepCommand(DesignGenerator generator) {
        this.generator = generator;
    }

    @Override
    public Integer call() {
        if (!Double.isFinite(snrFloor)) {
            throw new EsegenException("--snr-floor " + snrFloor + ": must be a finite number of dB, e.g. 30");
        }
        AcceleratorConfig base = config.resolve();
        Map<String, Integer> f = base.toFieldMap();
        Grid grid = new Grid(Grid.parseNumbers(Grid.Axis.PES, pes, f.get(Grid.Axis.PES.field())),
                Grid.parseNumbers(Grid.Axis.WEIGHT_BITS, weightBits, f.get(Grid.Axis.WEIGHT_BITS.field())),
                Grid.parseNumbers(Grid.Axis.ACT_BITS, actBits, f.get(Grid.Axis.ACT_BITS.field())),
                Grid.parseNumbers(Grid.Axis.INDEX_BITS, indexBits, f.get(Grid.Axis.INDEX_BITS.field())),
                Grid.parseNumbers(Grid.Axis.CHANNELS, channels, f.get(Grid.Axis.CHANNELS.field())),
                Grid.parsePruning(pruning), cellAxis(ModelSource.of(source.model, source.synthetic, density)),
                stores == null ? List.of(base.memory().weightStore()) : Grid.parseStores(stores),
                Grid.parseNumbers(Grid.Axis.BLOCK_SIZES, blockSizes, f.get(Grid.Axis.BLOCK_SIZES.field())));
        if (blockSizes != null && !base.circulantEngine()) {
            throw new EsegenException("--block-sizes applies to circulant presets (engine=2, e.g. --preset ernn); the "
                    + "resolved config has engine=" + base.engine().engine());
        }
        SweepSpec spec = new SweepSpec(ModelSource.of(source.model, source.synthetic, density), config.preset,
                config.overrides, grid, frames, !noCosim, !noSynth);
        requireNoConflict(Map.of(Grid.Axis.PES, pes == null, Grid.Axis.WEIGHT_BITS, weightBits == null,
                Grid.Axis.ACT_BITS, actBits == null, Grid.Axis.INDEX_BITS, indexBits == null,
                Grid.Axis.CHANNELS, channels == null, Grid.Axis.BLOCK_SIZES, blockSizes == null));
        Sweep.Options options = new Sweep.Options(jobs, Shard.parse(shard), resume, snrFloor, CosimFlow.cacheRoot());
        if (list) {
            Sweep.plan(spec, options.shard()).slice().forEach(p -> System.out.println(p.id()));
            return 0;
        }
        if (estimate) {
            Sweep.Plan plan = Sweep.plan(spec, options.shard());
            SweepEstimate e = SweepEstimate.of(spec, plan.slice(), plan.weights());
            Map<String, Object> line = new java.util.LinkedHashMap<>();
            line.put("points", e.points());
            line.put("cpus", e.cpus());
            line.put("memory_mib", e.memoryMib());
            line.put("seconds", e.seconds());
            System.out.println(Json.line(line));
            return 0;
        }
        if (out == null) {
            throw new EsegenException("sweep: --out DIR is required (unless --list or --estimate)");
        }
        OutputFolder.checkTarget(out, new OutputFolder.Request("--out", "sweep", false,
                java.util.Collections.singletonList(spec.model().file())));
        Sweep.Summary s = Sweep.run(spec, options, out, generator, System.err);
        System.out.printf("sweep %s: %d points in this slice (%d in the grid), %d ok, %d failed; %d found finished, "
                        + "%d partial redone; %d jobs; %.1f s%n", s.dir(), s.slicePoints(), s.gridPoints(), s.ok(),
                s.failed().size(), s.resumed(), s.redone(), s.jobs(), s.seconds());
        System.out.println(stages(s.stagesSkipped()));
        s.failed().forEach((id, error) -> System.out.printf("failed %s: %s%n", id, error));
        System.out.printf("wrote %s, %s and %s%n", s.dir().resolve("results.csv"), s.dir().resolve("results.json"),
                s.dir().resolve("report.html"));
        return s.failed().isEmpty() ? 0 : Main.EXIT_INTERNAL;
    }

    /** The cells swept: {@code --cells}, or the model's own; the element-wise variant follows the cell. */
    private List<CellKind> cellAxis(ModelSource model) {
        for (String o : config.overrides) {
            if (stores != null && o.substring(0, Math.max(0, o.indexOf('='))).strip().equals(Grid.STORE_FIELD)) {
                throw new EsegenException("--set " + o + " conflicts with --stores: the sweep sets " + Grid.STORE_FIELD
                        + " at every point; drop one of them");
            }
            if (o.substring(0, Math.max(0, o.indexOf('='))).strip().equals(Grid.GRU_FIELD)) {
                throw new EsegenException("--set " + o + ": the sweep sets " + Grid.GRU_FIELD + " from each point's cell "
                        + "(1 for gru, 0 otherwise); drop it");
            }
        }
        return cells == null ? List.of(model.defaultCell()) : Grid.parseCells(cells);
    }

    /** A field both swept by an axis option and fixed by --set is refused: the sweep would silently win. */
    private void requireNoConflict(Map<Grid.Axis, Boolean> axisAbsent) {
        for (Grid.Axis axis : Grid.Axis.values()) {
            if (axisAbsent.get(axis)) {
                continue;
            }
            for (String o : config.overrides) {
                if (o.substring(0, Math.max(0, o.indexOf('='))).strip().equals(axis.field())) {
                    throw new EsegenException("--set " + o + " conflicts with " + axis.option() + ": the sweep sets "
                            + axis.field() + " at every point; drop one of them");
                }
            }
        }
    }

    /** One line: which stages ran, and why the others did not. */
    static String stages(Map<String, String> skipped) {
        StringBuilder s = new StringBuilder("stages:");
        for (Stage st : Stage.values()) {
            String why = skipped.get(st.label());
            s.append(' ').append(st.label()).append(why == null ? " (ran)" : " (" + why + ")").append(';');
        }
        return s.substring(0, s.length() - 1);
    }
}
