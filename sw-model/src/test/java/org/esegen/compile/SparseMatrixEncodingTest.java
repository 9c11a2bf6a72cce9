package org.esegen.compile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Encode then decode gives back the quantized matrix exactly. */
class SparseMatrixEncodingTest {

    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> b = Stream.builder();
        int id = 0;
        for (int pes : new int[]{1, 2, 3, 4, 7, 8, 16, 33}) {
            for (int indexBits : new int[]{1, 2, 4, 8}) {
                for (double density : new double[]{0.0, 0.01, 0.112, 0.5, 1.0}) {
                    b.add(Arguments.of(id++, pes, indexBits, density));
                }
            }
        }
        return b.build();
    }

    @ParameterizedTest(name = "case {0}: pes={1} indexBits={2} density={3}")
    @MethodSource("cases")
    void gateAndProjectionMatricesRoundTrip(int id, int pes, int indexBits, double density) {
        long seed = 1000L + id;
        System.out.println("SparseMatrixEncodingTest case " + id + " seed=" + seed);
        SplittableRandom rnd = new SplittableRandom(seed);
        int hidden = 1 + rnd.nextInt(40);
        int cols = 1 + rnd.nextInt(50);
        long[][] gates = randomSparse(rnd, 4 * hidden, cols, density, 12);
        zeroSomeRowsAndColumns(rnd, gates);
        check(gates, RowMapping.gates(hidden, pes), indexBits);
        long[][] proj = randomSparse(rnd, 1 + rnd.nextInt(40), hidden, density, 8);
        zeroSomeRowsAndColumns(rnd, proj);
        check(proj, RowMapping.interleaved(proj.length, pes), indexBits);
    }

    @Test
    void gapsLongerThanTheIndexCostPaddingEntries() {
        long[][] m = new long[64][1];
        m[63][0] = 5;
        SparseMatrixEncoding e = SparseMatrixEncoding.encode("m", m, RowMapping.interleaved(64, 1), 0, 2);
        // 63 zeros before the entry; each padding entry skips 3 zeros and lands on one more: 63 = 15 * 4 + 3
        assertEquals(15, e.totalPadding());
        assertEquals(16, e.totalEntries());
        assertEquals(3, e.indices()[0][15]);
        assertArrayEquals(m[63], e.decode()[63]);
    }

    @Test
    void paddingIsFoldedIntoTheNextEntryOfItsColumn() {
        // one PE, index 1 bit (gap <= 1): column 0 rows 3 and 9, column 1 row 0, column 2 empty
        long[][] m = new long[10][3];
        m[3][0] = 7;
        m[9][0] = -2;
        m[0][1] = 1;
        SparseMatrixEncoding e = SparseMatrixEncoding.encode("m", m, RowMapping.interleaved(10, 1), 0, 1);
        // column 0: pad, 7, pad, pad, -2 -> {pad, 7}, {pad, pad}, {-2}; column 1: {1}; column 2: nothing
        assertArrayEquals(new int[]{0, 7, 0, 0, -2, 1}, e.weights()[0]);
        assertEquals(4, e.cycles(0));
        assertEquals(4, e.maxCycles());
        assertEquals(6, e.maxEntries());
        assertEquals(3, e.maxNonzeros());
    }

    private static void check(long[][] m, RowMapping mapping, int indexBits) {
        SparseMatrixEncoding e = SparseMatrixEncoding.encode("m", m, mapping, 3, indexBits);
        long[][] decoded = e.decode();
        for (int r = 0; r < m.length; r++) {
            assertArrayEquals(m[r], decoded[r], "row " + r);
        }
        long nonzeros = 0;
        for (long[] row : m) {
            for (long v : row) {
                nonzeros += v != 0 ? 1 : 0;
            }
        }
        assertEquals(nonzeros, e.totalNonzeros());
        for (int p = 0; p < mapping.pes(); p++) {
            for (int idx : e.indices()[p]) {
                assertTrue(idx >= 0 && idx < (1 << indexBits));
            }
            assertEquals(e.entries(p), e.pointers()[p][e.cols()]);
            int peNonzeros = e.entries(p) - e.padding()[p];
            assertTrue(e.cycles(p) >= peNonzeros && e.cycles(p) <= e.entries(p),
                    "PE " + p + ": cycles " + e.cycles(p) + " outside nonzeros " + peNonzeros + " .. entries " + e.entries(p));
            if (e.padding()[p] == 0) {
                assertEquals(e.entries(p), e.cycles(p), "PE " + p + " without padding: a cycle per entry");
            }
        }
    }

    static long[][] randomSparse(SplittableRandom rnd, int rows, int cols, double density, int bits) {
        long[][] m = new long[rows][cols];
        long max = (1L << (bits - 1)) - 1;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                if (rnd.nextDouble() < density) {
                    long v = rnd.nextLong(-max - 1, max + 1);
                    m[r][c] = v;
                }
            }
        }
        return m;
    }

    private static void zeroSomeRowsAndColumns(SplittableRandom rnd, long[][] m) {
        if (m.length > 2) {
            java.util.Arrays.fill(m[rnd.nextInt(m.length)], 0);
        }
        int c = rnd.nextInt(m[0].length);
        for (long[] row : m) {
            row[c] = 0;
        }
    }
}
