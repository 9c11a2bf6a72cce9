package org.esegen.cli;

import org.esegen.EsegenException;
import org.esegen.io.Json;
import org.esegen.rnn.DeltaReference;
import picocli.CommandLine.Mixin;
import org.esegen.io.OutputFolder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.esegen.compile.Metrics;
import org.esegen.compile.SparseMatrixEncoding;
import org.esegen.config.AcceleratorConfig;
import org.esegen.config.Presets;
import org.esegen.testbench.Cosimulation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code esegen bench}: the ESE benchmark, or with a delta-engine preset ({@code --preset spartus})
 * the Spartus benchmark ({@link DeltaBenchmark}). ESE's LSTM (153 inputs, 1024 cells, 512 projection) as a
 * seeded synthetic model at 11.2 % density, pruned load-balance-aware (ESE) and column-balanced
 * (CBTD), co-simulated bit-exactly on one channel with the ADM-PCIE-KU3 DDR model, each row printed
 * beside ESE's published 82.7 us (measured) and 57.0 us (stall-free bound).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "The ESE benchmark: the 153x1024x512 LSTM at 11.2 %% density, ESE and CBTD pruning, "
                + "one channel co-simulated bit-exactly under Verilator with the ADM-PCIE-KU3 DDR model; prints "
                + "cycles per frame, latency, the ideal bounds, PE utilization and where the cycles above the "
                + "bound went, beside ESE's 82.7 us and 57.0 us. With a delta-engine preset (--preset spartus): the "
                + "Spartus benchmark, a DeltaLSTM 120 -> 1024 trained on FSDD with CBTD and deltas (--model, or the "
                + "benchmark's own, trained into the user cache the first time: about 55 minutes), its accuracy on the "
                + "test split, and whole test utterances through the generated accelerator under Verilator: latency a "
                + "sample, fired fractions, effective TOp/s beside Spartus's 1.0 us and 9.4 TOp/s, then a 2-layer stack. "
                + "Exit 0 when every row is bit-exact, 3 otherwise.")
public final class BenchCommand implements Callable<Integer> {
    /** ESE's measured latency per frame, microseconds (Han et al., FPGA 2017). */
    static final double ESE_MEASURED_US = 82.7;
    /** ESE's stall-free bound per frame, microseconds (real nonzeros only). */
    static final double ESE_IDEAL_US = 57.0;
    /** The benchmark model: ESE's LSTM as a synthetic model at ESE's density. */
    static final String MODEL = "153,1024,512,0.112";
    /** Pruning methods of the rows, in order. */
    static final List<String> METHODS = List.of("ese", "cbtd");

    @Option(names = "--preset", paramLabel = "NAME", defaultValue = "ese",
            description = "configuration preset (default ${DEFAULT-VALUE})")
    String preset;

