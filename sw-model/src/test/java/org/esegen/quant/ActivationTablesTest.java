package org.esegen.quant;

import org.esegen.config.AcceleratorConfig;
import org.esegen.config.Presets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ActivationTablesTest {

    @ParameterizedTest
    @ValueSource(strings = {"tiny", "ese"})
    void tablesFollowTheDocumentedIndexAndMidpoint(String preset) {
        AcceleratorConfig c = Presets.get(preset);
        long[] sig = ActivationTables.sigmoid(c);
        long[] tanh = ActivationTables.tanh(c);
        assertEquals(c.lut().lutEntries(), sig.length);
        double lsb = c.activationFormat().lsb();
        double stepReal = 2.0 * c.lut().lutInputRange() / c.lut().lutEntries();
        for (int i = 0; i < sig.length; i++) {
            assertTrue(i == 0 || sig[i] >= sig[i - 1], "sigmoid monotonic at " + i);
            assertTrue(i == 0 || tanh[i] >= tanh[i - 1], "tanh monotonic at " + i);
            double x = -c.lut().lutInputRange() + i * stepReal;
            assertTrue(Math.abs(sig[i] * lsb - 1 / (1 + Math.exp(-x))) <= stepReal / 4 + lsb, "sigmoid entry " + i);
            assertTrue(Math.abs(tanh[i] * lsb - Math.tanh(x)) <= stepReal + lsb, "tanh entry " + i);
        }
        long offset = ActivationTables.inputOffsetRaw(c);
        assertEquals(0, ActivationTables.index(c, -offset));
        assertEquals(0, ActivationTables.index(c, c.activationFormat().minRaw()));
        assertEquals(c.lut().lutEntries() - 1, ActivationTables.index(c, offset));
        assertEquals(c.lut().lutEntries() - 1, ActivationTables.index(c, c.activationFormat().maxRaw()));
        assertEquals(c.lut().lutEntries() / 2, ActivationTables.index(c, 0));
    }
}
