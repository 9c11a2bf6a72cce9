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

import java.util.ArrayList;
import java.util.List;

import org.esegen.EsegenException;
import org.esegen.hdl.spinal.JavaComponent;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.Mem;
import spinal.core.SInt;
import spinal.core.UInt;

/**
 * One channel's accumulators of a PE: two banks of signed accBits words (bank 0 of {@code words}
 * words for the gate matrix W_a, bank 1 of {@code projWords} words for W_hr), each with its own
 * RAM and valid bits, and a saturating multiply-accumulate that updates one word per cycle. Having
 * two banks lets the element-wise step read the gates (bank 0) while SpMV 2 accumulates (bank 1).
 *
 * <p>Contract, per MAC presented in a cycle ({@code mac_valid} high at a rising edge): in bank
 * {@code mac_bank}, acc[mac_row] = sat((valid[mac_row] ? acc[mac_row] : 0) + mac_weight * mac_act)
 * and the word becomes valid. sat clamps to [-2^(accBits-1), 2^(accBits-1) - 1], as
 * {@code FixedFormat(accBits, f).saturate} does; nothing wraps. MACs apply in the order presented,
 * one per cycle at most, any row in any cycle: a row may come back in the next cycle (the result
 * still in the pipeline is forwarded) or at any later distance, with no stall.
 *
 * <p>{@code clear} at a rising edge invalidates every word of bank {@code clear_bank} (they read as
 * 0 and the next MAC of a row starts from 0) and cancels the MACs presented before that edge that
 * are still in flight; a MAC presented together with {@code clear} applies after the clear. Reset
 * invalidates every word of both banks and empties the pipeline.
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
 * <p>Read port: {@code read_row} of bank {@code read_bank} sampled at edge t gives
 * {@code read_value} (0 for an invalid word) from just after edge t until edge t+1: read latency 1.
 * A bank's RAM has one read port, shared by the MAC and the read port, so a read is correct only
 * when no MAC of the same bank is in flight in the cycle before edge t (one presented at edge t
 * itself does not disturb it) and that bank is not cleared at edge t. Each RAM has one synchronous
 * read and one write port, so it maps to block RAM or LUT RAM.
 *
 * <p>Ports: {@code clear}, {@code clear_bank}, {@code mac_valid}, {@code mac_bank},
 * {@code read_bank} in Bool; {@code mac_row}, {@code read_row} in UInt
 * log2Up(max(words, projWords)); {@code mac_weight} in SInt weightBits; {@code mac_act} in SInt
 * actBits; {@code read_value} out SInt accBits; {@code busy} out Bool.
 */
public final class AccumulatorLane extends JavaComponent {
    public final Bool clear;
    public final Bool clearBank;
    public final Bool macValid;
    public final Bool macBank;
    public final UInt macRow;
    public final SInt macWeight;
    public final SInt macAct;
    public final Bool readBank;
    public final UInt readRow;
    public final SInt readValue;
    public final Bool busy;

