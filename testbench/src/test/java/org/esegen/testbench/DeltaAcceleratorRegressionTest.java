package org.esegen.testbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.esegen.compile.CompiledModel;
import org.esegen.compile.Compiler;
import org.esegen.config.AcceleratorConfig;
import org.esegen.config.Presets;
import org.esegen.fixed.FixedFormat;
import org.esegen.golden.GoldenModel;
import org.esegen.hdl.Generator;
import org.esegen.io.SyntheticModel;
import org.esegen.prune.PruningMethod;
import org.esegen.rnn.CellKind;
import org.esegen.rnn.LayerStack;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

/**
 * Seeded random delta-engine accelerators ({@code engine = 1}, the whole {@code DeltaAccelerator}):
 * each draw is a configuration and a CBTD model, generated, linted ({@code verilator --lint-only -Wall}
 * with hdl-gen's waivers), co-simulated under Verilator with a drawn DDR model and compared bit for bit
 * with the golden model's delta run.
 *
 * <p>Drawn (from the draw's own seed, {@link Draw#of}): DeltaLSTM or DeltaGRU, 1 or 2 layers; N = 1..16
 * PEs (powers of two) and A = 1..N arrays; I a multiple of A up to 24, H from N to 4N (multiples of N or
 * not); K = 1..4 and deltaMaxK K..K + 2; 4- to 12-bit weights; 8- or 16-bit activations (A x actBits must
 * divide the DDR word, a power of two) with a legal table; accBits from what the compiler's no-overflow
 * proof needs; thresholds from 0 (every change fires) to 100 (almost nothing does); 2 to 8 frames of
 * inputs that wander, jump and saturate; DDR words of 64 to 512 bits, bursts, outstanding reads and the
 * memory model's latency and bandwidth.
 *
 * <p>Default tier: draws 0..{@value #DRAWS}-1 of seed {@value #SEED}; long tier ({@code -Plong}): draws
 * 100..123. {@code -Desegen.seed=S} for another base seed, {@code -Desegen.deltaAcceleratorDraws=D} for
 * D default draws. Each draw prints its id, seed and every field; its files are under
 * {@code target/delta-regression/<id>}.
 */
class DeltaAcceleratorRegressionTest {
    static final long SEED = Long.getLong("esegen.seed", 15);
    static final int DRAWS = Integer.getInteger("esegen.deltaAcceleratorDraws", 3);
    static final Path ROOT = Path.of("target", "delta-regression");

    @BeforeAll
    static void requireVerilator() {
        assumeTrue(VerilatorBuild.verilatorAvailable(), "verilator is not on PATH");
    }

    /** One draw, derived from its seed. */
    record Draw(long seed, CellKind cell, int layers, int pes, int arrays, int inputSize, int hidden, int k,
                int extraK, int weightBits, int actBits, int actFracBits, double thetaX, double thetaH, int frames,
                int axiDataBits, int burst, int outstanding, Cosimulation.MemoryModel memory) {

        static Draw of(long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            CellKind cell = random.nextBoolean() ? CellKind.LSTM : CellKind.GRU;
            int pes = 1 << random.nextInt(5);
            int arrays = 1 << random.nextInt(Integer.numberOfTrailingZeros(pes) + 1);
            int inputSize = arrays * (1 + random.nextInt(Math.max(1, 24 / arrays)));
            int hidden = pes + random.nextInt(3 * pes + 1);
            int smallestSlice = (cell == CellKind.GRU ? 3 : 4) * (hidden / pes);
            int k = 1 + random.nextInt(Math.min(smallestSlice, 4));
            int actBits = random.nextBoolean() ? 8 : 16;
            int actFracBits = Math.max(4, actBits - 7) + random.nextInt(actBits - 4 - Math.max(4, actBits - 7) + 1);
            int minWord = Math.max(64, Integer.highestOneBit(arrays * actBits));
            int axiDataBits = minWord << random.nextInt(Math.max(1, Integer.numberOfTrailingZeros(512 / minWord) + 1));
            double[] thresholds = {0, 0.01, 0.1, 0.3, 1.0, 100.0};
            return new Draw(seed, cell, 1 + random.nextInt(2), pes, arrays, inputSize, hidden, k, random.nextInt(3),
                    4 + random.nextInt(9), actBits, actFracBits, thresholds[random.nextInt(thresholds.length)],
                    thresholds[random.nextInt(thresholds.length)], 2 + random.nextInt(7), axiDataBits,
                    1 << (2 + random.nextInt(5)), 1 + random.nextInt(8),
                    new Cosimulation.MemoryModel(5 + random.nextInt(60), 0.3 + 0.7 * random.nextDouble(),
                            1 + random.nextInt(8)));
        }

        AcceleratorConfig config(int accBits) {
            Map<String, Integer> f = new LinkedHashMap<>();
            f.put("engine", AcceleratorConfig.DELTA_ENGINE);
            f.put("deltaArrays", arrays);
            f.put("deltaMaxK", k + extraK);
            f.put("weightStore", AcceleratorConfig.ONCHIP_STORE);
            f.put("pesPerChannel", pes);
            f.put("maxLayers", layers);
            f.put("maxInputSize", Math.max(inputSize, layers > 1 ? ceilTo(hidden, arrays) : 0));
            f.put("maxHiddenSize", hidden);
            f.put("maxProjSize", hidden);
            f.put("gruElementwise", cell == CellKind.GRU ? 1 : 0);
            f.put("weightBits", weightBits);
            f.put("actBits", actBits);
            f.put("actFracBits", actFracBits);
            f.put("accBits", accBits);
            f.put("axiDataBits", axiDataBits);
            f.put("axiMaxBurstBeats", burst);
            f.put("axiMaxOutstanding", outstanding);
            return Presets.get("tiny").with(f);
        }

        /** CBTD's density for K real weights in every column of every PE's slice. */
        double density() {
            return Math.min(1.0, (double) k * pes / ((cell == CellKind.GRU ? 3 : 4) * hidden));
        }

        /** The layers' hidden sizes; a second layer takes the first's H (a multiple of A) as its input. */
        int[] hiddenSizes() {
            int[] h = new int[layers];
            Arrays.fill(h, layers > 1 ? ceilTo(hidden, arrays) : hidden);
            h[0] = layers > 1 ? ceilTo(hidden, arrays) : hidden;
            return h;
        }

        private static int ceilTo(int value, int multiple) {
            return (value + multiple - 1) / multiple * multiple;
        }
    }

