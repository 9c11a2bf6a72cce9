package org.esegen.config;

import org.esegen.EsegenException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AcceleratorConfigTest {

    @Test
    void esePresetIsThePapersConfigurationWithBothDdrBanksAndDeeperQueues() {
        AcceleratorConfig ese = Presets.get("ese");
        assertEquals(32, ese.pes());
        assertEquals(12, ese.formats().weightBits());
        assertEquals(4, ese.formats().indexBits());
        assertEquals(16, ese.formats().actBits());
        assertEquals(200, ese.clockMhz());
        assertEquals(1024, ese.memory().axiDataBits(), "both 512-bit KU3 DDR3 banks side by side");
        assertEquals(64, ese.pe().actQueueDepth(), "ESE's queue holds 8; 64 cuts the PE coupling stalls");
        assertEquals(16, ese.entryBits());
    }

    @Test
    void overridesApplyAndRoundTripThroughTheFieldMap() {
        AcceleratorConfig c = Presets.resolve("tiny", List.of("pesPerChannel=7", "weightBits=6"));
        assertEquals(7, c.pes());
        assertEquals(6, c.formats().weightBits());
        assertEquals(c, AcceleratorConfig.fromFieldMap(c.toFieldMap()));
        assertEquals(AcceleratorConfig.FIELDS.size(), c.toFieldMap().size());
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "pesPerChannel=0; 'pesPerChannel' = 0",
            "weightBits=17; 'weightBits' = 17",
            "lutEntries=1000; power of two",
            "actFracBits=15; at most actBits - 2",
            "accBits=20; at least weightBits + actBits",
            "broadcastColumns=3; 'broadcastColumns' = 3 is invalid: allowed is a power of two in 1..2",
            "accumulatorBramChannels=2; 'accumulatorBramChannels' = 2 is invalid: it must be at most channels = 1",
            "nonsense=3; unknown field 'nonsense'",
            "channels=x; whole number",
            "channels; expected field=value"})
    void invalidValuesNameTheFieldAndTheRange(String override, String expectedText) {
        EsegenException e = assertThrows(EsegenException.class, () -> Presets.resolve("ese", List.of(override)));
        assertTrue(e.getMessage().contains(expectedText), e.getMessage());
    }

    @Test
    void twoBroadcastColumnsNeedAnEvenActivationQueue() {
        EsegenException e = assertThrows(EsegenException.class,
                () -> Presets.resolve("ese-onchip", List.of("actQueueDepth=7")));
        assertTrue(e.getMessage().contains("'actQueueDepth' = 7") && e.getMessage().contains("broadcastColumns = 2"),
                e.getMessage());
        assertEquals(7, Presets.resolve("ese", List.of("actQueueDepth=7")).pe().actQueueDepth());
    }

    @Test
    void unknownPresetListsTheKnownOnes() {
        EsegenException e = assertThrows(EsegenException.class, () -> Presets.get("huge"));
        assertTrue(e.getMessage().contains("tiny") && e.getMessage().contains("ese"), e.getMessage());
    }
}
