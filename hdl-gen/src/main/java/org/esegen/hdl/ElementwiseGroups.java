package org.esegen.hdl;

import static org.esegen.hdl.spinal.Hdl.add;
import static org.esegen.hdl.spinal.Hdl.mul;
import static org.esegen.hdl.spinal.Hdl.shiftLeft;
import static org.esegen.hdl.spinal.Hdl.shiftRight;
import static org.esegen.hdl.spinal.Hdl.uintConst;
import static org.esegen.hdl.spinal.Hdl.widthFor;

import org.esegen.config.AcceleratorConfig;
import spinal.core.UInt;

/**
 * Which element-wise unit serves which PE of the sparse engine: U = ceil(N / G) units of G PEs each
 * (G = {@link AcceleratorConfig#elementwiseGroup()}). Every unit walks its slots s = l G + j (local
 * cell l of its PE j) in the same cycles, so the order in which the m of the cells c = l N + p are
 * written is set by this mapping, and SpMV 2 reads m in column order c = 0, 1, ...
 * <ul>
 *   <li><b>interleaved</b> when N = U G with U a power of two above 1: PE p is PE j = p / U of unit
 *       p mod U. Slot s of every unit completes cells lN + jU .. lN + jU + U - 1: the units together
 *       write m in column order, U values every {@value org.esegen.hdl.units.Elementwise#CYCLES_PER_CELL}
 *       cycles.</li>
 *   <li><b>contiguous</b> otherwise: PE p is PE p mod G of unit p / G (PEs past N are padding
 *       slots). Then SpMV 2 waits a slot period for each of the first G columns of every local cell
 *       and finds the other N - G written already.</li>
 * </ul>
 *
 * @param pes   N, PEs per channel
 * @param group G, PEs per unit (a power of two)
 * @param units U, units per channel
 */
record ElementwiseGroups(int pes, int group, int units) {

    /** The mapping of {@code config}'s sparse engine. */
    static ElementwiseGroups of(AcceleratorConfig config) {
        return new ElementwiseGroups(config.pes(), config.elementwiseGroup(), config.elementwiseUnits());
    }

    /** Whether the mapping is the interleaved one: N = U G with U a power of two above 1. */
    boolean interleaved() {
        return units > 1 && Integer.bitCount(units) == 1 && units * group == pes;
    }

    /** The unit serving PE {@code p}. */
    int unitOf(int p) {
        return interleaved() ? p % units : p / group;
    }

    /** PE {@code p}'s index among its unit's G PEs (its lane in the bias and peephole words). */
    int indexOf(int p) {
        return interleaved() ? p / units : p % group;
    }

    /** The PE at index {@code index} of unit {@code unit}; N or more for a padding slot. */
    int peAt(int unit, int index) {
        return interleaved() ? index * units + unit : unit * group + index;
    }

    private int groupBits() {
        return Integer.numberOfTrailingZeros(group);
    }

    private int unitBits() {
        return Integer.numberOfTrailingZeros(units);
    }

    /**
     * The columns of SpMV 2 whose m every unit has written, from the slots one unit has completed
     * ({@code cells_done}; the units run in lockstep): whole local cells s / G of every PE, then the
     * PEs whose index is below s mod G.
     */
    UInt columnsDone(UInt slotsDone) {
        int peWidth = widthFor(pes);
        if (group == 1) {
            return mul(slotsDone, uintConst(pes, peWidth));
        }
        UInt wholeCells = mul(shiftRight(slotsDone, groupBits()), uintConst(pes, peWidth));
        int width = slotsDone.getWidth() + peWidth;
        UInt index = slotsDone.resize(groupBits());
        UInt partial = interleaved() ? shiftLeft(index.resize(width - unitBits()), unitBits()) : index.resize(width);
        return add(wholeCells, partial);
    }

    /**
     * The slot holding m of cell c = {@code localCell} N + {@code pe} in its unit: l G plus the PE's
     * index, as wide as the sum needs (the caller clamps it to the slot address).
     */
    UInt slotOf(UInt localCell, UInt pe) {
        if (group == 1) {
            return localCell;
        }
        UInt index = (interleaved() ? shiftRight(pe, unitBits()) : pe).resize(groupBits());
        UInt cellSlots = shiftLeft(localCell, groupBits());
        return add(cellSlots, index.resize(cellSlots.getWidth()));
    }

    /** The unit holding m of PE {@code pe}'s cells. */
    UInt unitOf(UInt pe) {
        return interleaved() ? pe.resize(unitBits()) : shiftRight(pe, groupBits());
    }
}
