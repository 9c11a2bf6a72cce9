package org.esegen.cli.sweep;

import org.esegen.config.Presets;
import org.esegen.prune.PruningMethod;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shards partition the grid; grid order and ids are deterministic. */
class ShardTest {
    private static final Grid GRID = new Grid(List.of(4, 8, 16, 32), List.of(6, 8, 12, 16), List.of(16), List.of(4),
            List.of(1, 2), List.of(PruningMethod.GLOBAL, PruningMethod.ESE, PruningMethod.CBTD));

    @Test
    void shardsAreDisjointAndTheirUnionIsTheGrid() {
        List<Point> grid = GRID.points(Presets.get("ese"), 1.0);
        assertEquals(GRID.size(), grid.size());
        assertEquals(96, grid.size());
        for (int n : new int[]{1, 2, 3, 7, 96, 100}) {
            Set<String> union = new HashSet<>();
            int total = 0;
            for (int k = 1; k <= n; k++) {
                List<Point> slice = new Shard(k, n).select(grid);
                assertTrue(slice.size() >= grid.size() / n && slice.size() <= grid.size() / n + 1,
                        "shards are balanced within one point");
                for (Point p : slice) {
                    assertTrue(union.add(p.id()), p.id() + " in two shards of " + n);
                }
                total += slice.size();
            }
            assertEquals(grid.size(), total);
            assertEquals(new HashSet<>(grid.stream().map(Point::id).toList()), union);
        }
    }

    @Test
    void gridOrderAndIdsAreDeterministic() {
        List<Point> a = GRID.points(Presets.get("ese"), 1.0);
        List<Point> b = new Grid(List.of(32, 16, 8, 4), List.of(16, 12, 8, 6), List.of(16), List.of(4), List.of(2, 1),
                List.of(PruningMethod.CBTD, PruningMethod.GLOBAL, PruningMethod.ESE)).points(Presets.get("ese"), 1.0);
        assertEquals(a.stream().map(Point::id).toList(), b.stream().map(Point::id).toList(),
                "value order on the command line does not change the grid");
        assertEquals(a.get(50).config(), b.get(50).config());
        assertEquals("p0000-pes4-w6-a16-i4-c1-global", a.get(0).id());
        assertEquals("p0001-pes4-w6-a16-i4-c1-ese", a.get(1).id());
        assertEquals("p0095-pes32-w16-a16-i4-c2-cbtd", a.get(95).id());
        List<Integer> indices = new ArrayList<>();
        a.forEach(p -> indices.add(p.index()));
        for (int i = 0; i < indices.size(); i++) {
            assertEquals(i, indices.get(i));
        }
        Point p = a.get(24 + 18 + 3 + 1); // second PE count, fourth weight width, second channel count, ese
        assertEquals(8, p.config().pes());
        assertEquals(16, p.config().formats().weightBits());
        assertEquals(2, p.config().channels());
        assertEquals(PruningMethod.ESE, p.pruning());
    }

    @Test
    void actBitsKeepTheIntegerBits() {
        Grid g = new Grid(List.of(4), List.of(8), List.of(12, 16, 20), List.of(4), List.of(1),
                List.of(PruningMethod.ESE));
        List<Point> pts = g.points(Presets.get("ese").with("accBits", 40), 1.0);
        assertEquals(List.of(7, 11, 15), pts.stream().map(p -> p.config().formats().actFracBits()).toList());
    }

    @Test
    void shardParses() {
        assertEquals(new Shard(2, 8), Shard.parse("2/8"));
        assertEquals("3/4", Shard.parse(" 3 / 4 ").toString());
    }
}
