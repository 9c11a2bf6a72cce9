package org.esegen.hdl;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.esegen.rnn.CellKind;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random draws of whole circulant layers ({@link org.esegen.hdl.units.CirculantLayer}) under Icarus
 * against {@code CirculantModel}, each also linted (Verilator -Wall): the cell (lstmp, lstm, gru), b from 2
 * to 32, I and P that are mostly not multiples of b, H a multiple of b (the units' layout), spectrum widths
 * 6..16, activations 9..16 bits with a legal table, twiddles 8..18 bits, 1..8 gate lanes (powers of two), 1..4 projection
 * lanes, 1..3 channels, inputs from quiet to saturating, and stalls on every stream in half the draws. Each
 * draw prints its seed and fields; {@code -Desegen.seed=S} re-runs a run, {@code -Desegen.circulantDraws=D}
 * sets how many draws the default tier makes (4); the long tier makes 30 more.
 */
class CirculantLayerRegressionTest {
    private static final long SEED = Long.getLong("esegen.seed", 20_261_203L);
    private static final int DRAWS = Integer.getInteger("esegen.circulantDraws", 4);
    private static final int MAX_SIZE = 64;

    @TempDir
    Path dir;

    @TestFactory
    Stream<DynamicTest> randomCirculantLayersMatchTheGoldenModel() {
        return draws(0, DRAWS);
    }

    /** Long tier: 30 more draws (ids 1000 on). */
    @Tag("long")
    @TestFactory
    Stream<DynamicTest> manyMoreRandomCirculantLayersMatchTheGoldenModel() {
        return draws(1000, 30);
    }

    private Stream<DynamicTest> draws(int first, int count) {
        return SeededDraws.of("CirculantLayerRegressionTest", SEED, first, count, CirculantLayerRegressionTest::draw,
                (i, draw) -> CirculantLayerCosim.run(Files.createDirectories(dir.resolve("draw_" + i)), draw, false));
    }

    static CirculantLayerCosim.Case draw(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        CellKind[] cells = {CellKind.LSTMP, CellKind.LSTM, CellKind.GRU};
        CellKind cell = cells[random.nextInt(cells.length)];
        int block = 1 << (1 + random.nextInt(5));
        int hidden = block * (1 + random.nextInt(Math.max(1, Math.min(4, MAX_SIZE / block))));
        int inputSize = 1 + random.nextInt(40);
        int proj = cell.hasProjection() ? 1 + random.nextInt(hidden + 8) : hidden;
        int actBits = 9 + random.nextInt(8);
        int actFracBits = Math.max(5, actBits - 7) + random.nextInt(actBits - 4 - Math.max(5, actBits - 7) + 1);
        double[] gains = {0.1, 1.0, 1.0, 8.0};
        return new CirculantLayerCosim.Case(cell, block, inputSize, hidden, proj, MAX_SIZE, 1 << random.nextInt(4),
                1 + random.nextInt(4), random.nextBoolean() ? 0 : 25, 2 + random.nextInt(6), 1 + random.nextInt(3),
                6 + random.nextInt(11), actBits, actFracBits, 8 + random.nextInt(11),
                gains[random.nextInt(gains.length)], seed, true, random.nextBoolean());
    }
}
