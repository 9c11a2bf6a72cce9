package org.esegen.testbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.esegen.circulant.BlockCirculant;
import org.esegen.circulant.CirculantModel;
import org.esegen.config.AcceleratorConfig;
import org.esegen.config.Presets;
import org.esegen.fixed.FixedFormat;
import org.esegen.hdl.Generator;
import org.esegen.io.SyntheticModel;
import org.esegen.rnn.CellKind;
import org.esegen.rnn.LayerStack;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

/**
 * Seeded random circulant-engine accelerators ({@code engine = 2}, the whole {@code CirculantAccelerator}): each
 * draw is a configuration and a block-circulant model, generated, linted ({@code verilator --lint-only -Wall} with
 * hdl-gen's waivers), co-simulated under Verilator with a drawn DDR model and compared bit for bit with {@link
 * CirculantModel#expectedImage}.
 *
 * <p>Drawn (from the draw's own seed, {@link Draw#of}): lstmp, lstm (on the lstmp design, the projection engine
 * bypassed) or gru, 1 or 2 layers; b = 2..16; I and P (lstmp)
 * not multiples of b, H a multiple of b; 6- to 16-bit spectra, 8- or 16-bit activations (b x actBits must divide
 * the DDR word), twiddles of 8 to 18 bits; 1..8 gate lanes (powers of two) and 1..4 projection lanes; 1..3
 * channels; 2 to 6 frames of inputs that wander, jump and saturate; DDR words of 64 to 512 bits, bursts,
 * outstanding reads and the memory model's latency and bandwidth; the accumulates in fabric or in DSP48E2s.
 *
 * <p>Default tier: draws 0..{@value #DRAWS}-1 of seed {@value #SEED}; long tier ({@code -Plong}): draws 100..115.
 * {@code -Desegen.seed=S} for another base seed, {@code -Desegen.circulantAcceleratorDraws=D} for D default
 * draws. Each draw prints its id, seed and every field; its files are under {@code target/circulant-regression/<id>}.
 */
class CirculantAcceleratorRegressionTest {
    static final long SEED = Long.getLong("esegen.seed", 16);
    static final int DRAWS = Integer.getInteger("esegen.circulantAcceleratorDraws", 2);
    static final Path ROOT = Path.of("target", "circulant-regression");

    @BeforeAll
    static void requireVerilator() {
        assumeTrue(VerilatorBuild.verilatorAvailable(), "verilator is not on PATH");
    }

    /** One draw, derived from its seed. */
    record Draw(long seed, CellKind cell, int layers, int block, int inputSize, int hidden, int proj, int weightBits,
                int actBits, int actFracBits, int twiddleBits, int lanes, int projLanes, int channels, int frames,
                int axiDataBits, int burst, int outstanding, Cosimulation.MemoryModel memory, int dspAccumulate) {

        static Draw of(long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            CellKind[] cells = {CellKind.LSTMP, CellKind.LSTM, CellKind.GRU};
            CellKind cell = cells[random.nextInt(cells.length)];
            int block = 2 << random.nextInt(4);
            int hidden = block * (1 + random.nextInt(Math.max(1, 24 / block)));
            int proj = cell.hasProjection() ? 1 + random.nextInt(hidden) : hidden;
            int actBits = random.nextBoolean() ? 8 : 16;
            int actFracBits = Math.max(4, actBits - 7) + random.nextInt(actBits - 4 - Math.max(4, actBits - 7) + 1);
            int minWord = Math.max(64, block * actBits);
            int axiDataBits = minWord << random.nextInt(Math.max(1, Integer.numberOfTrailingZeros(512 / minWord) + 1));
            return new Draw(seed, cell, 1 + random.nextInt(2), block, 1 + random.nextInt(24), hidden, proj,
                    6 + random.nextInt(11), actBits, actFracBits, 8 + random.nextInt(11), 1 << random.nextInt(4),
                    1 + random.nextInt(4), 1 + random.nextInt(3), 2 + random.nextInt(5), axiDataBits,
                    1 << (2 + random.nextInt(5)), 1 + random.nextInt(8),
                    new Cosimulation.MemoryModel(5 + random.nextInt(60), 0.3 + 0.7 * random.nextDouble(),
                            1 + random.nextInt(8)), random.nextInt(2));
        }

        AcceleratorConfig config() {
            Map<String, Integer> f = new LinkedHashMap<>();
            f.put("circulantBlock", block);
            f.put("circulantLanes", lanes);
            f.put("circulantProjLanes", projLanes);
            f.put("twiddleBits", twiddleBits);
            f.put("channels", channels);
            f.put("maxLayers", layers);
            f.put("maxInputSize", Math.max(inputSize, proj));
            f.put("maxHiddenSize", hidden);
            f.put("maxProjSize", proj);
            f.put("gruElementwise", cell == CellKind.GRU ? 1 : 0);
            f.put("weightBits", weightBits);
            f.put("actBits", actBits);
            f.put("actFracBits", actFracBits);
            f.put("accBits", Math.max(32, weightBits + actBits));
            f.put("lutEntries", 256);
            f.put("axiDataBits", axiDataBits);
            f.put("axiMaxBurstBeats", burst);
            f.put("axiMaxOutstanding", outstanding);
            f.put("dspAccumulate", dspAccumulate);
            return Presets.get("ernn").with(f);
        }
    }

