package org.esegen.hdl.units;

import static org.esegen.hdl.spinal.Hdl.add;
import static org.esegen.hdl.spinal.Hdl.and;
import static org.esegen.hdl.spinal.Hdl.assign;
import static org.esegen.hdl.spinal.Hdl.bool;
import static org.esegen.hdl.spinal.Hdl.boolConst;
import static org.esegen.hdl.spinal.Hdl.child;
import static org.esegen.hdl.spinal.Hdl.connect;
import static org.esegen.hdl.spinal.Hdl.named;
import static org.esegen.hdl.spinal.Hdl.not;
import static org.esegen.hdl.spinal.Hdl.regInit;
import static org.esegen.hdl.spinal.Hdl.uint;
import static org.esegen.hdl.spinal.Hdl.uintConst;
import static org.esegen.hdl.spinal.Hdl.when;

import java.util.List;

import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.UInt;
import spinal.lib.Stream;

/**
 * The run control shared by the layers that give each lane its own {@link Elementwise} unit
 * ({@link DeltaLayer}, {@link CirculantLayer}): loading the parameters, clearing the cell states and counting
 * from a {@code launch}. Each builds into the component under construction, with the same register names
 * in every layer.
 */
final class LayerControl {
    private LayerControl() {
    }

    /**
     * The bias then peephole words from {@code rows} into every unit (lane n of a row to unit n) through a
     * {@link ParamLoader}, started after reset and each {@code launch}; true once it has written them all.
     */
    static Bool loadParameters(List<Elementwise> units, Stream<Bits> rows, int actBits, int cellsPerUnitMax,
                               UInt cells, Bool launch) {
        ParamLoader loader = child("params_loader", new ParamLoader(units.size(), actBits, cellsPerUnitMax));
        connect(loader.rows, rows);
        Bool requested = regInit("params_requested", bool(), boolConst(true));
        assign(loader.start, requested);
        assign(loader.cellsPerPe, cells);
        when(requested, () -> assign(requested, boolConst(false)));
        when(launch, () -> assign(requested, boolConst(true)));
        for (int n = 0; n < units.size(); n++) {
            Elementwise unit = units.get(n);
            assign(unit.biasWriteValid, loader.biasWriteValid);
            assign(unit.biasWriteAddr, loader.biasWriteAddr);
            assign(unit.biasWriteData.get(0), loader.writeData.get(n));
            assign(unit.peepWriteValid, loader.peepWriteValid);
            assign(unit.peepWriteAddr, loader.peepWriteAddr);
            assign(unit.peepWriteData.get(0), loader.writeData.get(n));
        }
        return named("params_loaded", and(not(requested), not(loader.busy)));
    }

    /** Zeroes every unit's cell state after reset and each {@code launch}; true from the end of that pass on. */
    static Bool clearStates(List<Elementwise> units, Bool unitsReady, Bool launch) {
        Bool pending = regInit("clear_pending", bool(), boolConst(true));
        Bool cleared = regInit("state_cleared", bool(), boolConst(false));
        for (Elementwise unit : units) {
            assign(unit.resetState, and(pending, unitsReady));
        }
        when(unitsReady, () -> {
            assign(pending, boolConst(false));
            when(not(pending), () -> assign(cleared, boolConst(true)));
        });
        when(launch, () -> {
            assign(pending, boolConst(true));
            assign(cleared, boolConst(false));
        });
        return cleared;
    }

    /** Register {@code <name>_count}: cycles in which {@code event} held since reset or the last {@code launch}. */
    static UInt countSinceLaunch(String name, Bool event, Bool launch, int bits) {
        UInt count = regInit(name + "_count", uint(bits), uintConst(0, bits));
        when(event, () -> assign(count, add(count, uintConst(1, bits))));
        when(launch, () -> assign(count, uintConst(0, bits)));
        return count;
    }
}
