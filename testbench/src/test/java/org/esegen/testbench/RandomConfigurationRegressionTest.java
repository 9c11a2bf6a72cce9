package org.esegen.testbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.esegen.compile.CompiledModel;
import org.esegen.compile.ImageLayout;
import org.esegen.compile.SparseMatrixEncoding;
import org.esegen.compile.Compiler;
import org.esegen.config.AcceleratorConfig;
import org.esegen.config.Presets;
import org.esegen.fixed.FixedFormat;
import org.esegen.hdl.Generator;
import org.esegen.io.SyntheticModel;
import org.esegen.rnn.CellKind;
import org.esegen.rnn.LayerStack;
import org.esegen.rnn.LayerWeights;
import org.esegen.prune.PruningMethod;
import org.esegen.quant.Quantizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Seeded random-configuration co-simulation regression (DESIGN.md section 4): every configuration
 * is drawn at random, compiled with a seeded synthetic model, generated, verilated and co-simulated,
 * and must be bit-exact with the golden model.
 *
 * <p><b>Reproducibility.</b> Configuration {@code i} of a run with base seed {@code S} is derived
 * from {@code (S, i)} alone ({@link Case#derive}), so any one is re-runnable by id. The base seed is
 * printed at the start; every configuration prints its id, its own seed and its full field map, and
 * gets one folder {@code target/regression/<id>-<summary>/} holding {@code config.json} (the config
 * fields and the drawn model, pruning, frame and memory-model parameters), {@code image.bin},
 * {@code rtl/} (the generated Verilog, linted with {@code verilator --lint-only -Wall} and hdl-gen's
 * waivers: a configuration whose design is not lint-clean fails, {@code lint.log}), {@code run/} (the co-simulation run folder) and
 * {@code result.json} (the {@link Cosimulation.Result}, or the error). A failure names the
 * frame, stage, channel, index, expected and actual value of the first mismatch and prints the
 * command that re-runs that configuration alone.
 *
 * <p><b>What is drawn</b> (see {@link Case#derive}): pesPerChannel 1..16 (1 and 16 favoured),
 * channels 1..3, I, H, P in 1..24 (some multiples of N, some not, some below N), weightBits 4..16,
 * indexBits 2..8 (short indices make gaps longer than the index, hence padding entries), actBits
 * 8..16 with actFracBits = actBits - 3..7 and a legal LUT, accBits from the minimum
 * weightBits + actBits (which saturates) up to 48, densities 0.01..1 (log-uniform, with both ends
 * drawn on purpose: empty columns and all-zero rows), all three pruning methods, peepholes on or
 * off, 1..4 frames, saturating inputs in about a quarter of the configurations (frames scaled
 * beyond the activation range before quantization, the image built from those raw frames),
 * axiDataBits 32/64/128/256, bursts, outstanding reads, queue depths, buffers exactly the model's
 * size or a little larger, entryFifoDepth the next power of two above pointer skew + 4 or, in a
 * quarter of the configurations, the smallest legal one; PEs per element-wise unit 1/2/4/8 and
 * gather lanes 1..16 (powers of two, clamped to what N allows); the DDR model's latency,
 * bandwidth and outstanding limit; and the cell (lstmp, lstm or gru, the design built with the
 * element-wise variant the cell needs) and 1 to 3 layers of drawn sizes, run layer after layer;
 * and the weight store: DDR or, in half the configurations, on chip (its entry capacity the
 * smallest power of two the model's rows need, or twice that); and in about 40 % of them the
 * DSP48E2 accumulators (dspAccumulate = 1, accBits raised to what the compiler's no-overflow proof
 * needs for the drawn model, if that is at most 48).
 *
 * <p><b>Tiers and commands</b> (from the repository root; the Verilator build cache is
 * {@code testbench/target/verilator-cache}, so a fresh clone starts empty):
 * <ul>
 *   <li>Default tier (8 configurations, ids {@link #DEFAULT_IDS} = 4, 6, 9, 12, 26, 36, 42, 52 of
 *       base seed {@value #DEFAULT_SEED}: small designs, about two minutes on two cores with empty
 *       caches),
 *       part of the normal test run ({@code scripts/test.sh}, {@code mvn test}); alone:
 *       {@code mvn -o -pl testbench -am test -Dtest='RandomConfigurationRegressionTest*' -Dsurefire.failIfNoSpecifiedTests=false}</li>
 *   <li>Long tier ({@value #LONG_COUNT} configurations, ids 0..{@value #LONG_COUNT}-1 of the same
 *       seed, designs up to 16 PEs x 3 channels; about 20 minutes on two cores with empty caches),
 *       tagged {@code long}: {@code scripts/test.sh -Plong}, or for this test alone
 *       {@code mvn -o -pl testbench -am test -Plong -Dtest='RandomConfigurationRegressionTest*' -Dsurefire.failIfNoSpecifiedTests=false}</li>
 *   <li>Properties for either tier: {@code -Desegen.regression.seed=S} (a number, decimal or
 *       0x-hex, or {@code random} for a fresh one, printed), {@code -Desegen.regression.count=K}
 *       (run ids 0..K-1 instead of the tier's ids), {@code -Desegen.regression.ids=17,42} (run
 *       exactly these ids).
 *       Re-run one configuration:
 *       {@code mvn -o -pl testbench -am test -Dtest='RandomConfigurationRegressionTest*' -Dsurefire.failIfNoSpecifiedTests=false -Desegen.regression.seed=S -Desegen.regression.ids=17}</li>
 * </ul>
 */
class RandomConfigurationRegressionTest {
    /** Base seed when {@code esegen.regression.seed} is not given. */
    static final long DEFAULT_SEED = 20250601L;
    /**
     * Ids of the default tier under {@link #DEFAULT_SEED}: eight small designs (1 to 9 PEs in all,
     * so each Verilator build takes seconds) picked from the first configurations of that seed to
     * cover between them 1, 3, 4 and 9 PEs, 1, 2 and 3 channels, all three pruning methods, 32-,
     * 64-, 128- and 256-bit buses, densities 1 %, 1.7 % and 100 %, saturating inputs, accBits at
     * its minimum, the tightest legal entry FIFO and buffers larger than the model; 12 and 42 are
     * the two Sequencer bugs this regression found (a 31-column W_a whose pointer read wrapped to 0
     * words and hung; output rows narrower than a 256-bit word, which failed to generate).
     */
    static final int[] DEFAULT_IDS = {4, 6, 9, 12, 26, 36, 42, 52};
    /** Configurations of the long tier. */
    static final int LONG_COUNT = 48;

    static final Path ROOT = Path.of("target", "regression");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @BeforeAll
    static void requireVerilator() {
        assumeTrue(VerilatorBuild.verilatorAvailable(), "verilator is not on PATH");
    }

    @TestFactory
    Stream<DynamicTest> defaultTier() {
        return tier("default", DEFAULT_IDS);
    }

    @Tag("long")
    @TestFactory
    Stream<DynamicTest> longTier() {
        return tier("long", IntStream.range(0, LONG_COUNT).toArray());
    }

    /** Same (seed, id) gives the same case, and cases differ; no Verilator needed. */
    @Test
    void casesAreDerivedFromSeedAndIdAlone() {
        for (int id = 0; id < 200; id++) {
            Case a = Case.derive(DEFAULT_SEED, id);
            Case b = Case.derive(DEFAULT_SEED, id);
            assertEquals(a.describe(), b.describe());
            assertEquals(a.config(), b.config());
        }
        assertTrue(!Case.derive(DEFAULT_SEED, 3).describe().equals(Case.derive(DEFAULT_SEED, 4).describe()));
    }

    private static Stream<DynamicTest> tier(String tier, int[] defaultIds) {
        long seed = baseSeed();
        int[] ids = ids(defaultIds);
        System.out.printf("random-configuration regression, %s tier: base seed %d (0x%x), %d configurations %s%n",
                tier, seed, seed, ids.length, ids.length <= 20 ? Arrays.toString(ids) : "0.." + (ids.length - 1));
        return Arrays.stream(ids).mapToObj(id -> DynamicTest.dynamicTest(
                "config " + id + " (base seed " + seed + ")", () -> runCase(tier, seed, id)));
    }

    private static long baseSeed() {
        String s = System.getProperty("esegen.regression.seed", "").trim();
        if (s.isEmpty()) {
            return DEFAULT_SEED;
        }
        if (s.equalsIgnoreCase("random")) {
            return new Random().nextLong() & Long.MAX_VALUE;
        }
        return s.startsWith("0x") || s.startsWith("0X") ? Long.parseUnsignedLong(s.substring(2), 16)
                : Long.parseLong(s);
    }

    private static int[] ids(int[] defaultIds) {
        String list = System.getProperty("esegen.regression.ids", "").trim();
        if (!list.isEmpty()) {
            return Arrays.stream(list.split("[,\\s]+")).filter(t -> !t.isEmpty()).mapToInt(Integer::parseInt)
                    .toArray();
        }
        String count = System.getProperty("esegen.regression.count", "").trim();
        return count.isEmpty() ? defaultIds.clone() : IntStream.range(0, Integer.parseInt(count)).toArray();
    }

    private static void runCase(String tier, long baseSeed, int id) throws Exception {
        Case c = Case.derive(baseSeed, id);
        String rerun = "rerun: mvn -o -pl testbench -am test" + (tier.equals("long") ? " -Plong" : "")
                + " -Dtest='RandomConfigurationRegressionTest*' -Dsurefire.failIfNoSpecifiedTests=false"
                + " -Desegen.regression.seed=" + baseSeed + " -Desegen.regression.ids=" + id;
        System.out.printf("config %d: seed 0x%016x, %s%n  fields %s%n", id, c.seed(), c.describe(),
                c.config().toFieldMap());
        Path dir = ROOT.resolve(id + "-" + c.summary());
        deleteTree(dir);
        Files.createDirectories(dir);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("id", id);
        result.put("base_seed", baseSeed);
        result.put("config_seed", String.format("0x%016x", c.seed()));
        result.put("rerun", rerun.substring("rerun: ".length()));
        JSON.writeValue(dir.resolve("config.json").toFile(), c.toJson(baseSeed, id));
        try {
            CompiledModel compiled = c.compile();
            byte[] image = compiled.image(c.frames(compiled.config()));
            Files.write(dir.resolve("image.bin"), image);
            result.put("wa_max_entries", compiled.layer(0).wa().maxEntries());
            result.put("whr_max_entries", compiled.layer(0).whr().maxEntries());
            result.put("wa_padding", compiled.layer(0).wa().totalPadding());
            result.put("whr_padding", compiled.layer(0).whr().totalPadding());
            result.put("pointer_skew", Math.max(compiled.layer(0).wa().pointerSkew(), compiled.layer(0).whr().pointerSkew()));
            long start = System.nanoTime();
            Generator.Result rtl = Generator.generate(c.config(), dir.resolve("rtl"));
            double generateSeconds = (System.nanoTime() - start) / 1e9;
            String lint = TestDuts.lint(rtl.simulationSources(), Generator.TOP, dir);
            result.put("lint", lint.isEmpty() ? "clean" : lint);
            assertTrue(lint.isEmpty(), "config " + id + ": verilator --lint-only -Wall is not clean (waivers: "
                    + "hdl-gen's verilator-waivers.vlt):\n" + lint + "\n" + rerun);
            Cosimulation.Result r = Cosimulation.run(rtl.simulationSources(), compiled, image, TestDuts.CACHE,
                    dir.resolve("run"), c.memoryModel(), false);
            result.put("generate_seconds", generateSeconds);
            result.put("cosimulation", r);
            result.put("status", r.bitExact() ? "pass" : "mismatch");
            JSON.writeValue(dir.resolve("result.json").toFile(), result);
            System.out.printf(Locale.ROOT, "config %d: %s, %.1f cycles/frame (ideal %d), util %.2f, DDR stall %d,"
                            + " queue stall %d, generate %.1f s, build %.1f s, sim %.1f s, %s%n", id,
                    r.bitExact() ? "bit-exact" : "MISMATCH", r.cyclesPerFrame(), r.idealCyclesPerFrame(),
                    r.peUtilization(), r.ddrStallCycles(), r.queueStallCycles(), generateSeconds, r.buildSeconds(),
                    r.simSeconds(), dir);
            assertTrue(r.bitExact(), "config " + id + " (base seed " + baseSeed + ", config seed "
                    + String.format("0x%016x", c.seed()) + ", " + dir + "): " + r.mismatch() + "\n" + rerun);
            assertEquals(c.frames(), r.frames(), "frames run");
            assertTrue(r.cyclesPerFrame() >= r.idealCyclesPerFrame(),
                    "config " + id + ": no run beats the busiest PE's entry count: " + r);
        } catch (Exception | AssertionError e) {
            if (!result.containsKey("status")) {
                StringWriter trace = new StringWriter();
                e.printStackTrace(new PrintWriter(trace));
                result.put("status", "error");
                result.put("error", trace.toString());
                JSON.writeValue(dir.resolve("result.json").toFile(), result);
                throw new AssertionError("config " + id + " (base seed " + baseSeed + ", " + dir + ") failed: " + e
                        + "\n" + rerun, e);
            }
            throw e;
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /**
     * One drawn configuration: the accelerator config plus the model, pruning, frames and DDR model
     * it is co-simulated with.
     */
    record Case(long seed, AcceleratorConfig config, CellKind cell, int inputSize, int[] hiddenSizes, int[] projSizes,
                boolean peepholes, long modelSeed, PruningMethod pruning, double density, int frames, boolean saturating,
                double inputScale, long frameSeed, boolean tightEntryFifo, Cosimulation.MemoryModel memoryModel) {

        /** Seed of configuration {@code id} under {@code baseSeed}: a SplitMix64 finalizer of both. */
        static long caseSeed(long baseSeed, int id) {
            long z = baseSeed + 0x9E3779B97F4A7C15L * (id + 1L);
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }

        /** Draws configuration {@code id} of base seed {@code baseSeed}; depends on nothing else. */
        static Case derive(long baseSeed, int id) {
            long seed = caseSeed(baseSeed, id);
            Random r = new Random(seed);
            int channels = pick(r, new int[] {1, 1, 1, 2, 2, 3});
            double u = r.nextDouble();
            int n = u < 0.15 ? 1 : u < 0.25 ? 16 : 2 + r.nextInt(14);
            int inputSize = dim(r, n);
            int hiddenSize = dim(r, n);
            int projSize = dim(r, n);
            boolean slack = r.nextDouble() < 0.25;
            int maxI = inputSize + (slack ? r.nextInt(5) : 0);
            int maxH = hiddenSize + (slack ? r.nextInt(5) : 0);
            int maxP = projSize + (slack ? r.nextInt(5) : 0);
            int weightBits = 4 + r.nextInt(13);
            int indexBits = 2 + r.nextInt(7);
            int actBits = 8 + r.nextInt(9);
            int actFracBits = Math.max(1, Math.min(actBits - 2, actBits - 3 - r.nextInt(5)));
            // lutInputRange: a power of two with range * 2^F <= 2^(actBits-1) and 2 * range * 2^F >= 16
            List<Integer> ranges = new ArrayList<>();
            for (int range = 1; range <= 16; range *= 2) {
                if (((long) range << actFracBits) <= (1L << (actBits - 1)) && (2L * range << actFracBits) >= 16) {
                    ranges.add(range);
                }
            }
            int lutInputRange = ranges.get(r.nextInt(ranges.size()));
            int maxEntriesLog = (int) Math.min(10, 63 - Long.numberOfLeadingZeros(2L * lutInputRange << actFracBits));
            int lutEntries = 1 << (4 + r.nextInt(maxEntriesLog - 4 + 1));
            int minAcc = weightBits + actBits;
            double a = r.nextDouble();
            int accBits = a < 0.3 ? minAcc : a < 0.6 ? Math.min(48, minAcc + 1 + r.nextInt(4))
                    : minAcc + r.nextInt(48 - minAcc + 1);
            int actQueueDepth = 1 + r.nextInt(8);
            int axiDataBits = pick(r, new int[] {32, 64, 128, 256});
            int axiAddrBits = pick(r, new int[] {32, 32, 33, 40});
            int axiMaxBurstBeats = 1 << r.nextInt(6);
            int axiMaxOutstanding = 1 + r.nextInt(4);
            PruningMethod pruning = PruningMethod.PRUNING.get(r.nextInt(PruningMethod.PRUNING.size()));
            double d = r.nextDouble();
            double density = d < 0.1 ? 0.01 : d < 0.2 ? 1.0 : Math.exp(Math.log(0.01) * r.nextDouble());
            boolean peepholes = r.nextDouble() < 0.8;
            long modelSeed = r.nextLong();
            int frames = 1 + r.nextInt(4);
            boolean saturating = r.nextDouble() < 0.25;
            double maxValue = Math.scalb(1.0, actBits - actFracBits - 1);
            double inputScale = saturating ? maxValue * (1.5 + 6.5 * r.nextDouble()) : 1.0;
            long frameSeed = r.nextLong();
            boolean tight = r.nextDouble() < 0.25;
            int ptrSlack = r.nextInt(9);
            Cosimulation.MemoryModel memory = new Cosimulation.MemoryModel(1 + r.nextInt(60),
                    new double[] {0.25, 0.5, 0.8, 1.0}[r.nextInt(4)], 1 + r.nextInt(8));
            int pesPerElementwise = 1 << r.nextInt(4);
            int gatherLanes = 1 << r.nextInt(5);
            // drawn last, so the draws above stay those of the one-layer lstmp regression
            double c = r.nextDouble();
            CellKind cell = c < 0.45 ? CellKind.LSTMP : c < 0.75 ? CellKind.LSTM : CellKind.GRU;
            double l = r.nextDouble();
            int layers = l < 0.6 ? 1 : l < 0.85 ? 2 : 3;
            int[] hiddenSizes = new int[layers];
            int[] projSizes = new int[layers];
            for (int k = 0; k < layers; k++) {
                hiddenSizes[k] = k == 0 ? hiddenSize : dim(r, n);
                projSizes[k] = cell != CellKind.LSTMP ? hiddenSizes[k] : k == 0 ? projSize : dim(r, n);
            }
            boolean onchip = r.nextDouble() < 0.5;
            boolean tightStore = r.nextDouble() < 0.5;
            int broadcastColumns = 1 + r.nextInt(2);
            boolean dsp = r.nextDouble() < 0.4;
            for (int k = 0; k < layers; k++) {
                maxH = Math.max(maxH, hiddenSizes[k]);
                maxP = Math.max(maxP, projSizes[k]);
                maxI = Math.max(maxI, k == 0 ? inputSize : projSizes[k - 1]);
            }

            Map<String, Integer> fields = new LinkedHashMap<>();
            fields.put("channels", channels);
            fields.put("maxInputSize", maxI);
            fields.put("maxHiddenSize", maxH);
            fields.put("maxProjSize", maxP);
            fields.put("maxLayers", layers);
            fields.put("gruElementwise", cell == CellKind.GRU ? 1 : 0);
            fields.put("pesPerChannel", n);
            fields.put("actQueueDepth", (actQueueDepth + broadcastColumns - 1) / broadcastColumns * broadcastColumns);
            fields.put("broadcastColumns", broadcastColumns);
            fields.put("accBits", accBits);
            fields.put("weightBits", weightBits);
            fields.put("indexBits", indexBits);
            fields.put("actBits", actBits);
            fields.put("actFracBits", actFracBits);
            fields.put("lutEntries", lutEntries);
            fields.put("lutInputRange", lutInputRange);
            fields.put("axiDataBits", axiDataBits);
            fields.put("axiAddrBits", axiAddrBits);
            fields.put("axiMaxBurstBeats", axiMaxBurstBeats);
            fields.put("axiMaxOutstanding", axiMaxOutstanding);
            fields.put("pesPerElementwise", pesPerElementwise);
            fields.put("gatherLanes", gatherLanes);
            // Probe with the widest pointers and deepest FIFO to learn the model's needs, then size them.
            fields.put("ptrBits", 32);
            fields.put("entryFifoDepth", 65536);
            AcceleratorConfig probe = Presets.get("tiny").with(fields);
            CompiledModel probed = Compiler.compile(probe, model(cell, inputSize, hiddenSizes, projSizes, peepholes,
                    modelSeed), pruning, density);
            int maxEntries = probed.matrices().stream().mapToInt(SparseMatrixEncoding::maxEntries).max().orElse(0);
            int ptrBits = Math.min(32, Math.max(8, 64 - Long.numberOfLeadingZeros(maxEntries)) + ptrSlack);
            int skew = probed.matrices().stream().mapToInt(SparseMatrixEncoding::pointerSkew).max().orElse(0);
            int fifo = Math.max(4, Integer.highestOneBit(tight ? skew : skew + 4) * 2);
            fields.put("ptrBits", ptrBits);
            fields.put("entryFifoDepth", fifo);
            if (dsp) {
                // DSP48E2 accumulators do not saturate: accBits at least what the compiler's overflow proof needs
                int needed = probed.matrices().stream().mapToInt(m -> m.accBitsWithoutOverflow(actBits)).max().orElse(0);
                if (needed <= 48) {
                    fields.put("accBits", Math.max(accBits, needed));
                    fields.put("dspAccumulate", 1);
                }
            }
            if (onchip) {
                int rows = probed.layers().stream().mapToInt(cl -> ImageLayout.entryRows(cl.wa().maxEntries())
                        + ImageLayout.entryRows(cl.whr().maxEntries())).max().orElse(1);
                int entries = Integer.highestOneBit(Math.max(1, rows * 2 * n - 1)) * 2;
                fields.put("weightStore", AcceleratorConfig.ONCHIP_STORE);
                fields.put("onchipEntries", Math.max(1024, tightStore ? entries : 2 * entries));
            }
            AcceleratorConfig config = Presets.get("tiny").with(fields);
            return new Case(seed, config, cell, inputSize, hiddenSizes, projSizes, peepholes, modelSeed, pruning, density,
                    frames, saturating, inputScale, frameSeed, tight, memory);
        }

        private static int pick(Random r, int[] values) {
            return values[r.nextInt(values.length)];
        }

        /** A size in 1..24: a multiple of N in about a third of the draws (when one fits), else any. */
        private static int dim(Random r, int n) {
            if (n > 1 && n <= 24 && r.nextDouble() < 0.35) {
                return n * (1 + r.nextInt(24 / n));
            }
            return 1 + r.nextInt(24);
        }

        private static LayerStack model(CellKind cell, int inputSize, int[] hiddenSizes, int[] projSizes,
                                        boolean peepholes, long seed) {
            return SyntheticModel.stack(cell, inputSize, hiddenSizes, projSizes, peepholes && cell.allowsPeepholes(),
                    seed);
        }

        CompiledModel compile() {
            return Compiler.compile(config, model(cell, inputSize, hiddenSizes, projSizes, peepholes, modelSeed),
                    pruning, density);
        }

        /** Raw input frames [channel][frame][I]: synthetic frames times inputScale, quantized (saturating). */
        long[][][] frames(AcceleratorConfig c) {
            FixedFormat act = c.activationFormat();
            long[][][] raw = new long[c.channels()][][];
            for (int ch = 0; ch < c.channels(); ch++) {
                double[][] f = SyntheticModel.frames(frames, inputSize, frameSeed + ch);
                for (double[] row : f) {
                    for (int k = 0; k < row.length; k++) {
                        row[k] *= inputScale;
                    }
                }
                raw[ch] = Quantizer.quantize(f, act);
            }
            return raw;
        }

        /** Short folder-name summary. */
        String summary() {
            return "N" + config.pes() + "-C" + config.channels() + "-" + cell.cliName() + "x" + hiddenSizes.length
                    + "-I" + inputSize + "H" + hiddenSizes[0] + "P" + projSizes[0] + "-" + pruning.cliName();
        }

        String describe() {
            return String.format(Locale.ROOT, "%s x %d, I=%d H=%s P=%s peepholes=%s model seed %d, %s density %.4f, %d frames,"
                            + " %s (frame seed %d, scale %.2f), entry FIFO %s, DDR latency %d beats/cycle %.2f"
                            + " outstanding %d",
                    cell.cliName(), hiddenSizes.length, inputSize, java.util.Arrays.toString(hiddenSizes),
                    java.util.Arrays.toString(projSizes), peepholes, modelSeed, pruning.cliName(), density, frames,
                    saturating ? "saturating inputs" : "normal inputs", frameSeed, inputScale,
                    tightEntryFifo ? "tight" : "skew+4", memoryModel.readLatency(), memoryModel.readBeatsPerCycle(),
                    memoryModel.maxOutstanding());
        }

        Map<String, Object> toJson(long baseSeed, int id) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id);
            m.put("base_seed", baseSeed);
            m.put("config_seed", String.format("0x%016x", seed));
            m.put("config", config.toFieldMap());
            m.put("input_size", inputSize);
            m.put("cell", cell.cliName());
            m.put("hidden_sizes", hiddenSizes);
            m.put("proj_sizes", projSizes);
            m.put("peepholes", peepholes);
            m.put("model_seed", modelSeed);
            m.put("pruning", pruning.cliName());
            m.put("density", density);
            m.put("frames", frames);
            m.put("saturating_inputs", saturating);
            m.put("input_scale", inputScale);
            m.put("frame_seed", frameSeed);
            m.put("tight_entry_fifo", tightEntryFifo);
            m.put("memory_model", Map.of("read_latency", memoryModel.readLatency(), "read_beats_per_cycle",
                    memoryModel.readBeatsPerCycle(), "max_outstanding", memoryModel.maxOutstanding()));
            return m;
        }
    }
}
