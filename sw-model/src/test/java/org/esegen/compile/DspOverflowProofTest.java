package org.esegen.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.esegen.EsegenException;
import org.esegen.config.AcceleratorConfig;
import org.esegen.config.Presets;
import org.esegen.io.SyntheticModel;
import org.esegen.prune.PruningMethod;
import org.junit.jupiter.api.Test;

/**
 * With {@code dspAccumulate = 1} the accumulators wrap instead of saturating, so the compiler proves that no
 * row's partial sum can leave accBits (sum of the row's weight magnitudes x 2^(actBits-1)) and refuses the
 * image otherwise; the timing twin counts the DSP48E2 holds.
 */
class DspOverflowProofTest {

    /** The smallest accBits the proof accepts for a compiled model: the widest any of its matrices needs. */
    private static int neededAccBits(CompiledModel compiled) {
        int actBits = compiled.config().formats().actBits();
        return compiled.matrices().stream().mapToInt(m -> m.accBitsWithoutOverflow(actBits)).max().orElse(0);
    }

    @Test
    void theEseBenchmarkModelFitsThirtyTwoBitAccumulators() {
        AcceleratorConfig c = Presets.get("ese-onchip").with("dspAccumulate", 1);
        CompiledModel compiled = Compiler.compile(c, SyntheticModel.generate(153, 1024, 512, true, 1),
                PruningMethod.ESE, 0.112);
        int needed = neededAccBits(compiled);
        System.out.println("ESE benchmark model: the no-overflow proof needs accBits " + needed);
        assertTrue(needed <= 32, "needs " + needed);
    }

    @Test
    void anImageThatCouldOverflowIsRefusedWithItsRow() {
        AcceleratorConfig fabric = Presets.get("tiny").with(Map.of("weightBits", 12, "actBits", 16, "accBits", 48));
        CompiledModel compiled = Compiler.compile(fabric, SyntheticModel.generate(16, 32, 16, true, 3),
                PruningMethod.ESE, 0.5);
        int needed = neededAccBits(compiled);
        assertTrue(needed > 28 && needed < 48, "needs " + needed);

        AcceleratorConfig tight = fabric.with(Map.of("dspAccumulate", 1, "accBits", needed - 1));
        EsegenException e = assertThrows(EsegenException.class, () -> Compiler.compile(tight,
                SyntheticModel.generate(16, 32, 16, true, 3), PruningMethod.ESE, 0.5));
        assertTrue(e.getMessage().contains("could overflow the accumulators") && e.getMessage().contains(" row ")
                && e.getMessage().contains("raise accBits to at least " + needed), e.getMessage());

        CompiledModel enough = Compiler.compile(fabric.with(Map.of("dspAccumulate", 1, "accBits", needed)),
                SyntheticModel.generate(16, 32, 16, true, 3), PruningMethod.ESE, 0.5);
        assertEquals(compiled.matrices().size(), enough.matrices().size());
    }

    @Test
    void holdsAreCountedWhereARowComesBackAfterAnother() {
        // one PE, two rows; matrices given column by column
        long[][] q = {{1, 0, 0, 0}, {0, 0, 0, 0}};
        long[][] a = {{5, 0}, {7, 3}, {0, 4}, {9, 0}};
        SparseMatrixEncoding held = SparseMatrixEncoding.encode("A", transpose(a), RowMapping.interleaved(2, 1), 0, 4);
        // columns: c0 rows {0}, c1 rows {0, 1}, c2 rows {1}, c3 rows {0}: MAC rows 0, 0, 1, 1, 0 -> no hold
        assertEquals(0, held.dspHolds(0));
        long[][] b = {{5, 0}, {0, 3}, {9, 0}};
        SparseMatrixEncoding hold = SparseMatrixEncoding.encode("B", transpose(b), RowMapping.interleaved(2, 1), 0, 4);
        // MAC rows 0, 1, 0: the third waits a cycle
        assertEquals(1, hold.dspHolds(0));
        assertEquals(3, hold.cycles(0));
        assertEquals(0, SparseMatrixEncoding.encode("Q", q, RowMapping.interleaved(2, 1), 0, 4).dspHolds(0));
    }

    private static long[][] transpose(long[][] byColumn) {
        long[][] m = new long[byColumn[0].length][byColumn.length];
        for (int c = 0; c < byColumn.length; c++) {
            for (int r = 0; r < byColumn[c].length; r++) {
                m[r][c] = byColumn[c][r];
            }
        }
        return m;
    }
}
