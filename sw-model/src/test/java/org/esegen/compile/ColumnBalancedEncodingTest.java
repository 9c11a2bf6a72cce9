package org.esegen.compile;

import org.esegen.EsegenException;
import org.esegen.fixed.FixedFormat;
import org.esegen.io.SyntheticModel;
import org.esegen.prune.Pruner;
import org.esegen.prune.PruningMethod;
import org.esegen.quant.Quantizer;
import org.esegen.rnn.LayerWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The column-balanced form: K entries per column and PE at fixed addresses, decoding exactly, refusing imbalance. */
class ColumnBalancedEncodingTest {

    @ParameterizedTest(name = "H={0} N={1} K={2} seed {3}")
    @CsvSource({"16, 4, 1, 51", "16, 4, 4, 52", "24, 8, 2, 53", "32, 2, 16, 54", "12, 3, 3, 55"})
    void cbtdAtKOverSliceRowsEncodesAndDecodesExactly(int hidden, int pes, int k, long seed) {
        System.out.println("ColumnBalancedEncodingTest H=" + hidden + " N=" + pes + " K=" + k + " seed=" + seed);
        LayerWeights layer = SyntheticModel.generate(10, hidden, 6, false, seed);
        RowMapping mapping = RowMapping.gates(hidden, pes);
        double[][] pruned = Pruner.prune(layer.combinedInputMatrix(), k / (double) mapping.localRows(), mapping.pe(),
                pes, PruningMethod.CBTD);
        int frac = Quantizer.weightFracBits(pruned, 4);
        long[][] quantized = Quantizer.quantize(pruned, new FixedFormat(4, frac));
        ColumnBalancedEncoding e = ColumnBalancedEncoding.encode("W_a", pruned, quantized, mapping, frac);
        assertEquals(k, e.k());
        assertEquals(layer.waColumns() * k, e.entriesPerPe());
        long[][] decoded = e.decode();
        for (int r = 0; r < quantized.length; r++) {
            assertArrayEquals(quantized[r], decoded[r], "row " + r);
        }
        for (int p = 0; p < pes; p++) {
            for (int c = 0; c < e.cols(); c++) {
                for (int j = 1; j < k; j++) {
                    assertTrue(e.rows()[p][c * k + j] > e.rows()[p][c * k + j - 1], "entries of a column in row order");
                }
            }
        }
    }

    @Test
    void aKeptWeightThatQuantizesToZeroStaysAnEntry() {
        double[][] pruned = {{0.001}, {1.0}};
        long[][] quantized = {{0}, {3}};
        RowMapping mapping = RowMapping.interleaved(2, 2);
        ColumnBalancedEncoding e = ColumnBalancedEncoding.encode("W", pruned, quantized, mapping, 1);
        assertEquals(1, e.k());
        assertEquals(0, e.weights()[0][0]);
        assertEquals(3, e.weights()[1][0]);
    }

    @Test
    void unbalancedWeightsAreRefusedWithTheCounts() {
        LayerWeights layer = SyntheticModel.generate(10, 16, 6, false, 56);
        RowMapping mapping = RowMapping.gates(16, 4);
        double[][] pruned = Pruner.prune(layer.combinedInputMatrix(), 0.2, mapping.pe(), 4, PruningMethod.ESE);
        long[][] quantized = Quantizer.quantize(pruned, new FixedFormat(8, 6));
        String message = assertThrows(EsegenException.class,
                () -> ColumnBalancedEncoding.encode("W_a", pruned, quantized, mapping, 6)).getMessage();
        assertTrue(message.contains("W_a is not column-balanced") && message.contains("nonzeros of column")
                && message.contains("slice of 16 rows") && message.contains("density K / 16"), message);
    }

    @ParameterizedTest(name = "H={0} N={1} K={2} seed {3}")
    @CsvSource({"16, 4, 2, 61", "12, 3, 3, 62", "8, 8, 1, 63"})
    void storeWordsAndAccumulateAreTheMatrix(int hidden, int pes, int k, long seed) {
        System.out.println("ColumnBalancedEncodingTest store H=" + hidden + " N=" + pes + " K=" + k + " seed=" + seed);
        LayerWeights layer = SyntheticModel.generate(10, hidden, 6, false, seed);
        RowMapping mapping = RowMapping.gates(hidden, pes);
        double[][] pruned = Pruner.prune(layer.combinedInputMatrix(), k / (double) mapping.localRows(), mapping.pe(),
                pes, PruningMethod.CBTD);
        int weightBits = 6;
        long[][] quantized = Quantizer.quantize(pruned, new FixedFormat(weightBits, Quantizer.weightFracBits(pruned, weightBits)));
        ColumnBalancedEncoding e = ColumnBalancedEncoding.encode("W_a", pruned, quantized, mapping, 0);
        int entryBits = e.entryBits(weightBits);
        for (int a = 0; a < e.entriesPerPe(); a++) {
            java.math.BigInteger word = e.storeWord(a, weightBits);
            assertTrue(word.bitLength() <= pes * entryBits, "word " + a + " fits " + pes + " entries");
            for (int p = 0; p < pes; p++) {
                long entry = word.shiftRight(p * entryBits).longValue() & ((1L << entryBits) - 1);
                assertEquals(e.weights()[p][a], FixedFormat.signExtend(entry & ((1L << weightBits) - 1), weightBits),
                        "weight of PE " + p + " at " + a);
                assertEquals(e.rows()[p][a], entry >>> weightBits, "row of PE " + p + " at " + a);
            }
        }
        java.util.Random random = new java.util.Random(seed);
        long[] v = new long[e.cols()];
        long[][] memory = new long[pes][mapping.localRows()];
        FixedFormat wide = new FixedFormat(62, 0);
        for (int c = 0; c < e.cols(); c++) {
            v[c] = random.nextInt(201) - 100;
            e.accumulate(memory, c, v[c], wide);
        }
        int[][] global = mapping.globalRows();
        for (int p = 0; p < pes; p++) {
            for (int lr = 0; lr < mapping.localRows(); lr++) {
                long expected = 0;
                for (int c = 0; global[p][lr] >= 0 && c < e.cols(); c++) {
                    expected += quantized[global[p][lr]][c] * v[c];
                }
                assertEquals(expected, memory[p][lr], "M of PE " + p + " local row " + lr + " = W v");
            }
        }
    }
}