    @Option(names = "--set", paramLabel = "FIELD=VALUE",
            description = "override one config field, e.g. --set actQueueDepth=8 (repeatable)")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--frames", paramLabel = "T", defaultValue = "10",
            description = "frames co-simulated per row (default ${DEFAULT-VALUE})")
    int frames;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "out/bench",
            description = "output folder; one co-simulation folder per row below it (default ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--json", description = "print one JSON object per row")
    boolean json;

    @Option(names = "--model", paramLabel = "M.safetensors",
            description = "delta presets: the CBTD + delta model (default: the benchmark's own, trained once into the "
                    + "user cache)")
    Path model;

    @Option(names = "--dense-model", paramLabel = "D.safetensors",
            description = "delta presets: the dense model --model came from, for the dense accuracy")
    Path denseModel;

    @Option(names = "--data", paramLabel = "D", defaultValue = "../shared/datasets/fsdd/recordings",
            description = "delta presets: the FSDD recordings (default ${DEFAULT-VALUE})")
    Path data;

    @Option(names = "--delta", paramLabel = "THETA_X,THETA_H",
            description = "delta presets: thresholds, a row each (repeatable; default 0.1,0.1 and 0.3,0.3)")
    List<String> deltas = new ArrayList<>();

    @Option(names = "--utterance", paramLabel = "ID",
            description = "delta presets: a test utterance to co-simulate (repeatable; default "
                    + "0_jackson_0 3_theo_1 5_nicolas_2 7_yweweler_3 9_lucas_4)")
    List<String> utterances = new ArrayList<>();

    @Option(names = "--no-stack", description = "delta presets: skip the 2-layer stack")
    boolean noStack;

    @Option(names = "--threads", paramLabel = "N", description = "delta presets: feature and evaluation threads "
            + "(default: the cores)")
    Integer threads;

    @Option(names = "--block-sizes", paramLabel = "B,...", split = ",",
            description = "circulant presets: the block sizes of the hardware rows (default 8,16)")
    List<Integer> blockSizes = new ArrayList<>();

    @Option(names = "--synth-channels", paramLabel = "C,...", split = ",",
            description = "circulant presets: channel counts to estimate with Yosys, the largest that fits is the "
                    + "device's (default: extrapolate from 1 and 2 channels, then confirm)")
    List<Integer> synthChannels = new ArrayList<>();

    @Option(names = "--no-synth", description = "circulant presets: skip the Yosys estimates (no device figures)")
    boolean noSynth;

    @Option(names = "--no-accuracy", description = "circulant presets: skip the FSDD accuracy (and its training)")
    boolean noAccuracy;

    @Option(names = "--model-dir", paramLabel = "DIR", description = "circulant presets: the accuracy models "
            + "(dense, circulant-b4/8/16, ese-0.25/0.125/0.0625 .safetensors; default: the benchmark's own, trained "
            + "once into the user cache)")
    Path modelDir;

    @Option(names = "--cosim-channels", paramLabel = "C", defaultValue = "2",
            description = "circulant presets: channels of the co-simulated design (default ${DEFAULT-VALUE})")
    int cosimChannels;

    @Mixin
    ForceOption force;

    @Override
    public Integer call() throws Exception {
        AcceleratorConfig cfg = Presets.resolve(preset, overrides);
        if (cfg.deltaEngine()) {
            return delta(cfg);
        }
        if (cfg.circulantEngine()) {
            return circulant(cfg);
        }
        if (!blockSizes.isEmpty() || !synthChannels.isEmpty() || noSynth || noAccuracy || modelDir != null) {
            throw new EsegenException("--block-sizes, --synth-channels, --no-synth, --no-accuracy and --model-dir apply "
                    + "to circulant-engine presets (e.g. --preset ernn); preset " + preset + " has engine="
                    + cfg.engine().engine());
        }
        if (model != null || denseModel != null || !deltas.isEmpty() || !utterances.isEmpty() || noStack) {
            throw new EsegenException("--model, --dense-model, --delta, --utterance and --no-stack apply to delta-engine"
                    + " presets (e.g. --preset spartus); preset " + preset + " has engine=0");
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        boolean allExact = true;
        for (String method : METHODS) {
            ModelOptions model = ModelOptions.synthetic(MODEL, method);
            CosimFlow.Outcome o;
            try (OutputFolder folder = force.create("--out", out.resolve(method), "cosim")) {
                o = CosimFlow.run(cfg, model.load(cfg), model, null, frames, "--frames", false, folder);
            }
            Map<String, Object> row = row(cfg, method, o);
            if (cfg.memory().weightStore() == AcceleratorConfig.ONCHIP_STORE && frames > 1) {
                CosimFlow.Outcome first;
                try (OutputFolder folder = force.create("--out", out.resolve(method + "-first-frame"), "cosim")) {
                    first = CosimFlow.run(cfg, model.load(cfg), model, null, 1, "--frames", false, folder);
                }
                putSteadyState(row, cfg, o.cosim(), first.cosim());
                allExact &= first.cosim().bitExact();
            }
            rows.add(row);
            allExact &= o.cosim().bitExact();
            if (json) {
                System.out.println(Json.line(row));
            }
        }
        if (!json) {
            System.out.print(table(cfg, rows));
        }
        return allExact ? 0 : CosimFlow.EXIT_MISMATCH;
    }

    private int circulant(AcceleratorConfig cfg) throws Exception {
        if (model != null || denseModel != null || !deltas.isEmpty() || !utterances.isEmpty() || noStack) {
            throw new EsegenException("--model, --dense-model, --delta, --utterance and --no-stack apply to delta-engine"
                    + " presets (e.g. --preset spartus); preset " + preset + " has engine=2");
        }
        List<Integer> blocks = blockSizes.isEmpty() ? List.of(8, 16) : blockSizes;
        for (int b : blocks) {
            cfg.with("circulantBlock", b);
        }
        for (int c : synthChannels) {
            if (c < 1 || c > 64) {
                throw new EsegenException("--synth-channels " + c + ": allowed are 1 to 64");
            }
        }
        if (cosimChannels < 1 || cosimChannels > 64) {
            throw new EsegenException("--cosim-channels " + cosimChannels + ": allowed are 1 to 64");
        }
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (n < 1) {
            throw new EsegenException("--threads " + n + ": must be at least 1");
        }
        CirculantBenchmark.Options o = new CirculantBenchmark.Options(data, blocks, frames, cosimChannels,
                synthChannels, !noSynth, !noAccuracy, modelDir, n);
        try (OutputFolder folder = force.create("--out", out, "bench")) {
            return CirculantBenchmark.run(cfg, o, folder, json);
        }
    }

    private int delta(AcceleratorConfig cfg) throws Exception {
        if (threads != null && threads < 1) {
            throw new EsegenException("--threads " + threads + ": must be at least 1");
        }
        List<double[]> thresholds = new ArrayList<>();
        for (String d : deltas.isEmpty() ? List.of("0.1,0.1", "0.3,0.3") : deltas) {
            thresholds.add(DeltaReference.thresholds(d, "--delta"));
        }
        DeltaBenchmark.Options o = new DeltaBenchmark.Options(data, model, denseModel, thresholds,
                utterances.isEmpty() ? DeltaBenchmark.UTTERANCES : utterances, !noStack,
                threads == null ? Runtime.getRuntime().availableProcessors() : threads);
        List<Path> inputs = new ArrayList<>(List.of(data));
        if (model != null) {
            inputs.add(model);
        }
        if (denseModel != null) {
            inputs.add(denseModel);
        }
        try (OutputFolder folder = force.create("--out", out.resolve("spartus"), "bench",
                inputs.toArray(Path[]::new))) {
            return DeltaBenchmark.run(cfg, o, folder, json);
        }
    }

    /** One benchmark row: the co-simulation's figures per frame and the breakdown of the cycles above the bound. */
    static Map<String, Object> row(AcceleratorConfig cfg, String method, CosimFlow.Outcome o) {
        Cosimulation.Result c = o.cosim();
        Metrics m = o.metrics();
        double mhz = cfg.clockMhz();
        double frames = c.frames();
        double cycles = c.cyclesPerFrame();
        double ddr = c.ddrStallCycles() / frames;
        double tail = c.elementwiseCycles() / frames;
        double recurrent = c.recurrentWaitCycles() / frames;
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("pruning", method);
        r.put("bit_exact", c.bitExact());
        r.put("mismatch", c.mismatch());
        r.put("frames", c.frames());
        r.put("pes_per_channel", cfg.pes());
        r.put("clock_mhz", cfg.clockMhz());
        r.put("cycles_per_frame", cycles);
        r.put("latency_us", cycles / mhz);
        r.put("ideal_cycles_per_frame", m.idealCyclesPerFrame());
        r.put("ideal_latency_us", m.idealLatencyUs());
        r.put("ideal_cycles_per_frame_padded", m.idealCyclesPerFramePadded());
        r.put("ideal_latency_us_padded", m.idealLatencyUsPadded());
        r.put("ideal_cycles_per_frame_no_padding", m.idealCyclesPerFrameNoPadding());
        r.put("ideal_latency_us_no_padding", m.idealLatencyUsNoPadding());
        r.put("pe_utilization", c.peUtilization());
        r.put("padding_fraction", m.paddingFraction());
        r.put("padding_cycles_folded_per_frame", m.idealCyclesPerFramePadded() - m.idealCyclesPerFrame());
        r.put("padding_cycles_left_per_frame", m.idealCyclesPerFrame() - m.idealCyclesPerFrameNoPadding());
        long twin = o.compiled().matrices().stream().mapToLong(SparseMatrixEncoding::totalCycles).sum();
        r.put("mac_cycles_per_pe_frame", c.macCycles() / (frames * cfg.pes()));
        r.put("padding_unfolded_cycles_per_pe_frame", (c.macCycles() - frames * twin) / (frames * cfg.pes()));
        r.put("cycles_above_bound_per_frame", cycles - m.idealCyclesPerFrame());
        r.put("ddr_starved_cycles_per_frame", ddr);
        r.put("elementwise_tail_cycles_per_frame", tail);
        r.put("y_wait_cycles_per_frame", recurrent);
        r.put("queue_full_cycles_per_frame", c.queueStallCycles() / frames);
        long holds = cfg.pe().dsp() ? o.compiled().matrices().stream().mapToLong(SparseMatrixEncoding::maxDspHoldCycles)
                .sum() : 0;
        r.put("dsp_hold_cycles_per_frame", holds);
        r.put("unattributed_cycles_per_frame", cycles - m.idealCyclesPerFrame() - ddr - tail - recurrent - holds);
        r.put("ese_measured_latency_us", ESE_MEASURED_US);
        r.put("ese_ideal_latency_us", ESE_IDEAL_US);
        r.put("snr_db", o.figures().get("snr_db"));
        r.put("wall_seconds", o.figures().get("wall_seconds"));
        r.put("out", o.figures().get("out"));
        return r;
    }

    /**
     * With the weights on chip, a run's first frame also reads them from DDR into the store: the
     * steady state is what every later frame costs, measured as (cycles of the T-frame run - cycles
     * of a one-frame run) / (T - 1), and the store load as what the first frame costs beyond it.
     */
    static void putSteadyState(Map<String, Object> row, AcceleratorConfig cfg, Cosimulation.Result run,
                               Cosimulation.Result firstFrame) {
        double steady = (double) (run.cycles() - firstFrame.cycles()) / (run.frames() - 1);
        row.put("steady_cycles_per_frame", steady);
        row.put("steady_latency_us", steady / cfg.clockMhz());
        row.put("weight_load_cycles", firstFrame.cycles() - steady);
        row.put("first_frame_bit_exact", firstFrame.bitExact());
    }

    private static String table(AcceleratorConfig cfg, List<Map<String, Object>> rows) {
        StringBuilder s = new StringBuilder();
        s.append(String.format("ESE benchmark: LSTM 153x1024x512 at 11.2 %% density, %d PEs, %d MHz, one channel,"
                + " ADM-PCIE-KU3 DDR model (%d-bit port)%n%n", cfg.pes(), cfg.clockMhz(), cfg.memory().axiDataBits()));
        s.append("| design | bit-exact | cycles/frame | latency us | ideal us (padding folded / a cycle each / none)"
                + " | PE utilization |\n|---|---|---|---|---|---|\n");
        s.append(String.format("| ESE (FPGA 2017) | - | - | %.1f | - / - / %.1f | ~69 %% |%n", ESE_MEASURED_US,
                ESE_IDEAL_US));
        for (Map<String, Object> r : rows) {
            s.append(String.format("| esegen, %s pruning | %s | %.1f | %.2f | %.2f / %.2f / %.2f | %.1f %% |%n",
                    r.get("pruning"), (boolean) r.get("bit_exact") ? "yes" : "NO", (double) r.get("cycles_per_frame"),
                    (double) r.get("latency_us"), (double) r.get("ideal_latency_us"),
                    (double) r.get("ideal_latency_us_padded"), (double) r.get("ideal_latency_us_no_padding"),
                    100 * (double) r.get("pe_utilization")));
        }
        if (rows.get(0).containsKey("steady_latency_us")) {
            s.append("""

                    Weights on chip: a run's first frame also loads them from DDR into the store; every later frame \
                    runs from the store (steady state = (cycles of this run - cycles of a one-frame run) / (frames - 1)).

                    | pruning | steady-state cycles/frame | steady-state latency us | store load cycles (first frame) \
                    | one-frame run bit-exact |
                    |---|---|---|---|---|
                    """);
            for (Map<String, Object> r : rows) {
                s.append(String.format("| %s | %.1f | %.2f | %.0f | %s |%n", r.get("pruning"),
                        (double) r.get("steady_cycles_per_frame"), (double) r.get("steady_latency_us"),
                        (double) r.get("weight_load_cycles"), (boolean) r.get("first_frame_bit_exact") ? "yes" : "NO"));
            }
        }
        s.append("\nWhere the cycles above the bound went, per frame (cycles):\n\n");
        s.append("| pruning | above bound | DDR-starved | element-wise tail | y_(t-1) wait | DSP48E2 holds | unattributed"
                + " | padding folded away | padding left | column queue full |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for (Map<String, Object> r : rows) {
            s.append(String.format("| %s | %.1f | %.1f | %.1f | %.1f | %d | %.1f | %d | %d | %.1f |%n", r.get("pruning"),
                    (double) r.get("cycles_above_bound_per_frame"), (double) r.get("ddr_starved_cycles_per_frame"),
                    (double) r.get("elementwise_tail_cycles_per_frame"), (double) r.get("y_wait_cycles_per_frame"),
                    (long) r.get("dsp_hold_cycles_per_frame"),
                    (double) r.get("unattributed_cycles_per_frame"), (long) r.get("padding_cycles_folded_per_frame"),
                    (long) r.get("padding_cycles_left_per_frame"), (double) r.get("queue_full_cycles_per_frame")));
        }
        s.append("""

                DDR-starved: SpMV cycles in which some PE waits for an entry (or the broadcast for a pointer row)
                that DDR still owes (other PEs may be working meanwhile, so this overlaps useful cycles); element-wise
                tail: cycles SpMV 2 waits for an m not yet computed; y_(t-1) wait: cycles SpMV 1 waits for a y the
                gather (which runs alongside it) has not written yet; DSP48E2 holds (dspAccumulate=1): the cycles the
                accumulators' holds add to the busiest PE of each matrix (its timing twin); unattributed: above bound
                minus those four
                (phase boundaries, PE coupling; negative when the DDR-starved cycles were mostly covered by other
                PEs' work); padding folded away: cycles padding would cost at one per entry, which the PEs save by
                taking a padding entry with the next one; padding left: the folded bound above the real-nonzero
                bound; column queue full: cycles a column waits for a full PE column queue (the broadcast runs
                ahead; not a PE stall).
                """);
        for (Map<String, Object> r : rows) {
            s.append(String.format("%s: outputs in %s, %.1f s%n", r.get("pruning"), r.get("out"),
                    (double) r.get("wall_seconds")));
        }
        return s.toString();
    }
}
