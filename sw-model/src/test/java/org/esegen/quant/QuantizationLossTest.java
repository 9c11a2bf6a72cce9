package org.esegen.quant;

import org.esegen.fixed.FixedFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuantizationLossTest {
    private static final FixedFormat Q4_4 = new FixedFormat(8, 4);

    @ParameterizedTest
    @CsvSource({
            // value, zeroed, saturated: lsb 1/16, range [-8, 7.9375]
            "0.0, 0, 0", "1e-300, 1, 0", "0.031, 1, 0", "0.032, 0, 0", "-0.03125, 1, 0", "-0.0313, 0, 0", "7.9375, 0, 0",
            "7.96875, 0, 1", "7.96, 0, 0", "-8.0, 0, 0", "-8.03125, 0, 0", "-8.04, 0, 1", "1e30, 0, 1", "-1e30, 0, 1"})
    void countsEachValueAsQuantizeDoes(double value, int zeroed, int saturated) {
        QuantizationLoss loss = QuantizationLoss.of("t", new double[]{value}, Q4_4);
        assertEquals(value == 0 ? 0 : 1, loss.nonzeros());
        assertEquals(zeroed, loss.zeroed(), "zeroed " + value);
        assertEquals(saturated, loss.saturated(), "saturated " + value);
        if (zeroed == 1) {
            assertEquals(0, Q4_4.quantize(value));
        }
        if (saturated == 1) {
            long raw = Q4_4.quantize(value);
            assertTrue(raw == Q4_4.maxRaw() || raw == Q4_4.minRaw());
        }
    }

    @Test
    void warnsAboveTheStatedFractionOnly() {
        double[] values = new double[100];
        java.util.Arrays.fill(values, 1.0);
        for (int k = 0; k < 5; k++) {
            values[k] = 1e-9;
        }
        assertFalse(QuantizationLoss.of("W_a", values, Q4_4).warns(), "5 of 100 is not above 5 %");
        values[5] = 1e9;
        values[6] = 1e-9;
        QuantizationLoss loss = QuantizationLoss.of("W_a", values, Q4_4);
        assertTrue(loss.warns(), "6 of 100 zeroed");
        assertTrue(loss.message().contains("W_a zeroes 6 and saturates 1 of its 100 nonzero values"), loss.message());
        assertEquals(1, QuantizationLoss.warnings(java.util.List.of(loss, QuantizationLoss.of("b", new double[]{1},
                Q4_4))).size());
    }
}
