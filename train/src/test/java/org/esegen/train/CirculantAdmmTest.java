package org.esegen.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.esegen.EsegenException;
import org.esegen.circulant.BlockCirculant;
import org.esegen.rnn.CellKind;
import org.esegen.rnn.LayerWeights;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Block-circulant training on PyTorch's engine: after ADMM epochs, the hard projection and projected
 * fine-tuning every matrix of every layer is block-circulant to float precision, and the network
 * still learns a separable task.
 */
class CirculantAdmmTest {

    @ParameterizedTest(name = "{0} x 2, b = {1}, {2} ADMM epoch(s)")
    @CsvSource({"LSTMP, 4, 2", "GRU, 2, 1", "LSTM, 8, 0"})
    void matricesEndBlockCirculantAndTheTaskIsLearned(CellKind cell, int block, int admmEpochs) {
        long seed = 31 + block;
        System.out.println("CirculantAdmmTest " + cell + " seed=" + seed);
        Random random = new Random(seed);
        int inputs = 8;
        List<double[][]> features = new ArrayList<>();
        int[] labels = new int[48];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 2;
            double[][] x = new double[6][inputs];
            for (double[] frame : x) {
                for (int k = 0; k < inputs; k++) {
                    frame[k] = random.nextGaussian() * 0.3 + (labels[i] == 0 ? 1 : -1) * (k < 4 ? 0.8 : 0);
                }
            }
            features.add(x);
        }
        Trainer.Examples examples = new Trainer.Examples(features, labels);
        Trainer.Trained t = Trainer.train(new Trainer.Fresh(cell, 2, inputs, 8, cell == CellKind.LSTMP ? 4 : 8, 2,
                        false), examples, examples, new Trainer.Options(10, 8, 0.02, seed, 1), null, null, null,
                new Trainer.CirculantAdmm(block, 0.01, admmEpochs), r -> { });
        for (LayerWeights layer : t.stack().layers()) {
            List<double[][]> matrices = new ArrayList<>(List.of(layer.wIh(), layer.wHh()));
            if (layer.wHr() != null) {
                matrices.add(layer.wHr());
            }
            for (double[][] w : matrices) {
                double[][] p = BlockCirculant.project(w, block).dense();
                for (int r = 0; r < w.length; r++) {
                    for (int c = 0; c < w[r].length; c++) {
                        assertEquals(p[r][c], w[r][c], 1e-5, "layer " + layer.layer() + " row " + r + " column " + c
                                + " is block-circulant");
                    }
                }
            }
        }
        double accuracy = t.epochs().get(t.epochs().size() - 1).trainAccuracy();
        assertTrue(accuracy >= 0.9, "a separable task is learned under the constraint: " + accuracy);
    }

    @ParameterizedTest(name = "block {0}, rho {1}, {2} ADMM epochs")
    @CsvSource({"3, 0.01, 1", "4, 0, 1", "4, 0.01, -1"})
    void badOptionsAreRefused(int block, double rho, int admmEpochs) {
        assertThrows(EsegenException.class, () -> new Trainer.CirculantAdmm(block, rho, admmEpochs));
    }
}
