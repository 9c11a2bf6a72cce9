package org.esegen.hdl.units;

import static org.esegen.hdl.spinal.Hdl.add;
import static org.esegen.hdl.spinal.Hdl.and;
import static org.esegen.hdl.spinal.Hdl.assign;
import static org.esegen.hdl.spinal.Hdl.bitAt;
import static org.esegen.hdl.spinal.Hdl.bool;
import static org.esegen.hdl.spinal.Hdl.bits;
import static org.esegen.hdl.spinal.Hdl.boolConst;
import static org.esegen.hdl.spinal.Hdl.equal;
import static org.esegen.hdl.spinal.Hdl.hardType;
import static org.esegen.hdl.spinal.Hdl.inBool;
import static org.esegen.hdl.spinal.Hdl.inSInt;
import static org.esegen.hdl.spinal.Hdl.inUInt;
import static org.esegen.hdl.spinal.Hdl.mul;
import static org.esegen.hdl.spinal.Hdl.mux;
import static org.esegen.hdl.spinal.Hdl.named;
import static org.esegen.hdl.spinal.Hdl.not;
import static org.esegen.hdl.spinal.Hdl.oneHot;
import static org.esegen.hdl.spinal.Hdl.or;
import static org.esegen.hdl.spinal.Hdl.outBool;
import static org.esegen.hdl.spinal.Hdl.outSInt;
import static org.esegen.hdl.spinal.Hdl.ram;
import static org.esegen.hdl.spinal.Hdl.readSync;
import static org.esegen.hdl.spinal.Hdl.reg;
import static org.esegen.hdl.spinal.Hdl.regInit;
import static org.esegen.hdl.spinal.Hdl.regNext;
import static org.esegen.hdl.spinal.Hdl.sint;
import static org.esegen.hdl.spinal.Hdl.sintConst;
import static org.esegen.hdl.spinal.Hdl.slice;
import static org.esegen.hdl.spinal.Hdl.uint;
import static org.esegen.hdl.spinal.Hdl.when;
import static org.esegen.hdl.spinal.Hdl.write;

import org.esegen.EsegenException;
import org.esegen.hdl.spinal.JavaComponent;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.Mem;
import spinal.core.SInt;
import spinal.core.UInt;

/**
 * One channel's accumulators of a PE: a RAM of {@code words} signed accBits words, a valid bit per
 * word and a saturating multiply-accumulate that updates one word per cycle.
 *
 * <p>Contract, per MAC presented in a cycle ({@code mac_valid} high at a rising edge):
 * acc[mac_row] = sat((valid[mac_row] ? acc[mac_row] : 0) + mac_weight * mac_act) and the word
 * becomes valid. sat clamps to [-2^(accBits-1), 2^(accBits-1) - 1], as
 * {@code FixedFormat(accBits, f).saturate} does; nothing wraps. MACs apply in the order presented,
 * one per cycle at most, any row in any cycle: a row may come back in the next cycle (the result
 * still in the pipeline is forwarded) or at any later distance, with no stall.
 *
 * <p>{@code clear} at a rising edge invalidates every word (they read as 0 and the next MAC of a
 * row starts from 0) and cancels the MACs presented before that edge that are still in flight; a
 * MAC presented together with {@code clear} applies after the clear. Reset invalidates every word
 * too and empties the pipeline.
 *
 * <p>Latency and pipeline: a MAC presented at edge t is in the RAM after edge t+2; {@code busy} is
 * high in the two cycles between (t to t+1 and t+1 to t+2). Stage 1 registers the operands
 * ({@code weight_q}, {@code act_q}: the A/B registers of a DSP48E2) and reads the word and its
 * valid bit; stage 2 registers the product ({@code product}: the M register; with operands of up
 * to 27 x 18 bits the multiply maps to one DSP48E2), adds it to the word or to the result written
 * one cycle before (forwarding, {@code wb_value}: the only hazard, since a word written at edge t+2
 * is read by a MAC presented at edge t+2 or later), saturates in fabric (overflow is read off the
 * two top bits of the accBits + 1 bit sum, no comparator) and writes back.
 *
 * <p>Read port: {@code read_row} sampled at edge t gives {@code read_value} (0 for an invalid
 * word) from just after edge t until edge t+1: read latency 1. It shares the RAM's read port with
 * the MAC, so a read is correct only when {@code busy} is low in the cycle before edge t (no MAC in
 * flight; one presented at edge t itself does not disturb it) and {@code clear} is low at edge t.
 * The RAM has one synchronous read and one write port, so it maps to block RAM or LUT RAM.
 *
 * <p>Ports: {@code clear}, {@code mac_valid} in Bool; {@code mac_row}, {@code read_row} in UInt
 * log2Up(words); {@code mac_weight} in SInt weightBits; {@code mac_act} in SInt actBits;
 * {@code read_value} out SInt accBits; {@code busy} out Bool.
 */
