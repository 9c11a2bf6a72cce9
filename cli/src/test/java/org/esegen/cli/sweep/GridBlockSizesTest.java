package org.esegen.cli.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.esegen.config.Presets;
import org.esegen.prune.PruningMethod;
import org.esegen.rnn.CellKind;
import org.junit.jupiter.api.Test;

/** The block-size axis of a sweep (the circulant engine): point ids, configs and the sweep.json description. */
class GridBlockSizesTest {
    @Test
    void blockSizesAreTheInnermostAxisAndNamedForTheCirculantEngine() {
        Grid g = new Grid(List.of(32), List.of(16), List.of(16), List.of(4), List.of(1), List.of(PruningMethod.ESE),
                List.of(CellKind.LSTMP, CellKind.GRU), List.of(1), List.of(16, 4));
        List<Point> pts = g.points(Presets.get("ernn"), 1.0);
        assertEquals(List.of("p0000-pes32-w16-a16-i4-c1-ese-lstmp-onchip-b4", "p0001-pes32-w16-a16-i4-c1-ese-lstmp-onchip-b16",
                "p0002-pes32-w16-a16-i4-c1-ese-gru-onchip-b4", "p0003-pes32-w16-a16-i4-c1-ese-gru-onchip-b16"),
                pts.stream().map(Point::id).toList());
        assertEquals(List.of(4, 16, 4, 16), pts.stream().map(p -> p.config().engine().circulantBlock()).toList());
        assertEquals(List.of(4, 16), g.describe().get("block-sizes"));
        Grid sparse = new Grid(List.of(2), List.of(12), List.of(16), List.of(4), List.of(1), List.of(PruningMethod.ESE));
        assertTrue(!sparse.describe().containsKey("block-sizes"));
        assertEquals("p0000-pes2-w12-a16-i4-c1-ese", sparse.points(Presets.get("tiny"), 0.3).get(0).id());
    }
}
