package org.esegen.hdl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.esegen.config.AcceleratorConfig;
import org.esegen.config.Presets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The PE-to-unit mapping of the sparse engine's element-wise units: a bijection between PEs and
 * non-padding (unit, index) slots, interleaved exactly when N = U G with U a power of two above 1,
 * and then the slot order of the units (all in lockstep) completes the cells in column order.
 * (The hardware side, {@code columnsDone}, {@code slotOf} and {@code unitOf}, runs in every
 * accelerator co-simulation; {@code EseAcceleratorCosimulationTest} covers both mappings.)
 */
class ElementwiseGroupsTest {

    @ParameterizedTest(name = "N {0}, G {1}")
    @CsvSource({"64, 16, true", "64, 8, true", "32, 8, true", "8, 2, true", "4, 4, false", "3, 2, false",
            "48, 16, false", "12, 8, false", "64, 1, true", "1, 1, false", "5, 1, false"})
    void everyPeHasOneSlotAndTheInterleavedOrderIsColumnOrder(int pes, int group, boolean interleaved) {
        AcceleratorConfig config = Presets.get("ese").with(java.util.Map.of("pesPerChannel", pes,
                "pesPerElementwise", group));
        ElementwiseGroups groups = ElementwiseGroups.of(config);
        assertEquals(interleaved, groups.interleaved(), groups.toString());

        List<Integer> seen = new ArrayList<>();
        for (int u = 0; u < groups.units(); u++) {
            for (int index = 0; index < groups.group(); index++) {
                int p = groups.peAt(u, index);
                if (p < pes) {
                    assertEquals(u, groups.unitOf(p));
                    assertEquals(index, groups.indexOf(p));
                    seen.add(p);
                }
            }
        }
        Collections.sort(seen);
        List<Integer> all = new ArrayList<>();
        for (int p = 0; p < pes; p++) {
            all.add(p);
        }
        assertEquals(all, seen);

        if (interleaved) {
            // slot j of every unit holds PEs jU .. jU + U - 1: consecutive columns
            for (int index = 0; index < groups.group(); index++) {
                for (int u = 0; u < groups.units(); u++) {
                    assertEquals(index * groups.units() + u, groups.peAt(u, index));
                }
            }
        } else {
            assertTrue(groups.units() == 1 || groups.peAt(1, 0) == groups.group());
        }
    }
}
