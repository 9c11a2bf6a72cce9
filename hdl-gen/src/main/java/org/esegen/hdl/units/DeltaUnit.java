package org.esegen.hdl.units;

import static org.esegen.hdl.spinal.Hdl.add;
import static org.esegen.hdl.spinal.Hdl.and;
import static org.esegen.hdl.spinal.Hdl.asSInt;
import static org.esegen.hdl.spinal.Hdl.asUInt;
import static org.esegen.hdl.spinal.Hdl.assign;
import static org.esegen.hdl.spinal.Hdl.bits;
import static org.esegen.hdl.spinal.Hdl.bool;
import static org.esegen.hdl.spinal.Hdl.boolConst;
import static org.esegen.hdl.spinal.Hdl.concatLowFirst;
import static org.esegen.hdl.spinal.Hdl.equal;
import static org.esegen.hdl.spinal.Hdl.hardType;
import static org.esegen.hdl.spinal.Hdl.inBool;
import static org.esegen.hdl.spinal.Hdl.inUInt;
import static org.esegen.hdl.spinal.Hdl.lessThan;
import static org.esegen.hdl.spinal.Hdl.masterStream;
import static org.esegen.hdl.spinal.Hdl.mux;
import static org.esegen.hdl.spinal.Hdl.named;
import static org.esegen.hdl.spinal.Hdl.not;
import static org.esegen.hdl.spinal.Hdl.or;
import static org.esegen.hdl.spinal.Hdl.outBool;
import static org.esegen.hdl.spinal.Hdl.outUInt;
import static org.esegen.hdl.spinal.Hdl.ram;
import static org.esegen.hdl.spinal.Hdl.readSync;
import static org.esegen.hdl.spinal.Hdl.reg;
import static org.esegen.hdl.spinal.Hdl.regInit;
import static org.esegen.hdl.spinal.Hdl.sint;
import static org.esegen.hdl.spinal.Hdl.sintConst;
import static org.esegen.hdl.spinal.Hdl.slaveStream;
import static org.esegen.hdl.spinal.Hdl.slice;
import static org.esegen.hdl.spinal.Hdl.sub;
import static org.esegen.hdl.spinal.Hdl.uint;
import static org.esegen.hdl.spinal.Hdl.uintConst;
import static org.esegen.hdl.spinal.Hdl.when;
import static org.esegen.hdl.spinal.Hdl.widthFor;
import static org.esegen.hdl.spinal.Hdl.write;

import java.util.List;

import org.esegen.EsegenException;
import org.esegen.hdl.spinal.JavaComponent;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.Mem;
import spinal.core.SInt;
import spinal.core.UInt;
import spinal.lib.Stream;

/**
 * The delta unit of the column-balanced delta engine (DESIGN.md section 3; twin:
 * {@code org.esegen.golden.DeltaEncoder}): it keeps the last value sent of each column (v^, one
 * RAM word per column, actBits), and for each element (column c, value v) it takes computes
 * d = v - v^[c] in actBits + 1 bits and, when d != 0 and |d| >= theta (theta = {@code input_theta}
 * for c &lt; {@code input_size}, else {@code recurrent_theta}), sends (c, d) and writes v^[c] = v
 * as it is sent; an element that does not fire leaves nothing behind. Elements are taken in the
 * order offered, each column any number of times (a column offered back to back sees the value
 * just written).
 *
 * <p>Ports: stream {@code elements} (slave, Bits colBits + actBits: the column in the low colBits,
 * the value, signed, above); stream {@code fired} (master, Bits colBits + actBits + 1: the column,
 * then the signed delta); {@code launch} in (a run starts: v^ is cleared and the counters zeroed);
 * {@code input_size} in UInt colBits + 1; {@code input_theta}, {@code recurrent_theta} in UInt
 * actBits + 1, raw activation-format units, at least 1, held while elements flow;
 * {@code fired_inputs}, {@code fired_recurrent}, {@code elements_seen} out UInt 32 (columns fired
 * below and at or above {@code input_size}, elements decided; they wrap at 2^32); {@code busy} out.
 *
 * <p>Timing: reset and {@code launch} start a clearing pass of {@code columns} cycles (the one write
 * port writes v^ = 0 word by word; {@code busy} high, no element taken). Then an element is taken in
 * any cycle in which the previous one leaves: it is decided in the cycle after it is taken
 * (synchronous RAM read) and offered on {@code fired} from then until taken, so the unit takes one
 * element a cycle while {@code fired} is ready; {@code busy} is high while an element is inside.
 * A {@code launch} while busy drops the element inside.
 */
public final class DeltaUnit extends JavaComponent {
    public final Stream<Bits> elements;
    public final Stream<Bits> fired;
    public final Bool launch;
    public final UInt inputSize;
    public final UInt inputTheta;
    public final UInt recurrentTheta;
    public final UInt firedInputs;
    public final UInt firedRecurrent;
    public final UInt elementsSeen;
    public final Bool busy;

    /** Width of the counters. */
    public static final int COUNTER_BITS = 32;