    /**
     * @param weightBits signed weight width, 2..31
     * @param actBits    signed activation width, 2..31
     * @param accBits    signed accumulator width, weightBits + actBits .. 62 (one product always
     *                   fits, only the sum saturates)
     * @param words      bank 0 words, 2..65536
     * @param projWords  bank 1 words, 2..65536; rows are log2Up(max(words, projWords)) bits wide
     * @throws EsegenException if a parameter is out of range
     */
    public AccumulatorLane(int weightBits, int actBits, int accBits, int words, int projWords) {
        super(validated(weightBits, actBits, accBits, words, projWords));
        int rowBits = rowBits(Math.max(words, projWords));
        int[] bankWords = {words, projWords};

        clear = inBool("clear");
        clearBank = inBool("clear_bank");
        macValid = inBool("mac_valid");
        macBank = inBool("mac_bank");
        macRow = inUInt("mac_row", rowBits);
        macWeight = inSInt("mac_weight", weightBits);
        macAct = inSInt("mac_act", actBits);
        readBank = inBool("read_bank");
        readRow = inUInt("read_row", rowBits);
        readValue = outSInt("read_value", accBits);
        busy = outBool("busy");

        // stage 1: operand registers, RAM and valid-bit reads
        SInt weightQ = regNext("weight_q", macWeight);
        SInt actQ = regNext("act_q", macAct);
        UInt rowQ = regNext("row_q", macRow);
        Bool bankQ = regNext("bank_q", macBank);
        Bool validQ = regNext("valid_q", macValid, boolConst(false));
        Bool readBankQ = regNext("read_bank_q", readBank);

        // stage 2: product register, forwarding, saturating add, write back
        SInt product = regNext("product", mul(weightQ, actQ));
        UInt rowP = regNext("row_p", rowQ);
        Bool bankP = regNext("bank_p", bankQ);
        Bool wbValid = regInit("wb_valid", bool(), boolConst(false));
        UInt wbRow = reg("wb_row", uint(rowBits));
        Bool wbBank = reg("wb_bank", bool());
        SInt wbValue = reg("wb_value", sint(accBits));

        List<Mem<SInt>> rams = new ArrayList<>();
        SInt[] storedOrZero = new SInt[2];
        Bool[] clearOf = new Bool[2];
        Bits[] valid = new Bits[2];
        for (int bank = 0; bank < 2; bank++) {
            int n = bankWords[bank];
            int bits = rowBits(n);
            Bool isBank = bank == 0 ? not(bankQ) : bankQ;
            Mem<SInt> accumulators = ram("accumulators_" + bank, hardType(() -> sint(accBits)), n);
            rams.add(accumulators);
            valid[bank] = regInit("valid_" + bank, bits(n), bits(n).getZero());
            UInt readAddress = named("read_address_" + bank, mux(and(validQ, isBank), rowQ.resize(bits), readRow.resize(bits)));
            SInt stored = named("stored_" + bank, readSync(accumulators, readAddress));
            Bool storedValid = regNext("stored_valid_" + bank, bitAt(valid[bank], readAddress), boolConst(false));
            storedOrZero[bank] = named("stored_or_zero_" + bank, mux(storedValid, stored, sintConst(0, accBits)));
            clearOf[bank] = named("clear_" + bank, and(clear, bank == 0 ? not(clearBank) : clearBank));
        }
        Bool validP = regNext("valid_p", and(validQ, not(mux(bankQ, clearOf[1], clearOf[0]))), boolConst(false));
        Bool forward = named("forward", and(and(wbValid, equal(wbRow, rowP)), equal(wbBank, bankP)));
        SInt base = named("base", mux(forward, wbValue, mux(bankP, storedOrZero[1], storedOrZero[0])));
        SInt sum = named("sum", add(base.resize(accBits + 1), product.resize(accBits + 1)));
        long max = (1L << (accBits - 1)) - 1;
        long min = -(1L << (accBits - 1));
        // the sum fits accBits + 1 bits; it overflows accBits when its two top bits differ
        SInt top = named("top", slice(sum, accBits - 1, 2));
        SInt saturated = named("saturated", sint(accBits));
        when(equal(top, sintConst(1, 2)), () -> assign(saturated, sintConst(max, accBits)))
                .elseWhen(equal(top, sintConst(-2, 2)), () -> assign(saturated, sintConst(min, accBits)))
                .otherwise(() -> assign(saturated, sum.resize(accBits)));

        Bool writeBack = named("write_back", and(validP, not(mux(bankP, clearOf[1], clearOf[0]))));
        for (int bank = 0; bank < 2; bank++) {
            int n = bankWords[bank];
            Bool toBank = and(writeBack, bank == 0 ? not(bankP) : bankP);
            Mem<SInt> accumulators = rams.get(bank);
            write(accumulators, rowP.resize(rowBits(n)), saturated, toBank);
            Bits bankValid = valid[bank];
            when(toBank, () -> assign(bankValid, or(bankValid, oneHot(rowP.resize(rowBits(n)), n))));
            when(clearOf[bank], () -> assign(bankValid, bits(n).getZero()));
        }
        assign(wbValid, writeBack);
        assign(wbRow, rowP);
        assign(wbBank, bankP);
        assign(wbValue, saturated);

        assign(busy, or(validQ, validP));
        assign(readValue, mux(readBankQ, storedOrZero[1], storedOrZero[0]));
    }

    /** Width of a row address for {@code words} words: log2Up(words). */
    public static int rowBits(int words) {
        return 32 - Integer.numberOfLeadingZeros(words - 1);
    }

    private static String validated(int weightBits, int actBits, int accBits, int words, int projWords) {
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
        if (words < 2 || words > 65536 || projWords < 2 || projWords > 65536) {
            throw new EsegenException(name + ": words " + words + " / projWords " + projWords + " outside 2..65536");
        }
        return name;
    }
}
