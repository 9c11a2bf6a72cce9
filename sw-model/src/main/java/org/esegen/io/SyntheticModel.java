package org.esegen.io;

import org.esegen.EsegenException;
import org.esegen.rnn.CellKind;
import org.esegen.rnn.LayerStack;
import org.esegen.rnn.LayerWeights;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded synthetic LSTMP weights and input frames with the statistics of a trained speech model, for
 * tests, demos and sweeps when no trained model is at hand.
 *
 * <p>Determinism: everything is drawn from {@link java.util.Random}, whose algorithm (including
 * {@code nextGaussian}) is fixed by its specification, so one seed gives the same numbers on every
 * JVM and every run. Tensors are drawn in a fixed order (W_ih, W_hh, b_ih, b_hh, W_hr, then the
 * peepholes), so turning peepholes on or off leaves the other tensors unchanged.
 *
 * <p>Weight distribution: each matrix entry is {@code sigma * s * z} with z standard normal,
 * sigma = 1/sqrt(fan-in) and s a scale mixture that gives heavier tails than a normal: with
 * probability {@value #TAIL_FRACTION} s = {@value #TAIL_SCALE} * a, otherwise s = a, where
 * a = 1/sqrt(1 - f + f * t^2) keeps the variance at exactly sigma^2 (f the tail fraction, t the tail
 * scale). Excess kurtosis is then about 2.8, so a few large weights stand out and magnitude
 * pruning has something to find. Fan-in is I + P for the 4H gate rows (W_ih and W_hh feed the same
 * gate pre-activation, so they share it) and H for the P rows of W_hr.
 */
public final class SyntheticModel {

    /** Fraction of matrix entries drawn from the wide component of the mixture. */
    public static final double TAIL_FRACTION = 0.02;

    /** Standard deviation of the wide component relative to the narrow one. */
    public static final double TAIL_SCALE = 3.0;

    /** Mean of the forget-gate entries of bias_ih (so the combined forget bias is about +1). */
    public static final double FORGET_BIAS = 1.0;

    /** Standard deviation of every bias entry around its mean, and of every peephole entry. */
    public static final double BIAS_STD = 0.1;

    /** AR(1) coefficient of consecutive frames of one feature. */
    public static final double FRAME_CORRELATION = 0.9;

    /** Synthetic frames are clipped to [-FRAME_CLIP, FRAME_CLIP]. */
    public static final double FRAME_CLIP = 4.0;

    private static final double NARROW_SCALE = 1.0 / Math.sqrt(1 - TAIL_FRACTION + TAIL_FRACTION * TAIL_SCALE * TAIL_SCALE);

    private SyntheticModel() {
    }

    /**
     * Generates one LSTMP layer (gate order i, f, g, o).
     * <ul>
     *   <li>W_ih (4H x I) and W_hh (4H x P): the heavy-tailed law of the class comment with variance
     *       1/(I + P).</li>
     *   <li>W_hr (P x H): the same law with variance 1/H.</li>
     *   <li>bias_ih: forget-gate rows (H..2H-1) N({@value #FORGET_BIAS}, {@value #BIAS_STD}^2), the other
     *       rows N(0, {@value #BIAS_STD}^2); bias_hh: N(0, {@value #BIAS_STD}^2). The combined forget
     *       bias is therefore about +1 (standard deviation 0.14), the others about 0.</li>
     *   <li>peepholes, when asked for: N(0, {@value #BIAS_STD}^2) each.</li>
     * </ul>
     *
     * @throws EsegenException when a size is below 1
     */
    public static LayerWeights generate(int inputSize, int hiddenSize, int projSize, boolean peepholes, long seed) {
        return generate(CellKind.LSTMP, 0, inputSize, hiddenSize, projSize, peepholes, seed);
    }

    /**
     * Generates layer {@code layer} of a stack of {@code cell}s, drawn as {@link #generate(int, int, int,
     * boolean, long)} describes with G gate blocks instead of 4: fan-in I + P (P = H without a
     * projection), W_hr only for {@code lstmp}, the forget-gate bias offset only for the LSTMs,
     * peepholes only where the cell has them.
     *
     * @throws EsegenException when a size is below 1, or peepholes are asked of a GRU
     */
    public static LayerWeights generate(CellKind cell, int layer, int inputSize, int hiddenSize, int projSize,
                                        boolean peepholes, long seed) {
        if (inputSize < 1 || hiddenSize < 1 || projSize < 1) {
            throw new EsegenException("synthetic model: sizes must be at least 1, got I=" + inputSize + " H="
                    + hiddenSize + " P=" + projSize);
        }
        if (peepholes && !cell.allowsPeepholes()) {
            throw new EsegenException("synthetic model: a " + cell.cliName() + " cell has no peepholes");
        }
        int outputSize = cell.hasProjection() ? projSize : hiddenSize;
        Random random = new Random(seed);
        int gateRows = cell.gates() * hiddenSize;
        double gateSigma = 1.0 / Math.sqrt((double) inputSize + outputSize);
        double[][] wIh = heavyTailedMatrix(random, gateRows, inputSize, gateSigma);
        double[][] wHh = heavyTailedMatrix(random, gateRows, outputSize, gateSigma);
        double[] bIh = normalVector(random, gateRows, BIAS_STD);
        for (int row = hiddenSize; cell != CellKind.GRU && row < 2 * hiddenSize; row++) {
            bIh[row] += FORGET_BIAS;
        }
        double[] bHh = normalVector(random, gateRows, BIAS_STD);
        double[][] wHr = cell.hasProjection()
                ? heavyTailedMatrix(random, projSize, hiddenSize, 1.0 / Math.sqrt(hiddenSize)) : null;
        double[] wIc = peepholes ? normalVector(random, hiddenSize, BIAS_STD) : null;
        double[] wFc = peepholes ? normalVector(random, hiddenSize, BIAS_STD) : null;
        double[] wOc = peepholes ? normalVector(random, hiddenSize, BIAS_STD) : null;
        return new LayerWeights(layer, cell, inputSize, hiddenSize, outputSize, wIh, wHh, bIh, bHh, wHr, wIc, wFc,
                wOc);
    }

    /**
     * Generates a stack: layer k has {@code hiddenSizes[k]} cells and (for {@code lstmp})
     * {@code projSizes[k]} outputs, takes the previous layer's outputs, and is drawn from seed
     * {@code seed + k} (so layer 0 equals {@link #generate(CellKind, int, int, int, int, boolean, long)}
     * with {@code seed}).
     *
     * @param projSizes per layer P for {@code lstmp}; ignored (may be null) for the other cells
     */
    public static LayerStack stack(CellKind cell, int inputSize, int[] hiddenSizes, int[] projSizes, boolean peepholes,
                                   long seed) {
        List<LayerWeights> layers = new ArrayList<>();
        int in = inputSize;
        for (int k = 0; k < hiddenSizes.length; k++) {
            int p = cell.hasProjection() ? projSizes[k] : hiddenSizes[k];
            layers.add(generate(cell, k, in, hiddenSizes[k], p, peepholes, seed + k));
            in = p;
        }
        return new LayerStack(layers);
    }

    /**
     * Generates {@code frames x inputSize} inputs resembling normalized speech features: each feature
     * is an independent stationary AR(1) process x_t = 0.9 x_(t-1) + sqrt(1 - 0.81) e_t with x_0 and
     * e_t standard normal, so every frame is N(0, 1) and consecutive frames correlate with
     * coefficient 0.9. Values are clipped to [-4, 4] on output (the process itself runs unclipped).
     *
     * @throws EsegenException when a size is below 1
     */
    public static double[][] frames(int frames, int inputSize, long seed) {
        if (frames < 1 || inputSize < 1) {
            throw new EsegenException("synthetic frames: sizes must be at least 1, got frames=" + frames
                    + " inputSize=" + inputSize);
        }
        Random random = new Random(seed);
        double innovation = Math.sqrt(1 - FRAME_CORRELATION * FRAME_CORRELATION);
        double[] state = new double[inputSize];
        double[][] out = new double[frames][inputSize];
        for (int t = 0; t < frames; t++) {
            for (int feature = 0; feature < inputSize; feature++) {
                double noise = random.nextGaussian();
                state[feature] = t == 0 ? noise : FRAME_CORRELATION * state[feature] + innovation * noise;
                out[t][feature] = Math.max(-FRAME_CLIP, Math.min(FRAME_CLIP, state[feature]));
            }
        }
        return out;
    }

    private static double[][] heavyTailedMatrix(Random random, int rows, int columns, double sigma) {
        double[][] matrix = new double[rows][columns];
        for (double[] row : matrix) {
            for (int column = 0; column < columns; column++) {
                double scale = random.nextDouble() < TAIL_FRACTION ? TAIL_SCALE * NARROW_SCALE : NARROW_SCALE;
                row[column] = sigma * scale * random.nextGaussian();
            }
        }
        return matrix;
    }

    private static double[] normalVector(Random random, int length, double std) {
        double[] vector = new double[length];
        for (int index = 0; index < length; index++) {
            vector[index] = std * random.nextGaussian();
        }
        return vector;
    }
}
