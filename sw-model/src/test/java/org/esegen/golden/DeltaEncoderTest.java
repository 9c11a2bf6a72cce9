package org.esegen.golden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.esegen.EsegenException;
import org.junit.jupiter.api.Test;

/** The delta unit's twin: the fire rule per column kind, v^ updated only where fired, and the cycle bound. */
class DeltaEncoderTest {

    @Test
    void firesOnTheColumnsThresholdAndRemembersOnlyWhatItSent() {
        DeltaEncoder encoder = new DeltaEncoder(4, 2, 3, 5);
        assertEquals(List.of(new DeltaEncoder.Fired(0, 3), new DeltaEncoder.Fired(2, -5)),
                encoder.fire(new long[] {3, 2, -5, 4}), "inputs fire from 3, recurrent columns from 5");
        assertArrayEquals(new long[] {3, 0, -5, 0}, encoder.sent());
        assertEquals(List.of(new DeltaEncoder.Fired(1, 4), new DeltaEncoder.Fired(3, 5)),
                encoder.fire(new long[] {3, 4, -1, 5}), "deltas against the last sent values, not the last seen");
        assertEquals(List.of(), encoder.fire(new long[] {3, 4, -1, 5}), "an unchanged vector fires nothing");
        assertEquals(2, encoder.firedInputs());
        assertEquals(2, encoder.firedRecurrent());
    }

    @Test
    void theCycleBoundIsTheBusiestArraysElementsOrMacs() {
        List<DeltaEncoder.Fired> fired = List.of(new DeltaEncoder.Fired(0, 1), new DeltaEncoder.Fired(4, 1),
                new DeltaEncoder.Fired(8, 1), new DeltaEncoder.Fired(1, 1));
        assertEquals(12, DeltaEncoder.cycleBound(fired, 10, 4, 4), "array 0: 3 fired columns x K 4");
        assertEquals(3, DeltaEncoder.cycleBound(fired, 10, 4, 1), "array 0 decides 3 elements");
        assertEquals(10, DeltaEncoder.cycleBound(List.of(), 10, 1, 4), "one array decides every element");
        assertThrows(EsegenException.class, () -> DeltaEncoder.cycleBound(fired, 10, 0, 4));
    }

    @Test
    void refusesBadShapesAndThresholds() {
        assertTrue(assertThrows(EsegenException.class, () -> new DeltaEncoder(4, 5, 1, 1)).getMessage()
                .contains("0 <= inputs <= columns"));
        assertTrue(assertThrows(EsegenException.class, () -> new DeltaEncoder(4, 2, 0, 1)).getMessage()
                .contains("at least 1"));
    }
}
