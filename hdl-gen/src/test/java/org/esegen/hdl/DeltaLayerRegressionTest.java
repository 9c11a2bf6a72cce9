package org.esegen.hdl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.esegen.compile.CompiledModel;
import org.esegen.compile.Compiler;
import org.esegen.config.AcceleratorConfig;
import org.esegen.config.Presets;
import org.esegen.fixed.FixedFormat;
import org.esegen.golden.GoldenModel;
import org.esegen.io.SyntheticModel;
import org.esegen.prune.PruningMethod;
import org.esegen.rnn.CellKind;
import org.esegen.rnn.LayerWeights;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random draws of whole delta layers ({@link org.esegen.hdl.units.DeltaLayer}) under Icarus
 * against {@code GoldenModel.runDelta}: the cell (lstm or gru), N PEs (1..16) and A arrays (dividing N),
 * I (a multiple of A) and H (N..4N, multiples of N or not), K from 1 to a slice's real rows, weight and
 * activation widths with a legal table, the accumulator as wide as the compiler's no-overflow bound
 * needs (at least 24 bits), thresholds from 0 (every change fires) to far above the inputs' range
 * (almost nothing fires), inputs that wander, jump and saturate, and stalls on every stream in half
 * the draws. Each draw prints its seed and fields; {@code -Desegen.seed=S} re-runs a run, {@code
 * -Desegen.deltaDraws=D} sets how many draws the default tier makes (4); the long tier makes 40 more.
 */
class DeltaLayerRegressionTest {
    private static final long SEED = Long.getLong("esegen.seed", 20_261_203L);
    private static final int DRAWS = Integer.getInteger("esegen.deltaDraws", 4);

    @TempDir
    Path dir;

    /** One draw: everything a case needs, derived from its own seed. */
    private record Draw(long seed, CellKind cell, int pes, int arrays, int inputSize, int hidden, int k, int weightBits,
                        int actBits, int actFracBits, double thetaX, double thetaH, int frames, int stallPercent) {

        static Draw of(long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            CellKind cell = random.nextBoolean() ? CellKind.LSTM : CellKind.GRU;
            int pes = 1 << random.nextInt(5);
            int arrays = 1 << random.nextInt(Integer.numberOfTrailingZeros(pes) + 1);
            int inputSize = arrays * (1 + random.nextInt(Math.max(1, 24 / arrays)));
            int hidden = pes + random.nextInt(3 * pes + 1);
            int smallestSlice = rowsPerCell(cell) * (hidden / pes);
            int k = 1 + random.nextInt(Math.min(smallestSlice, 4));
            int weightBits = 4 + random.nextInt(9);
            int actBits = 9 + random.nextInt(8);
            int actFracBits = Math.max(5, actBits - 7) + random.nextInt(actBits - 4 - Math.max(5, actBits - 7) + 1);
            double[] thresholds = {0, 0.01, 0.1, 0.3, 1.0, 100.0};
            return new Draw(seed, cell, pes, arrays, inputSize, hidden, k, weightBits, actBits, actFracBits,
                    thresholds[random.nextInt(thresholds.length)], thresholds[random.nextInt(thresholds.length)],
                    2 + random.nextInt(7), random.nextBoolean() ? 0 : 25);
        }

        AcceleratorConfig config(int accBits) {
            return Presets.resolve("tiny", List.of("pesPerChannel=" + pes, "maxInputSize=" + Math.max(64, inputSize),
                    "weightBits=" + weightBits, "actBits=" + actBits, "actFracBits=" + actFracBits, "accBits=" + accBits));
        }

        /** CBTD's density for K real weights in every column of every PE's slice. */
        double density() {
            return Math.min(1.0, (double) k * pes / (rowsPerCell(cell) * hidden));
        }

        /** Gate rows a cell has that a column can reach: an x column misses n_h, an h column n_x. */
        static int rowsPerCell(CellKind cell) {
            return cell == CellKind.GRU ? 3 : 4;
        }
    }

    @TestFactory
    Stream<DynamicTest> randomDeltaLayersMatchTheGoldenModel() {
        return draws(0, DRAWS);
    }

    /** Long tier: 40 more draws (ids 1000 on), about 40 s. */
    @Tag("long")
    @TestFactory
    Stream<DynamicTest> manyMoreRandomDeltaLayersMatchTheGoldenModel() {
        return draws(1000, 40);
    }

    private Stream<DynamicTest> draws(int first, int count) {
        return SeededDraws.of("DeltaLayerRegressionTest", SEED, first, count, Draw::of, this::run);
    }

    private void run(int index, Draw draw) throws Exception {
        System.out.println("DeltaLayerRegressionTest draw " + index + ": " + draw);
        LayerWeights layer = SyntheticModel.generate(draw.cell(), 0, draw.inputSize(), draw.hidden(), draw.hidden(), false,
                draw.seed());
        double density = draw.density();
        CompiledModel wide = Compiler.compile(draw.config(48), layer, PruningMethod.CBTD, density);
        int accBits = Math.max(24, Math.max(draw.weightBits() + draw.actBits() + 1,
                wide.layer(0).wa().accBitsWithoutOverflow(draw.actBits())));
        AcceleratorConfig config = draw.config(accBits);
        CompiledModel compiled = Compiler.compile(config, layer, PruningMethod.CBTD, density);
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
        GoldenModel golden = new GoldenModel(config, compiled.image(new long[][][] {inputs}));
        GoldenModel.DeltaThresholds thresholds = golden.deltaThresholds(draw.thetaX(), draw.thetaH());
        GoldenModel.DeltaResult result = golden.runDelta(inputs, thresholds, true);
        Path work = Files.createDirectories(dir.resolve("draw_" + index));

        DeltaLayerCosim.Result cosim = DeltaLayerCosim.run(work, "draw " + index + " (seed " + draw.seed() + ")", config,
                compiled.layer(0), inputs, result, thresholds, draw.arrays(), draw.stallPercent(), draw.seed(), false);

        assertNull(cosim.mismatch(), "draw " + index + ": " + draw);
        assertEquals(draw.frames(), cosim.framesCompared(), "draw " + index + ": every frame compared");
        List<String> fired = new ArrayList<>();
        fired.add(String.format("fired x %.1f %%, h %.1f %%", 100 * result.firedInputs()[0],
                100 * result.firedStates()[0]));
        System.out.println("DeltaLayerRegressionTest draw " + index + ": bit-exact, accBits " + accBits + ", " + fired.get(0));
    }
}