    /**
     * @param columns columns of the longest vector (v^ words), 1..65536
     * @param actBits signed activation width, 2..31
     * @throws EsegenException if a parameter is out of range
     */
    public DeltaUnit(int columns, int actBits) {
        super(validated(columns, actBits));
        int colBits = columnBits(columns);
        int deltaBits = actBits + 1;
        elements = slaveStream("elements", hardType(() -> bits(colBits + actBits)));
        fired = masterStream("fired", hardType(() -> bits(colBits + deltaBits)));
        launch = inBool("launch");
        inputSize = inUInt("input_size", colBits + 1);
        inputTheta = inUInt("input_theta", deltaBits);
        recurrentTheta = inUInt("recurrent_theta", deltaBits);
        firedInputs = outUInt("fired_inputs", COUNTER_BITS);
        firedRecurrent = outUInt("fired_recurrent", COUNTER_BITS);
        elementsSeen = outUInt("elements_seen", COUNTER_BITS);
        busy = outBool("busy");

        Mem<SInt> sent = ram("sent", hardType(() -> sint(actBits)), columns);
        ClearingPass clearing = new ClearingPass("clearing", columns, colBits, launch);

        UInt column = named("column", asUInt(slice(elements.payload(), 0, colBits)));
        SInt value = named("value", asSInt(slice(elements.payload(), colBits, actBits)));
        Bool decidedValid = regInit("decided_valid", bool(), boolConst(false));
        UInt decidedColumn = reg("decided_column", uint(colBits));
        SInt decidedValue = reg("decided_value", sint(actBits));
        Bool bypass = regInit("bypass", bool(), boolConst(false));
        SInt bypassValue = reg("bypass_value", sint(actBits));

        Bool taken = named("taken", and(elements.valid(), elements.ready()));
        SInt stored = readSync(sent, column, taken);
        SInt last = named("last_sent", mux(bypass, bypassValue, stored));
        SInt delta = named("delta", sub(decidedValue.resize(deltaBits), last.resize(deltaBits)));
        Bool fires = named("fires", and(decidedValid, firesOn(delta, decidedColumn, deltaBits)));
        Bool leaves = named("leaves", and(decidedValid, or(not(fires), fired.ready())));
        Bool writesSent = named("writes_sent", and(fires, fired.ready()));

        assign(elements.ready(), and(not(clearing.active), or(not(decidedValid), leaves)));
        assign(fired.valid(), fires);
        assign(fired.payload(), concatLowFirst(List.of(decidedColumn, delta)));
        write(sent, mux(clearing.active, clearing.address, decidedColumn),
                mux(clearing.active, sintConst(0, actBits), decidedValue), or(clearing.active, writesSent));

        when(taken, () -> {
            assign(decidedValid, boolConst(true));
            assign(decidedColumn, column);
            assign(decidedValue, value);
            assign(bypass, and(writesSent, equal(decidedColumn, column)));
            assign(bypassValue, decidedValue);
        }).elseWhen(leaves, () -> assign(decidedValid, boolConst(false)));

        UInt inputsCount = counter("fired_inputs_count", and(writesSent, lessThan(decidedColumn.resize(colBits + 1), inputSize)));
        UInt recurrentCount = counter("fired_recurrent_count",
                and(writesSent, not(lessThan(decidedColumn.resize(colBits + 1), inputSize))));
        UInt seenCount = counter("elements_seen_count", leaves);
        assign(firedInputs, inputsCount);
        assign(firedRecurrent, recurrentCount);
        assign(elementsSeen, seenCount);
        assign(busy, or(clearing.active, decidedValid));

        when(launch, () -> {
            assign(decidedValid, boolConst(false));
            assign(inputsCount, uintConst(0, COUNTER_BITS));
            assign(recurrentCount, uintConst(0, COUNTER_BITS));
            assign(seenCount, uintConst(0, COUNTER_BITS));
        });
    }

    /** Width of a column index for vectors of up to {@code columns} columns. */
    public static int columnBits(int columns) {
        return Math.max(1, widthFor(columns - 1));
    }

    /** d != 0 and |d| >= theta, theta chosen by the column. */
    private Bool firesOn(SInt delta, UInt column, int deltaBits) {
        int wide = deltaBits + 1;
        UInt theta = named("theta", mux(lessThan(column.resize(inputSize.getWidth()), inputSize), inputTheta,
                recurrentTheta));
        SInt positive = named("theta_positive", asSInt(theta.resize(wide).asBits()));
        SInt negative = named("theta_negative", sub(sintConst(0, wide), positive));
        SInt d = delta.resize(wide);
        Bool reaches = or(not(lessThan(d, positive)), not(lessThan(negative, d)));
        return and(not(equal(delta, sintConst(0, deltaBits))), reaches);
    }

    private UInt counter(String name, Bool increment) {
        UInt count = regInit(name, uint(COUNTER_BITS), uintConst(0, COUNTER_BITS));
        when(increment, () -> assign(count, add(count, uintConst(1, COUNTER_BITS))));
        return count;
    }

    private static String validated(int columns, int actBits) {
        if (columns < 1 || columns > 65536) {
            throw new EsegenException("DeltaUnit: columns " + columns + " is outside 1..65536");
        }
        if (actBits < 2 || actBits > 31) {
            throw new EsegenException("DeltaUnit: actBits " + actBits + " is outside 2..31");
        }
        return "DeltaUnit";
    }
}
