package org.esegen.rnn;

import org.esegen.EsegenException;
import org.esegen.io.SyntheticModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Delta networks in float: threshold 0 is the plain network, a large one fires nothing, firing is counted. */
class DeltaReferenceTest {

    @ParameterizedTest(name = "{0}")
    @EnumSource(CellKind.class)
    void thresholdZeroIsThePlainNetworkAndLargeThresholdsFireNothing(CellKind cell) {
        long seed = 41 + cell.ordinal();
        System.out.println("DeltaReferenceTest " + cell + " seed=" + seed);
        LayerStack stack = SyntheticModel.stack(cell, 5, new int[]{7, 6}, new int[]{4, 3}, cell == CellKind.LSTMP, seed);
        double[][] x = SyntheticModel.frames(15, 5, seed);
        double[][] plain = FloatReference.run(stack, x);
        DeltaReference.Result every = DeltaReference.run(stack, x, 0, 0);
        for (int t = 0; t < x.length; t++) {
            assertArrayEquals(plain[t], every.outputs()[t], 1e-9, "frame " + t);
        }
        assertArrayEquals(new double[]{1, 1}, every.firedInputs(), 0.0, "threshold 0: every input element fires");

        DeltaReference.Result none = DeltaReference.run(stack, x, 1e9, 1e9);
        assertArrayEquals(new double[]{0, 0}, none.firedInputs(), 0.0);
        assertArrayEquals(new double[]{0, 0}, none.firedStates(), 0.0);
        DeltaReference.Result some = DeltaReference.run(stack, x, 0.5, 0.05);
        assertTrue(some.firedInputs()[0] > 0 && some.firedInputs()[0] < 1, "theta 0.5 on AR(1) frames fires some: "
                + some.firedInputs()[0]);
    }

    /** One input, one GRU cell, all weights 1, biases 0: firing follows |x - x^| >= theta by hand. */
    @Test
    void firingFollowsTheLastSentValue() {
        double[][] one = {{1}, {1}, {1}};
        LayerWeights gru = new LayerWeights(0, CellKind.GRU, 1, 1, 1, one, one, new double[3], new double[3], null,
                null, null, null);
        double[][] x = {{0.3}, {0.5}, {0.9}, {0.95}};
        DeltaReference.Result r = DeltaReference.run(LayerStack.of(gru), x, 0.4, 10);
        // 0.3 - 0 < 0.4: no; 0.5 - 0 >= 0.4: fires (x^ = 0.5); 0.9 - 0.5 >= 0.4: fires; 0.95 - 0.9: no
        assertEquals(2 / 4.0, r.firedInputs()[0], 0.0);
        assertEquals(0, r.firedStates()[0], 0.0);
        assertEquals(r.outputs()[0][0], 0.0, 0.0, "nothing sent yet: M = bias = 0, h = (1 - 0.5) tanh(0) = 0");
        assertThrows(EsegenException.class, () -> DeltaReference.run(LayerStack.of(gru), x, -1, 0));
    }
}
