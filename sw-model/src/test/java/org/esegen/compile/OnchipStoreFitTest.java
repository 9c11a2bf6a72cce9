package org.esegen.compile;

import org.esegen.EsegenException;
import org.esegen.config.AcceleratorConfig;
import org.esegen.config.Presets;
import org.esegen.io.SyntheticModel;
import org.esegen.prune.PruningMethod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The on-chip weight store's sizes and the compiler's fit checks. */
class OnchipStoreFitTest {

    @Test
    void eseOnchipIsEsePlusTheStoreTunedForLatency() {
        AcceleratorConfig ese = Presets.get("ese");
        AcceleratorConfig onchip = Presets.get("ese-onchip");
        assertEquals(ese.with(java.util.Map.of("weightStore", AcceleratorConfig.ONCHIP_STORE, "broadcastColumns", 2,
                "actQueueDepth", 1024, "entryFifoDepth", 2048, "pesPerElementwise", 4, "gatherLanes", 4)), onchip);
        assertEquals(0, ese.onchipStoreBram36());
        assertEquals(ese.with(java.util.Map.of("weightStore", AcceleratorConfig.ONCHIP_STORE, "dspAccumulate", 1,
                "channels", 35)), Presets.get("ese-throughput"));
        assertEquals(Presets.get("ese-throughput").with(java.util.Map.of("pesPerChannel", 64, "channels", 26,
                "accumulatorBramChannels", 18, "pesPerElementwise", 16, "actQueueDepth", 32)),
                Presets.get("ese-throughput-64"));
    }

    /**
     * Rows and block RAM by hand: 2^19 entries in rows of 2N entries; a row is 2N x 16 bits (12-bit
     * weights, 4-bit indices), packed 72 bits x 512 or 36 x 1024 a RAMB36, whichever takes fewer; the
     * pointer store holds (256 + 512 + 2) / 2 + (1024 + 2) / 2 = 898 rows of 2N x 16 bits.
     */
    @ParameterizedTest(name = "{0} PEs")
    @CsvSource({"32, 8192, 261", "64, 4096, 285", "128, 2048, 342"})
    void storeSizes(int pes, int rows, long bram36) {
        AcceleratorConfig c = Presets.get("ese-onchip").with("pesPerChannel", pes);
        assertEquals(rows, c.onchipEntryRows());
        assertEquals(898, c.onchipPointerRows());
        assertEquals(bram36, c.onchipStoreBram36());
    }

    @Test
    void aLayerWhoseRowsDoNotFitIsRefusedWithTheNumbers() {
        AcceleratorConfig c = Presets.get("tiny").with(java.util.Map.of("weightStore", 1, "onchipEntries", 1024));
        EsegenException e = assertThrows(EsegenException.class, () -> Compiler.compile(c,
                SyntheticModel.generate(64, 64, 64, true, 3), PruningMethod.GLOBAL, 1.0));
        assertTrue(e.getMessage().contains("the on-chip weight store holds 128 entry rows")
                && e.getMessage().contains("raise onchipEntries to"), e.getMessage());
        CompiledModel fits = Compiler.compile(c.with("onchipEntries", 2048), SyntheticModel.generate(16, 32, 16, true,
                3), PruningMethod.ESE, 0.25);
        assertTrue(fits.layer(0).wa().maxEntries() > 0);
    }

    @Test
    void aStoreLargerThanTheDeviceIsRefused() {
        AcceleratorConfig c = Presets.get("ese-onchip").with("onchipEntries", 1 << 24);
        EsegenException e = assertThrows(EsegenException.class, () -> Compiler.compile(c,
                SyntheticModel.generate(32, 64, 32, true, 3), PruningMethod.ESE, 0.1));
        assertTrue(e.getMessage().contains("more than the XCKU060's 1080"), e.getMessage());
    }
}