    @TestFactory
    Stream<DynamicTest> randomCirculantAcceleratorsAreBitExact() {
        return draws(0, DRAWS);
    }

    /** Long tier: 16 more draws. */
    @Tag("long")
    @TestFactory
    Stream<DynamicTest> manyMoreRandomCirculantAcceleratorsAreBitExact() {
        return draws(100, 16);
    }

    private Stream<DynamicTest> draws(int first, int count) {
        System.out.println("CirculantAcceleratorRegressionTest: base seed " + SEED + " (-Desegen.seed=" + SEED
                + "), draws " + first + ".." + (first + count - 1));
        return IntStream.range(first, first + count).mapToObj(i -> {
            Draw draw = Draw.of(SEED * 1_000_003L + i);
            return DynamicTest.dynamicTest("draw " + i + ": " + draw, () -> run(i, draw));
        });
    }

    private static void run(int index, Draw draw) throws Exception {
        System.out.println("CirculantAcceleratorRegressionTest draw " + index + ": " + draw);
        AcceleratorConfig config = draw.config();
        System.out.println("CirculantAcceleratorRegressionTest draw " + index + " config " + config.toFieldMap());
        int[] hidden = new int[draw.layers()];
        int[] proj = new int[draw.layers()];
        Arrays.fill(hidden, draw.hidden());
        Arrays.fill(proj, draw.proj());
        LayerStack model = BlockCirculant.project(SyntheticModel.stack(draw.cell(), draw.inputSize(), hidden, proj,
                draw.cell() == CellKind.LSTMP, draw.seed()), draw.block());
        CirculantModel compiled = CirculantModel.compile(config, model);
        FixedFormat act = config.activationFormat();
        Random random = new Random(draw.seed() + 1);
        long[][][] inputs = new long[draw.channels()][draw.frames()][draw.inputSize()];
        for (int ch = 0; ch < draw.channels(); ch++) {
            double[] x = new double[draw.inputSize()];
            for (int t = 0; t < draw.frames(); t++) {
                for (int c = 0; c < x.length; c++) {
                    x[c] = random.nextInt(5) == 0 ? 40 * random.nextGaussian() : x[c] + 0.2 * random.nextGaussian();
                    inputs[ch][t][c] = act.quantize(x[c]);
                }
            }
        }
        byte[] image = compiled.image(inputs);
        Path dir = ROOT.resolve(Integer.toString(index));
        Generator.Result rtl = Generator.generate(config, dir.resolve("rtl"));
        String lint = TestDuts.lint(rtl.simulationSources(), Generator.top(config), dir);
        assertEquals("", lint, "draw " + index + ": the generated design is not lint-clean");

        Cosimulation.CirculantRun result = Cosimulation.runCirculant(rtl.simulationSources(), compiled, image,
                TestDuts.CACHE, dir.resolve("run"), draw.memory(), false);
        assertTrue(result.bitExact(), "draw " + index + " (seed " + draw.seed() + "; re-run with -Desegen.seed=" + SEED
                + "): " + result.mismatch());
        assertEquals(draw.layers(), result.cyclesPerLayer().size());
        System.out.printf("CirculantAcceleratorRegressionTest draw %d: bit-exact, %d layers, %d channels, %.1f cycles "
                + "a frame, %d loading the spectra%n", index, draw.layers(), draw.channels(), result.cyclesPerFrame(),
                result.storeLoadCycles());
    }
}
