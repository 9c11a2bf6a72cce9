package org.esegen.hdl.units;

import static org.esegen.hdl.spinal.Hdl.add;
import static org.esegen.hdl.spinal.Hdl.anyOf;
import static org.esegen.hdl.spinal.Hdl.and;
import static org.esegen.hdl.spinal.Hdl.assign;
import static org.esegen.hdl.spinal.Hdl.bits;
import static org.esegen.hdl.spinal.Hdl.bool;
import static org.esegen.hdl.spinal.Hdl.boolConst;
import static org.esegen.hdl.spinal.Hdl.equal;
import static org.esegen.hdl.spinal.Hdl.greaterThan;
import static org.esegen.hdl.spinal.Hdl.inBool;
import static org.esegen.hdl.spinal.Hdl.inSInt;
import static org.esegen.hdl.spinal.Hdl.inUInt;
import static org.esegen.hdl.spinal.Hdl.lessThan;
import static org.esegen.hdl.spinal.Hdl.mux;
import static org.esegen.hdl.spinal.Hdl.named;
import static org.esegen.hdl.spinal.Hdl.not;
import static org.esegen.hdl.spinal.Hdl.outBool;
import static org.esegen.hdl.spinal.Hdl.outSInt;
import static org.esegen.hdl.spinal.Hdl.outUInt;
import static org.esegen.hdl.spinal.Hdl.reg;
import static org.esegen.hdl.spinal.Hdl.regInit;
import static org.esegen.hdl.spinal.Hdl.regNext;
import static org.esegen.hdl.spinal.Hdl.select;
import static org.esegen.hdl.spinal.Hdl.shiftLeft;
import static org.esegen.hdl.spinal.Hdl.shiftLeftKeepWidth;
import static org.esegen.hdl.spinal.Hdl.shiftRight;
import static org.esegen.hdl.spinal.Hdl.sint;
import static org.esegen.hdl.spinal.Hdl.sintConst;
import static org.esegen.hdl.spinal.Hdl.sub;
import static org.esegen.hdl.spinal.Hdl.uint;
import static org.esegen.hdl.spinal.Hdl.uintConst;
import static org.esegen.hdl.spinal.Hdl.when;
import static org.esegen.hdl.spinal.Hdl.widthFor;

import java.util.ArrayList;
import java.util.List;

import org.esegen.EsegenException;
import org.esegen.hdl.spinal.JavaComponent;
import spinal.core.Bool;
import spinal.core.SInt;
import spinal.core.UInt;

/**
 * The y gather after SpMV 2: y_j (j &lt; P) is accumulator row j / N of PE j mod N, rescaled to
 * the activation format exactly as {@code GoldenModel} does, {@code A.rescale(acc, WHR_FRAC_BITS
 * + F)}: add 2^(s-1) (s = {@code frac_shift} &gt; 0), arithmetic shift right by s, saturate to
 * actBits; s = 0 keeps the value (saturated); s &ge; accBits gives 0.
 *
 * <p>{@code start} (a pulse, ignored while busy) samples {@code proj_size} P and
 * {@code frac_shift}, then reads the accumulators row by row, r = 0 .. ceil(P / N) - 1, one row of
 * every PE per cycle: the N values of row r are y_(rN) .. y_(rN + N - 1). Each row leaves on
 * {@code y_valid}/{@code y_row}/{@code y_value_<p>_<ch>} (y_(rN + p) of channel ch; lanes with
 * rN + p &ge; P are 0, the padding the OUTPUT row format wants). {@code busy} stays high until the
 * last row is out.
 *
 * <p>Timing: {@code acc_read_row} is a register; the unit expects the PEs' values of the row it
 * shows in cycle t on {@code acc_read_value_<p>_<ch>} in cycle t + readLatency (PeSequencer: 1).
 * A row leaves readLatency + 3 cycles after it was shown (one register after the read, one after
 * the rounding shift, one after the saturation), so P values take ceil(P / N) + readLatency + 3
 * cycles.
 *
 * <p>Ports: {@code start}, {@code proj_size} (UInt), {@code frac_shift} (UInt 6) in; {@code busy}
 * out; {@code acc_read_row} out (UInt rowBits); {@code acc_read_value_<p>_<ch>} in (SInt accBits);
 * {@code y_valid}, {@code y_row} (UInt rowBits), {@code y_value_<p>_<ch>} (SInt actBits) out.
 */