    @TestFactory
    Stream<DynamicTest> randomDeltaAcceleratorsAreBitExact() {
        return draws(0, DRAWS);
    }

    /** Long tier: 24 more draws. */
    @Tag("long")
    @TestFactory
    Stream<DynamicTest> manyMoreRandomDeltaAcceleratorsAreBitExact() {
        return draws(100, 24);
    }

    private Stream<DynamicTest> draws(int first, int count) {
        System.out.println("DeltaAcceleratorRegressionTest: base seed " + SEED + " (-Desegen.seed=" + SEED + "), draws "
                + first + ".." + (first + count - 1));
        return IntStream.range(first, first + count).mapToObj(i -> {
            Draw draw = Draw.of(SEED * 1_000_003L + i);
            return DynamicTest.dynamicTest("draw " + i + ": " + draw, () -> run(i, draw));
        });
    }

    private static void run(int index, Draw draw) throws Exception {
        System.out.println("DeltaAcceleratorRegressionTest draw " + index + ": " + draw);
        int[] hidden = draw.hiddenSizes();
        LayerStack model = SyntheticModel.stack(draw.cell(), draw.inputSize(), hidden, hidden, false, draw.seed());
        int maxH = Arrays.stream(hidden).max().orElseThrow();
        AcceleratorConfig wideConfig = draw.config(48).with(Map.of("maxHiddenSize", maxH, "maxProjSize", maxH));
        CompiledModel wide = Compiler.compile(wideConfig, model, PruningMethod.CBTD, draw.density());
        int needed = wide.layers().stream().mapToInt(l -> l.wa().accBitsWithoutOverflow(draw.actBits())).max()
                .orElseThrow();
        int accBits = Math.min(48, Math.max(draw.weightBits() + draw.actBits() + 1, needed));
        AcceleratorConfig config = wideConfig.with("accBits", accBits);
        System.out.println("DeltaAcceleratorRegressionTest draw " + index + " config " + config.toFieldMap());
        CompiledModel compiled = Compiler.compile(config, model, PruningMethod.CBTD, draw.density());
        FixedFormat act = config.activationFormat();
        Random random = new Random(draw.seed() + 1);
        long[][] inputs = new long[draw.frames()][draw.inputSize()];
        double[] x = new double[draw.inputSize()];
        for (int t = 0; t < draw.frames(); t++) {
            for (int c = 0; c < x.length; c++) {
                x[c] = random.nextInt(5) == 0 ? 40 * random.nextGaussian() : x[c] + 0.2 * random.nextGaussian();
                inputs[t][c] = act.quantize(x[c]);
            }
        }
        byte[] image = compiled.image(new long[][][] {inputs});
        GoldenModel golden = new GoldenModel(config, image);
        Path dir = ROOT.resolve(Integer.toString(index));
        Generator.Result rtl = Generator.generate(config, dir.resolve("rtl"));
        String lint = TestDuts.lint(rtl.simulationSources(), Generator.top(config), dir);
        assertEquals("", lint, "draw " + index + ": the generated design is not lint-clean");

        Cosimulation.DeltaRun result = Cosimulation.runDelta(rtl.simulationSources(), compiled, image,
                golden.deltaThresholds(draw.thetaX(), draw.thetaH()), TestDuts.CACHE, dir.resolve("run"),
                draw.memory(), false);
        assertTrue(result.bitExact(), "draw " + index + " (seed " + draw.seed() + "; re-run with -Desegen.seed=" + SEED
                + "): " + result.mismatch());
        assertEquals(draw.layers(), result.cyclesPerLayer().size());
        System.out.printf("DeltaAcceleratorRegressionTest draw %d: bit-exact, %d layers, %.1f cycles a frame, fired x "
                        + "%.1f %%, h %.1f %%%n", index, draw.layers(), result.cyclesPerFrame(),
                100 * result.golden().channels().get(0).firedInputs()[0],
                100 * result.golden().channels().get(0).firedStates()[0]);
    }
}