public final class AccumulatorLane extends JavaComponent {
    public final Bool clear;
    public final Bool macValid;
    public final UInt macRow;
    public final SInt macWeight;
    public final SInt macAct;
    public final UInt readRow;
    public final SInt readValue;
    public final Bool busy;

    /**
     * @param weightBits signed weight width, 2..31
     * @param actBits    signed activation width, 2..31
     * @param accBits    signed accumulator width, weightBits + actBits .. 62 (one product always
     *                   fits, only the sum saturates)
     * @param words      accumulator words, 2..65536; rows are log2Up(words) bits wide
     * @throws EsegenException if a parameter is out of range
     */
    public AccumulatorLane(int weightBits, int actBits, int accBits, int words) {
        super(validated(weightBits, actBits, accBits, words));
        int rowBits = rowBits(words);

        clear = inBool("clear");
        macValid = inBool("mac_valid");
        macRow = inUInt("mac_row", rowBits);
        macWeight = inSInt("mac_weight", weightBits);
        macAct = inSInt("mac_act", actBits);
        readRow = inUInt("read_row", rowBits);
        readValue = outSInt("read_value", accBits);
        busy = outBool("busy");

        Mem<SInt> accumulators = ram("accumulators", hardType(() -> sint(accBits)), words);
        Bits valid = regInit("valid", bits(words), bits(words).getZero());

        // stage 1: operand registers, RAM and valid-bit read
        SInt weightQ = regNext("weight_q", macWeight);
        SInt actQ = regNext("act_q", macAct);
        UInt rowQ = regNext("row_q", macRow);
        Bool validQ = regNext("valid_q", macValid, boolConst(false));
        UInt readAddress = named("read_address", mux(validQ, rowQ, readRow));
        SInt stored = named("stored", readSync(accumulators, readAddress));
        Bool storedValid = regNext("stored_valid", bitAt(valid, readAddress), boolConst(false));
        SInt storedOrZero = named("stored_or_zero", mux(storedValid, stored, sintConst(0, accBits)));

        // stage 2: product register, forwarding, saturating add, write back
        SInt product = regNext("product", mul(weightQ, actQ));
        UInt rowP = regNext("row_p", rowQ);
        Bool validP = regNext("valid_p", and(validQ, not(clear)), boolConst(false));
        Bool wbValid = regInit("wb_valid", bool(), boolConst(false));
        UInt wbRow = reg("wb_row", uint(rowBits));
        SInt wbValue = reg("wb_value", sint(accBits));

        Bool forward = named("forward", and(wbValid, equal(wbRow, rowP)));
        SInt base = named("base", mux(forward, wbValue, storedOrZero));
        SInt sum = named("sum", add(base.resize(accBits + 1), product.resize(accBits + 1)));
        long max = (1L << (accBits - 1)) - 1;
        long min = -(1L << (accBits - 1));
        // the sum fits accBits + 1 bits; it overflows accBits when its two top bits differ
        SInt top = named("top", slice(sum, accBits - 1, 2));
        SInt saturated = named("saturated", sint(accBits));
        when(equal(top, sintConst(1, 2)), () -> assign(saturated, sintConst(max, accBits)))
                .elseWhen(equal(top, sintConst(-2, 2)), () -> assign(saturated, sintConst(min, accBits)))
                .otherwise(() -> assign(saturated, sum.resize(accBits)));

        Bool writeBack = named("write_back", and(validP, not(clear)));
        write(accumulators, rowP, saturated, writeBack);
        when(writeBack, () -> assign(valid, or(valid, oneHot(rowP, words))));
        when(clear, () -> assign(valid, bits(words).getZero()));
        assign(wbValid, writeBack);
        assign(wbRow, rowP);
        assign(wbValue, saturated);

        assign(busy, or(validQ, validP));
        assign(readValue, storedOrZero);
    }

    /** Width of a row address for {@code words} words: log2Up(words). */
    public static int rowBits(int words) {
        return 32 - Integer.numberOfLeadingZeros(words - 1);
    }

    private static String validated(int weightBits, int actBits, int accBits, int words) {
        String name = "AccumulatorLane";
        if (weightBits < 2 || weightBits > 31) {
            throw new EsegenException(name + ": weightBits " + weightBits + " is outside 2..31");
        }
        if (actBits < 2 || actBits > 31) {
            throw new EsegenException(name + ": actBits " + actBits + " is outside 2..31");
        }
        if (accBits < weightBits + actBits || accBits > 62) {
            throw new EsegenException(name + ": accBits " + accBits + " is outside "
                    + (weightBits + actBits) + "..62 (weightBits + actBits .. 62)");
        }
        if (words < 2 || words > 65536) {
            throw new EsegenException(name + ": words " + words + " is outside 2..65536");
        }
        return name;
    }
}
