package org.esegen.hdl.units;

import static org.esegen.hdl.spinal.Hdl.and;
import static org.esegen.hdl.spinal.Hdl.assign;
import static org.esegen.hdl.spinal.Hdl.bits;
import static org.esegen.hdl.spinal.Hdl.bool;
import static org.esegen.hdl.spinal.Hdl.boolConst;
import static org.esegen.hdl.spinal.Hdl.equal;
import static org.esegen.hdl.spinal.Hdl.hardType;
import static org.esegen.hdl.spinal.Hdl.inBool;
import static org.esegen.hdl.spinal.Hdl.inUInt;
import static org.esegen.hdl.spinal.Hdl.masterStream;
import static org.esegen.hdl.spinal.Hdl.mux;
import static org.esegen.hdl.spinal.Hdl.named;
import static org.esegen.hdl.spinal.Hdl.not;
import static org.esegen.hdl.spinal.Hdl.or;
import static org.esegen.hdl.spinal.Hdl.regInit;
import static org.esegen.hdl.spinal.Hdl.slaveStream;
import static org.esegen.hdl.spinal.Hdl.slice;
import static org.esegen.hdl.spinal.Hdl.sub;
import static org.esegen.hdl.spinal.Hdl.uint;
import static org.esegen.hdl.spinal.Hdl.uintConst;
import static org.esegen.hdl.spinal.Hdl.when;

import org.esegen.EsegenException;
import org.esegen.hdl.spinal.JavaComponent;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.UInt;
import spinal.lib.Stream;

/**
 * Splits rows that hold two consecutive rows side by side (the low half first, as the pointer
 * sections do: {@code ImageLayout.pointerPacking}) into single rows, a known number per matrix.
 *
 * <p>{@code start} (a pulse, only when no row of the previous matrix is left to send) samples
 * {@code rows}, the single rows of the matrix; the unit then sends exactly that many on
 * {@code singles}, low half then high half of each pair taken from {@code pairs}, and drops the
 * unused high half of the matrix's last pair when {@code rows} is odd. The next matrix's pairs wait
 * on {@code pairs} until the next start.
 *
 * <p>Ports: {@code start} in; {@code rows} in (UInt countBits); stream {@code pairs} (slave, Bits
 * 2 rowBits); stream {@code singles} (master, Bits rowBits). Combinational from {@code pairs} to
 * {@code singles} (no latency); one single row per cycle.
 */
public final class PairSplitter extends JavaComponent {
    public final Bool start;
    public final UInt rows;
    public final Stream<Bits> pairs;
    public final Stream<Bits> singles;

    /**
     * @param rowBits   bits of one single row, 1..4096
     * @param countBits width of {@code rows}, 1..32
     * @throws EsegenException if a parameter is out of range
     */
    public PairSplitter(int rowBits, int countBits) {
        super(validated(rowBits, countBits));
        start = inBool("start");
        rows = inUInt("rows", countBits);
        pairs = slaveStream("pairs", hardType(() -> bits(2 * rowBits)));
        singles = masterStream("singles", hardType(() -> bits(rowBits)));

        UInt remaining = regInit("remaining", uint(countBits), uintConst(0, countBits));
        Bool high = regInit("high", bool(), boolConst(false));
        Bool active = named("active", not(equal(remaining, uintConst(0, countBits))));
        Bool last = named("last", equal(remaining, uintConst(1, countBits)));
        assign(singles.valid(), and(pairs.valid(), active));
        assign(singles.payload(), mux(high, slice(pairs.payload(), rowBits, rowBits), slice(pairs.payload(), 0, rowBits)));
        Bool sent = named("sent", and(singles.valid(), singles.ready()));
        assign(pairs.ready(), and(and(active, singles.ready()), or(high, last)));
        when(sent, () -> {
            assign(remaining, sub(remaining, uintConst(1, countBits)));
            assign(high, and(not(high), not(last)));
        });
        when(start, () -> {
            assign(remaining, rows);
            assign(high, boolConst(false));
        });
    }

    private static String validated(int rowBits, int countBits) {
        if (rowBits < 1 || rowBits > 4096) {
            throw new EsegenException("PairSplitter: rowBits " + rowBits + " is outside 1..4096");
        }
        if (countBits < 1 || countBits > 32) {
            throw new EsegenException("PairSplitter: countBits " + countBits + " is outside 1..32");
        }
        return "PairSplitter";
    }
}
