package org.esegen.cli.sweep;

import org.esegen.EsegenException;
import org.esegen.config.AcceleratorConfig;
import org.esegen.config.Presets;
import org.esegen.prune.PruningMethod;
import org.esegen.rnn.CellKind;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The weight-store axis of a sweep: parsing, point ids and the configurations it sets. */
class GridStoresTest {

    @Test
    void storesAreTheInnermostAxisAndNamedWhenOnchipIsSwept() {
        Grid g = new Grid(List.of(2, 4), List.of(12), List.of(16), List.of(4), List.of(1), List.of(PruningMethod.ESE),
                List.of(CellKind.LSTMP), Grid.parseStores("onchip,ddr"));
        List<Point> pts = g.points(Presets.get("tiny"), 0.3);
        assertEquals(List.of("p0000-pes2-w12-a16-i4-c1-ese-ddr", "p0001-pes2-w12-a16-i4-c1-ese-onchip",
                "p0002-pes4-w12-a16-i4-c1-ese-ddr", "p0003-pes4-w12-a16-i4-c1-ese-onchip"),
                pts.stream().map(Point::id).toList());
        assertEquals(List.of(false, true, false, true), pts.stream().map(p -> p.config().onchipWeights()).toList());
        assertEquals(List.of("ddr", "onchip"), g.describe().get("stores"));
        Grid ddrOnly = new Grid(List.of(2), List.of(12), List.of(16), List.of(4), List.of(1),
                List.of(PruningMethod.ESE));
        assertEquals("p0000-pes2-w12-a16-i4-c1-ese", ddrOnly.points(Presets.get("tiny"), 0.3).get(0).id());
        assertTrue(!ddrOnly.describe().containsKey("stores"));
        assertEquals(AcceleratorConfig.DDR_STORE, ddrOnly.points(Presets.get("tiny"), 0.3).get(0).config()
                .memory().weightStore());
    }

    @Test
    void badStoresAreRefused() {
        assertTrue(assertThrows(EsegenException.class, () -> Grid.parseStores("ddr,bram")).getMessage()
                .contains("'bram' is not a weight store; allowed are ddr, onchip"));
        assertTrue(assertThrows(EsegenException.class, () -> Grid.parseStores("ddr,ddr")).getMessage()
                .contains("listed twice"));
        assertTrue(assertThrows(EsegenException.class, () -> Grid.parseStores("")).getMessage()
                .contains("the list is empty"));
    }
}