public final class ProjectionGather extends JavaComponent {
    /** Width of {@code frac_shift}. */
    public static final int SHIFT_BITS = 6;

    public final Bool start;
    public final UInt projSize;
    public final UInt fracShift;
    public final Bool busy;
    public final UInt accReadRow;
    /** {@code accReadValues.get(p).get(ch)}: the accumulator of PE p, channel ch. */
    public final List<List<SInt>> accReadValues;
    public final Bool yValid;
    public final UInt yRow;
    /** {@code yValues.get(p).get(ch)}: y_(rN + p) of channel ch for the row on {@code y_row}. */
    public final List<List<SInt>> yValues;

    /**
     * @param pes           PEs N, 1..256
     * @param channels      channels, 1..64
     * @param accBits       accumulator width, 8..62
     * @param actBits       activation width, 2..32
     * @param maxProjSize   largest P
     * @param rowBits       width of the PEs' accumulator row address (at least widthFor(ceil(maxProjSize / N) - 1))
     * @param readLatency   cycles from {@code acc_read_row} to the values, 1..8
     * @throws EsegenException if a parameter is out of range
     */
    public ProjectionGather(int pes, int channels, int accBits, int actBits, int maxProjSize, int rowBits,
                            int readLatency) {
        super(validated(pes, channels, accBits, actBits, maxProjSize, rowBits, readLatency));
        int projBits = widthFor(maxProjSize);
        int maxRows = (maxProjSize + pes - 1) / pes;
        int firstBits = widthFor((long) maxRows * pes);

        start = inBool("start");
        projSize = inUInt("proj_size", projBits);
        fracShift = inUInt("frac_shift", SHIFT_BITS);
        busy = outBool("busy");
        accReadRow = outUInt("acc_read_row", rowBits);
        List<List<SInt>> accValues = new ArrayList<>();
        List<List<SInt>> ys = new ArrayList<>();
        for (int p = 0; p < pes; p++) {
            List<SInt> lanes = new ArrayList<>();
            for (int ch = 0; ch < channels; ch++) {
                lanes.add(inSInt("acc_read_value_" + p + "_" + ch, accBits));
            }
            accValues.add(List.copyOf(lanes));
        }
        accReadValues = List.copyOf(accValues);
        yValid = outBool("y_valid");
        yRow = outUInt("y_row", rowBits);
        for (int p = 0; p < pes; p++) {
            List<SInt> lanes = new ArrayList<>();
            for (int ch = 0; ch < channels; ch++) {
                lanes.add(outSInt("y_value_" + p + "_" + ch, actBits));
            }
            ys.add(List.copyOf(lanes));
        }
        yValues = List.copyOf(ys);

        // ---- issue: one accumulator row of every PE per cycle; first = r N ----
        UInt size = reg("size", uint(projBits));
        UInt shift = reg("shift", uint(SHIFT_BITS));
        Bool issuing = regInit("issuing", bool(), boolConst(false));
        UInt row = regInit("row", uint(rowBits), uintConst(0, rowBits));
        UInt first = regInit("first", uint(firstBits), uintConst(0, firstBits));
        assign(accReadRow, row);
        UInt nextFirst = named("next_first", add(first, uintConst(pes, firstBits)));
        Bool lastRow = named("last_row", not(lessThan(nextFirst, size.resize(firstBits))));
        when(issuing, () -> {
            assign(row, add(row, uintConst(1, rowBits)));
            assign(first, nextFirst);
            when(lastRow, () -> assign(issuing, boolConst(false)));
        });

        // ---- the PE values arrive readLatency cycles later ----
        Bool validAtValues = issuing;
        UInt rowAtValues = row;
        UInt firstAtValues = first;
        List<Bool> inFlight = new ArrayList<>(List.of(issuing));
        for (int stage = 0; stage < readLatency; stage++) {
            validAtValues = regNext("read_valid_" + stage, validAtValues, boolConst(false));
            inFlight.add(validAtValues);
            rowAtValues = regNext("read_row_" + stage, rowAtValues);
            firstAtValues = regNext("read_first_" + stage, firstAtValues);
        }
        Bool pickedValid = regNext("picked_valid", validAtValues, boolConst(false));
        UInt pickedRow = regNext("picked_row", rowAtValues);
        Bool shiftedValid = regNext("shifted_valid", pickedValid, boolConst(false));
        UInt shiftedRow = regNext("shifted_row", pickedRow);
        Bool outValid = regNext("out_valid", shiftedValid, boolConst(false));
        UInt outRow = regNext("out_row", shiftedRow);
        assign(yValid, outValid);
        assign(yRow, outRow);

        // ---- per PE: rescale, keep lanes below P ----
        for (int p = 0; p < pes; p++) {
            Bool inRange = regNext("shifted_in_range_" + p, regNext("picked_in_range_" + p, lessThan(
                    add(firstAtValues.resize(firstBits + 1), uintConst(p, firstBits + 1)), size.resize(firstBits + 1))));
            for (int ch = 0; ch < channels; ch++) {
                SInt picked = regNext("picked_" + p + "_" + ch, accReadValues.get(p).get(ch));
                SInt rescaled = rescale("rescaled_" + p + "_" + ch, picked, shift, actBits);
                SInt y = regNext("y_" + p + "_" + ch, mux(inRange, rescaled, sintConst(0, actBits)));
                assign(yValues.get(p).get(ch), y);
            }
        }
        inFlight.add(pickedValid);
        inFlight.add(shiftedValid);
        inFlight.add(outValid);
        Bool idle = named("idle", not(anyOf(inFlight)));
        when(and(start, idle), () -> {
            assign(size, projSize);
            assign(shift, fracShift);
            assign(row, uintConst(0, rowBits));
            assign(first, uintConst(0, firstBits));
            assign(issuing, not(equal(projSize, uintConst(0, projBits))));
        });
        assign(busy, not(idle));
    }

