package org.esegen.io;

import org.esegen.EsegenException;
import org.esegen.rnn.LayerWeights;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SyntheticModelTest {

    /** Base seed of the determinism tests; set -Desegen.test.seed=N to replay a run. */
    private static final long BASE_SEED = Long.getLong("esegen.test.seed", System.nanoTime());

    @BeforeAll
    static void printSeed() {
        System.out.println("SyntheticModelTest base seed " + BASE_SEED + " (replay with -Desegen.test.seed="
                + BASE_SEED + ")");
    }

    @Test
    void sameSeedGivesIdenticalWeightsAndDifferentSeedDifferentWeights() {
        LayerWeights first = SyntheticModel.generate(7, 5, 3, true, BASE_SEED);
        LayerWeights again = SyntheticModel.generate(7, 5, 3, true, BASE_SEED);
        LayerWeights other = SyntheticModel.generate(7, 5, 3, true, BASE_SEED + 1);
        assertSameWeights(first, again);
        assertFalse(Arrays.deepEquals(first.wIh(), other.wIh()));
        assertFalse(Arrays.deepEquals(first.wHh(), other.wHh()));
        assertFalse(Arrays.deepEquals(first.wHr(), other.wHr()));
        assertFalse(Arrays.equals(first.bIh(), other.bIh()));
        assertFalse(Arrays.equals(first.wOc(), other.wOc()));
    }

    @Test
    void peepholesDoNotChangeTheOtherTensors() {
        LayerWeights with = SyntheticModel.generate(4, 6, 2, true, BASE_SEED);
        LayerWeights without = SyntheticModel.generate(4, 6, 2, false, BASE_SEED);
        assertTrue(with.hasPeepholes());
        assertFalse(without.hasPeepholes());
        assertArrayEquals(with.wIh(), without.wIh());
        assertArrayEquals(with.wHh(), without.wHh());
        assertArrayEquals(with.bIh(), without.bIh());
        assertArrayEquals(with.bHh(), without.bHh());
        assertArrayEquals(with.wHr(), without.wHr());
    }

    /** Pins the generator: golden files elsewhere depend on these exact numbers. */
    @Test
    void knownSeedGivesKnownValues() {
        LayerWeights weights = SyntheticModel.generate(2, 1, 1, true, 1);
        assertEquals(-0.22104654449113392, weights.wIh()[0][0]);
        assertEquals(1.2193259350913983, weights.wHh()[3][0]);
        assertEquals(0.8837037527073126, weights.bIh()[1]);
        assertEquals(-0.44647096757997706, weights.wHr()[0][0]);
        assertEquals(-0.08217861412767082, weights.wOc()[0]);
        double[][] frames = SyntheticModel.frames(2, 1, 1);
        assertEquals(new Random(1).nextGaussian(), frames[0][0]);
        assertEquals(1.140322283853858, frames[1][0]);
    }

    @Test
    void smallestModel() {
        LayerWeights weights = SyntheticModel.generate(1, 1, 1, false, BASE_SEED);
        assertEquals(1, weights.inputSize());
        assertEquals(4, weights.wHh().length);
        assertEquals(1, weights.wHr()[0].length);
    }

    /** Fixed seeds: the bounds are several standard errors wide, so every seed passes. */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void weightsHaveTrainedNetworkStatistics(long seed) {
        System.out.println("weightsHaveTrainedNetworkStatistics seed " + seed);
        int inputSize = 1024;
        int hiddenSize = 256;
        int projSize = 256;
        LayerWeights weights = SyntheticModel.generate(inputSize, hiddenSize, projSize, true, seed);
        double gateSigma = 1 / Math.sqrt(inputSize + projSize);

        double rowStdSum = 0;
        for (double[] row : weights.wIh()) {
            double std = std(row);
            assertEquals(gateSigma, std, 0.2 * gateSigma, "W_ih row std");
            rowStdSum += std;
        }
        assertEquals(gateSigma, rowStdSum / weights.wIh().length, 0.03 * gateSigma, "mean W_ih row std");
        assertEquals(gateSigma, std(flatten(weights.wHh())), 0.03 * gateSigma, "W_hh std");

        double projectionSigma = 1 / Math.sqrt(hiddenSize);
        double[] projection = flatten(weights.wHr());
        assertEquals(projectionSigma, std(projection), 0.03 * projectionSigma, "W_hr std");
        assertEquals(0, mean(projection), 0.03 * projectionSigma, "W_hr mean");

        double kurtosis = kurtosis(flatten(weights.wIh()));
        assertTrue(kurtosis > 4.5 && kurtosis < 7.5, "W_ih kurtosis " + kurtosis + ", expected about 5.8");

        double[] bias = weights.combinedBias();
        double[] forget = Arrays.copyOfRange(bias, hiddenSize, 2 * hiddenSize);
        double[] others = new double[3 * hiddenSize];
        System.arraycopy(bias, 0, others, 0, hiddenSize);
        System.arraycopy(bias, 2 * hiddenSize, others, hiddenSize, 2 * hiddenSize);
        assertEquals(1.0, mean(forget), 0.05, "forget bias mean");
        assertEquals(0.0, mean(others), 0.03, "other bias mean");
        assertEquals(0.1 * Math.sqrt(2), std(others), 0.02, "other bias std");
        assertEquals(0.1, std(weights.bHh()), 0.015, "bias_hh std");
        assertEquals(0.1, std(weights.wIc()), 0.025, "peephole std");
        assertEquals(0.1, std(weights.wOc()), 0.025, "peephole std");
    }

    @Test
    void framesAreDeterministic() {
        double[][] first = SyntheticModel.frames(50, 9, BASE_SEED);
        assertArrayEquals(first, SyntheticModel.frames(50, 9, BASE_SEED));
        assertFalse(Arrays.deepEquals(first, SyntheticModel.frames(50, 9, BASE_SEED + 1)));
        assertEquals(1, SyntheticModel.frames(1, 1, BASE_SEED).length);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2})
    void framesLookLikeNormalizedCorrelatedFeatures(long seed) {
        System.out.println("framesLookLikeNormalizedCorrelatedFeatures seed " + seed);
        int frameCount = 4000;
        int inputSize = 40;
        double[][] frames = SyntheticModel.frames(frameCount, inputSize, seed);
        double sum = 0;
        double squares = 0;
        double lagProducts = 0;
        for (int t = 0; t < frameCount; t++) {
            for (int feature = 0; feature < inputSize; feature++) {
                double value = frames[t][feature];
                assertTrue(value >= -4 && value <= 4, "clipped to [-4, 4]: " + value);
                sum += value;
                squares += value * value;
                if (t > 0) {
                    lagProducts += value * frames[t - 1][feature];
                }
            }
        }
        double count = (double) frameCount * inputSize;
        double mean = sum / count;
        double variance = squares / count - mean * mean;
        double lagOne = lagProducts / ((frameCount - 1.0) * inputSize) / variance;
        assertEquals(0, mean, 0.05, "mean");
        assertEquals(1, Math.sqrt(variance), 0.05, "std");
        assertEquals(0.9, lagOne, 0.02, "lag-1 autocorrelation");
    }

    @Test
    void rejectsSizesBelowOne() {
        EsegenException weights = assertThrows(EsegenException.class, () -> SyntheticModel.generate(0, 4, 2, false, 1));
        assertTrue(weights.getMessage().contains("I=0"), weights.getMessage());
        EsegenException frames = assertThrows(EsegenException.class, () -> SyntheticModel.frames(0, 4, 1));
        assertTrue(frames.getMessage().contains("frames=0"), frames.getMessage());
    }

    private static void assertSameWeights(LayerWeights expected, LayerWeights actual) {
        assertArrayEquals(expected.wIh(), actual.wIh());
        assertArrayEquals(expected.wHh(), actual.wHh());
        assertArrayEquals(expected.bIh(), actual.bIh());
        assertArrayEquals(expected.bHh(), actual.bHh());
        assertArrayEquals(expected.wHr(), actual.wHr());
        assertArrayEquals(expected.wIc(), actual.wIc());
        assertArrayEquals(expected.wFc(), actual.wFc());
        assertArrayEquals(expected.wOc(), actual.wOc());
    }

    private static double[] flatten(double[][] matrix) {
        return Arrays.stream(matrix).flatMapToDouble(Arrays::stream).toArray();
    }

    private static double mean(double[] values) {
        return Arrays.stream(values).average().orElseThrow();
    }

    private static double std(double[] values) {
        double mean = mean(values);
        return Math.sqrt(Arrays.stream(values).map(value -> (value - mean) * (value - mean)).average().orElseThrow());
    }

    private static double kurtosis(double[] values) {
        double mean = mean(values);
        double variance = Math.pow(std(values), 2);
        double fourth = Arrays.stream(values).map(value -> Math.pow(value - mean, 4)).average().orElseThrow();
        return fourth / (variance * variance);
    }
}
