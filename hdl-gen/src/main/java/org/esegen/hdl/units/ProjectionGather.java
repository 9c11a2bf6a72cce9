package org.esegen.hdl.units;

import static org.esegen.hdl.spinal.Hdl.add;
import static org.esegen.hdl.spinal.Hdl.and;
import static org.esegen.hdl.spinal.Hdl.anyOf;
import static org.esegen.hdl.spinal.Hdl.assign;
import static org.esegen.hdl.spinal.Hdl.bool;
import static org.esegen.hdl.spinal.Hdl.boolConst;
import static org.esegen.hdl.spinal.Hdl.equal;
import static org.esegen.hdl.spinal.Hdl.greaterThan;
import static org.esegen.hdl.spinal.Hdl.inBool;
import static org.esegen.hdl.spinal.Hdl.inBools;
import static org.esegen.hdl.spinal.Hdl.inSIntGrid;
import static org.esegen.hdl.spinal.Hdl.inUInt;
import static org.esegen.hdl.spinal.Hdl.lessThan;
import static org.esegen.hdl.spinal.Hdl.mul;
import static org.esegen.hdl.spinal.Hdl.mux;
import static org.esegen.hdl.spinal.Hdl.named;
import static org.esegen.hdl.spinal.Hdl.not;
import static org.esegen.hdl.spinal.Hdl.outBool;
import static org.esegen.hdl.spinal.Hdl.outSIntGrid;
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
 * {@code frac_shift}, then reads the accumulators row by row, r = 0 .. ceil(P / N) - 1, and each
 * row in K = ceil(N / L) groups of L lanes, one group per cycle: group k of row r holds PEs kL ..
 * kL + L - 1, so lane i carries y_(rN + kL + i). Each group leaves on {@code y_valid} /
 * {@code y_row} / {@code y_group} / {@code y_value_<i>_<ch>} (channel ch; lanes with rN + kL + i
 * &ge; P or kL + i &ge; N are 0, the padding the OUTPUT row format wants). {@code rows_done}
 * counts the rows whose every group has left (y_j for j &lt; rows_done N are out); it is 0 from
 * the cycle after start and holds its count after the gather until the next start. {@code busy}
 * stays high until the last group is out. With L = N (K = 1) a row of every PE leaves per cycle;
 * a smaller L costs K cycles a row and needs only L rescalers per channel.
 *
 * <p>Timing: {@code acc_read_row} is a register; the unit expects the PEs' values of the row it
 * shows in cycle t on {@code acc_read_value_<p>_<ch>} in cycle t + readLatency (PeSequencer: 1).
 * A group leaves readLatency + 3 cycles after its row was shown (one register after the read and
 * lane selection, one after the rounding shift, one after the saturation), so P values take
 * ceil(P / N) K + readLatency + 3 cycles.
 *
 * <p>Ports: {@code start}, {@code proj_size} (UInt), {@code frac_shift} (UInt 6) in; {@code busy}
 * out; {@code acc_read_row} out (UInt rowBits); {@code acc_read_value_<p>_<ch>} in (SInt accBits)
 * and {@code acc_read_valid_<p>} in (with the same timing; low, PE p's row counts as 0: y = 0);
 * {@code y_valid}, {@code y_row} (UInt rowBits), {@code y_group} (UInt log2Up(K), at least 1 bit),
 * {@code y_value_<i>_<ch>} (SInt actBits), {@code rows_done} (UInt rowBits + 1) out.
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
    /** {@code acc_read_valid_<p>}: low, PE p's row counts as 0 in every channel. */
    public final List<Bool> accReadValid;
    public final Bool yValid;
    public final UInt yRow;
    public final UInt yGroup;
    /** {@code yValues.get(i).get(ch)}: y_(rN + kL + i) of channel ch for the group on {@code y_row}, {@code y_group}. */
    public final List<List<SInt>> yValues;
    public final UInt rowsDone;

    /**
     * @param pes           PEs N, 1..256
     * @param lanes         L, values rescaled per cycle and channel, 1..N
     * @param channels      channels, 1..64
     * @param accBits       accumulator width, 8..62
     * @param actBits       activation width, 2..32
     * @param maxProjSize   largest P
     * @param rowBits       width of the PEs' accumulator row address (at least widthFor(ceil(maxProjSize / N) - 1))
     * @param readLatency   cycles from {@code acc_read_row} to the values, 1..8
     * @throws EsegenException if a parameter is out of range
     */
    public ProjectionGather(int pes, int lanes, int channels, int accBits, int actBits, int maxProjSize, int rowBits,
                            int readLatency) {
        super(validated(pes, lanes, channels, accBits, actBits, maxProjSize, rowBits, readLatency));
        int projBits = widthFor(maxProjSize);
        int maxRows = (maxProjSize + pes - 1) / pes;
        int groups = (pes + lanes - 1) / lanes;
        int groupBits = widthFor(groups - 1);
        int firstBits = widthFor((long) maxRows * pes + (long) groups * lanes);

        start = inBool("start");
        projSize = inUInt("proj_size", projBits);
        fracShift = inUInt("frac_shift", SHIFT_BITS);
        busy = outBool("busy");
        accReadRow = outUInt("acc_read_row", rowBits);
        accReadValues = inSIntGrid("acc_read_value", pes, channels, accBits);
        accReadValid = inBools("acc_read_valid", pes);
        yValid = outBool("y_valid");
        yRow = outUInt("y_row", rowBits);
        yGroup = outUInt("y_group", groupBits);
        yValues = outSIntGrid("y_value", lanes, channels, actBits);
        rowsDone = outUInt("rows_done", rowBits + 1);

        // ---- issue: group k of row r per cycle; first = r N + k L, the index of its lane 0 ----
        UInt size = reg("size", uint(projBits));
        UInt shift = reg("shift", uint(SHIFT_BITS));
        Bool issuing = regInit("issuing", bool(), boolConst(false));
        UInt row = regInit("row", uint(rowBits), uintConst(0, rowBits));
        UInt group = regInit("group", uint(groupBits), uintConst(0, groupBits));
        UInt rowFirst = regInit("row_first", uint(firstBits), uintConst(0, firstBits));
        assign(accReadRow, row);
        Bool lastGroup = named("last_group", equal(group, uintConst(groups - 1, groupBits)));
        UInt nextRowFirst = named("next_row_first", add(rowFirst, uintConst(pes, firstBits)));
        Bool lastRow = named("last_row", not(lessThan(nextRowFirst, size.resize(firstBits))));
        when(issuing, () -> {
            assign(group, add(group, uintConst(1, groupBits)));
            when(lastGroup, () -> {
                assign(group, uintConst(0, groupBits));
                assign(row, add(row, uintConst(1, rowBits)));
                assign(rowFirst, nextRowFirst);
                when(lastRow, () -> assign(issuing, boolConst(false)));
            });
        });
        UInt first = named("first", add(rowFirst, mul(group, uintConst(lanes, widthFor(lanes))).resize(firstBits)));

        // ---- the PE values arrive readLatency cycles later ----
        Bool validAtValues = issuing;
        UInt rowAtValues = row;
        UInt groupAtValues = group;
        UInt firstAtValues = first;
        Bool rowEndAtValues = lastGroup;
        List<Bool> inFlight = new ArrayList<>(List.of(issuing));
        for (int stage = 0; stage < readLatency; stage++) {
            validAtValues = regNext("read_valid_" + stage, validAtValues, boolConst(false));
            inFlight.add(validAtValues);
            rowAtValues = regNext("read_row_" + stage, rowAtValues);
            groupAtValues = regNext("read_group_" + stage, groupAtValues);
            firstAtValues = regNext("read_first_" + stage, firstAtValues);
            rowEndAtValues = regNext("read_row_end_" + stage, rowEndAtValues);
        }
        Bool pickedValid = regNext("picked_valid", validAtValues, boolConst(false));
        UInt pickedRow = regNext("picked_row", rowAtValues);
        UInt pickedGroup = regNext("picked_group", groupAtValues);
        Bool pickedRowEnd = regNext("picked_row_end", rowEndAtValues);
        Bool shiftedValid = regNext("shifted_valid", pickedValid, boolConst(false));
        UInt shiftedRow = regNext("shifted_row", pickedRow);
        UInt shiftedGroup = regNext("shifted_group", pickedGroup);
        Bool shiftedRowEnd = regNext("shifted_row_end", pickedRowEnd);
        Bool outValid = regNext("out_valid", shiftedValid, boolConst(false));
        UInt outRow = regNext("out_row", shiftedRow);
        UInt outGroup = regNext("out_group", shiftedGroup);
        Bool outRowEnd = regNext("out_row_end", shiftedRowEnd);
        assign(yValid, outValid);
        assign(yRow, outRow);
        assign(yGroup, outGroup);
        UInt rowsOut = regInit("rows_out", uint(rowBits + 1), uintConst(0, rowBits + 1));
        when(and(outValid, outRowEnd), () -> assign(rowsOut, add(rowsOut, uintConst(1, rowBits + 1))));
        assign(rowsDone, rowsOut);

        // ---- per lane: pick the group's PE, rescale, keep lanes below P and N ----
        for (int i = 0; i < lanes; i++) {
            int lane = i;
            List<Integer> lanePes = new ArrayList<>();
            for (int k = 0; k < groups; k++) {
                lanePes.add(k * lanes + i);
            }
            UInt laneIndex = named("lane_index_" + i, add(firstAtValues.resize(firstBits + 1),
                    uintConst(i, firstBits + 1)));
            Bool exists = lanePes.stream().allMatch(pe -> pe < pes) ? boolConst(true)
                    : not(equal(groupAtValues, uintConst(groups - 1, groupBits)));
            List<Bool> laneValids = lanePes.stream().filter(pe -> pe < pes).map(accReadValid::get).toList();
            Bool valid = laneValids.size() == 1 ? laneValids.get(0)
                    : named("lane_valid_" + i, select(groupAtValues.resize(widthFor(laneValids.size() - 1)), laneValids));
            Bool inRange = regNext("shifted_in_range_" + i, regNext("picked_in_range_" + i,
                    and(and(exists, valid), lessThan(laneIndex, size.resize(firstBits + 1)))));
            for (int ch = 0; ch < channels; ch++) {
                int channel = ch;
                List<SInt> options = lanePes.stream().filter(pe -> pe < pes)
                        .map(pe -> accReadValues.get(pe).get(channel)).toList();
                SInt value = options.size() == 1 ? options.get(0)
                        : select(groupAtValues.resize(widthFor(options.size() - 1)), options);
                SInt picked = regNext("picked_" + lane + "_" + ch, value);
                SInt rescaled = rescale("rescaled_" + lane + "_" + ch, picked, shift, actBits);
                SInt y = regNext("y_" + lane + "_" + ch, mux(inRange, rescaled, sintConst(0, actBits)));
                assign(yValues.get(lane).get(ch), y);
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
            assign(group, uintConst(0, groupBits));
            assign(rowFirst, uintConst(0, firstBits));
            assign(rowsOut, uintConst(0, rowBits + 1));
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

    private static String validated(int pes, int lanes, int channels, int accBits, int actBits, int maxProjSize,
                                    int rowBits, int readLatency) {
        if (pes < 1 || pes > 256 || channels < 1 || channels > 64) {
            throw new EsegenException("ProjectionGather: pes " + pes + " / channels " + channels
                    + " outside 1..256 / 1..64");
        }
        if (lanes < 1 || lanes > pes) {
            throw new EsegenException("ProjectionGather: lanes " + lanes + " is outside 1.." + pes + " (1..pes)");
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