    /**
     * sat_outBits((value + 2^(s-1)) &gt;&gt; s) for s &gt; 0, sat_outBits(value) for s = 0, and 0 for
     * s &ge; width(value): {@code FixedFormat.rescale} by a run-time shift. Latency 1: the rounded,
     * shifted value is registered before the saturation.
     */
    private static SInt rescale(String name, SInt value, UInt shift, int outBits) {
        // (value + 2^(s-1)) >> s computed as (2 value + 2^s) >> (s + 1), which needs no case for s = 0
        int width = value.getWidth();
        int wide = width + 2;
        int amountBits = widthFor(width);
        Bool tooFar = named(name + "_too_far", not(lessThan(shift, uintConst(width, SHIFT_BITS))));
        UInt amount = named(name + "_amount", shift.resize(amountBits));
        UInt bias = named(name + "_bias", shiftLeftKeepWidth(uintConst(1, wide), amount));
        SInt sum = named(name + "_sum", add(shiftLeft(value, 1).resize(wide), bias.asSInt()));
        SInt shifted = regNext(name + "_shifted", shiftRight(sum, add(amount, uintConst(1, amountBits))));
        Bool tooFarQ = regNext(name + "_too_far_q", tooFar);
        long max = (1L << (outBits - 1)) - 1;
        long min = -(1L << (outBits - 1));
        SInt result = named(name, sint(outBits));
        when(tooFarQ, () -> assign(result, sintConst(0, outBits)))
                .elseWhen(greaterThan(shifted, sintConst(max, wide)), () -> assign(result, sintConst(max, outBits)))
                .elseWhen(lessThan(shifted, sintConst(min, wide)), () -> assign(result, sintConst(min, outBits)))
                .otherwise(() -> assign(result, shifted.resize(outBits)));
        return result;
    }

    private static String validated(int pes, int channels, int accBits, int actBits, int maxProjSize, int rowBits,
                                    int readLatency) {
        if (pes < 1 || pes > 256 || channels < 1 || channels > 64) {
            throw new EsegenException("ProjectionGather: pes " + pes + " / channels " + channels
                    + " outside 1..256 / 1..64");
        }
        if (accBits < 8 || accBits > 62 || actBits < 2 || actBits > 32 || actBits > accBits) {
            throw new EsegenException("ProjectionGather: accBits " + accBits + " / actBits " + actBits
                    + " outside 8..62 / 2..min(32, accBits)");
        }
        if (maxProjSize < 1 || rowBits < widthFor((maxProjSize + pes - 1) / pes - 1)) {
            throw new EsegenException("ProjectionGather: maxProjSize " + maxProjSize + " / rowBits " + rowBits
                    + ": rowBits must hold ceil(maxProjSize / pes) - 1");
        }
        if (readLatency < 1 || readLatency > 8) {
            throw new EsegenException("ProjectionGather: readLatency " + readLatency + " is outside 1..8");
        }
        return "ProjectionGather";
    }
}
