package org.esegen.hdl.units;

import static org.esegen.hdl.spinal.Hdl.add;
import static org.esegen.hdl.spinal.Hdl.and;
import static org.esegen.hdl.spinal.Hdl.asSInt;
import static org.esegen.hdl.spinal.Hdl.assign;
import static org.esegen.hdl.spinal.Hdl.bitAt;
import static org.esegen.hdl.spinal.Hdl.bits;
import static org.esegen.hdl.spinal.Hdl.bitsConst;
import static org.esegen.hdl.spinal.Hdl.blockRam;
import static org.esegen.hdl.spinal.Hdl.lutRam;
import static org.esegen.hdl.spinal.Hdl.bool;
import static org.esegen.hdl.spinal.Hdl.child;
import static org.esegen.hdl.spinal.Hdl.boolConst;
import static org.esegen.hdl.spinal.Hdl.concatLowFirst;
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
import static org.esegen.hdl.spinal.Hdl.outBools;
import static org.esegen.hdl.spinal.Hdl.outSIntGrid;
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
 * The accumulators of one PE for its C channels: two banks of C signed accBits words per row
 * (bank 0 of {@code words} rows for the gate matrix W_a, bank 1 of {@code projWords} rows for
 * W_hr), each bank one RAM whose word holds the row of every channel (channel ch in bits
 * [ch accBits, (ch + 1) accBits)) and one valid bit per row, and a saturating multiply-accumulate
 * per channel that updates one row of every channel per cycle. The channels run in lockstep (the
 * same weight and row, each its own activation), so the row control, the valid bits and the
 * forwarding compare exist once; per channel there is a multiplier, an adder and the saturation
 * ({@link Mac#FABRIC}) or one DSP48E2 ({@link Mac#DSP48E2}).
 * Two banks let the element-wise step read the gates (bank 0) while SpMV 2 accumulates (bank 1).
 *
 * <p>Contract ({@link Mac#FABRIC}; {@code mac_ready} is always high), per MAC presented in a cycle
 * ({@code mac_valid} high at a rising edge): in bank
 * {@code mac_bank}, for every channel ch, acc_ch[mac_row] = sat((valid[mac_row] ? acc_ch[mac_row] :
 * 0) + mac_weight * mac_act_ch) and the row becomes valid. sat clamps to [-2^(accBits-1),
 * 2^(accBits-1) - 1], as {@code FixedFormat(accBits, f).saturate} does; nothing wraps. MACs apply
 * in the order presented, one per cycle at most, any row in any cycle: a row may come back in the
 * next cycle (the result still in the pipeline is forwarded) or at any later distance, with no
 * stall.
 *
 * <p>{@code clear} at a rising edge invalidates every row of bank {@code clear_bank} (they read as
 * 0 and the next MAC of a row starts from 0) and cancels the MACs presented before that edge that
 * are still in flight; a MAC presented together with {@code clear} applies after the clear. Reset
 * invalidates every row of both banks and empties the pipeline.
 *
 * <p>Latency and pipeline: a MAC presented at edge t is in the RAM after edge t+2; {@code busy} is
 * high in the two cycles between (t to t+1 and t+1 to t+2). Stage 1 registers the operands
 * ({@code weight_q}, {@code act_q_<ch>}: the A/B registers of a DSP48E2) and reads the row and its
 * valid bit; stage 2 registers the products ({@code product_<ch>}: the M register; with operands
 * of up to 27 x 18 bits each multiply maps to one DSP48E2), adds each to its word or to the
 * result written one cycle before (forwarding, {@code wb_value}: the only hazard, since a row
 * written at edge t+2 is read by a MAC presented at edge t+2 or later), saturates in fabric
 * (overflow is read off the two top bits of the accBits + 1 bit sum, no comparator) and writes
 * back.
 *
 * <p><b>{@link Mac#DSP48E2}</b> (module {@code DspAccumulatorLane}): each channel's multiply and add is
 * one instantiated {@link Dsp48e2} ({@link DspMac}: A the activation, B the weight, C the stored word,
 * P the sum), so a channel's fabric is its RAM bits and the bank select. The contract changes in three ways:
 * (1) nothing saturates: the sum is taken modulo 2^accBits, so the lane agrees with the saturating
 * contract only while no partial sum leaves the accBits range (the compiler proves that for every
 * row of an image it compiles for such a configuration, or refuses the image); (2) a MAC taken at
 * edge t is in the RAM after edge t+3 (t+4 if it waits, (3); {@code busy} high meanwhile), its result
 * sitting in the DSP's P register for at least the cycle before, from where the next MAC of the same
 * row takes it (Z = P), whatever the distance, if no other MAC came in between; (3) a MAC taken at
 * edge t whose row is written at edge t+1 by the MAC taken at edge t-2 while the MAC taken at edge
 * t-1 is of another row (so that P cannot supply it) waits one cycle in stage 1 and reads its row again; in that
 * cycle {@code mac_ready} (a function of registers only) is low and a MAC presented is not taken;
 * in the next cycle one is.
 * The Z choice (P, the stored word, or 0 for an invalid row) is made once for all channels.
 *
 * <p>Read ports, one per bank: {@code read_row} sampled at edge t gives, from just after edge t
 * until edge t+1 (read latency 1), {@code read_value_<b>_<ch>} (the stored word of bank b, as
 * stored: garbage for an invalid row) and {@code read_valid_<b>} (the row is valid; a reader
 * takes an invalid row as 0, which it can do after narrowing, once for all channels). A bank's
 * RAM has one read port, shared by the MAC and the read port, so bank b's read is correct only
 * when no MAC of bank b is in flight in the cycle before edge t (one presented at edge t itself
 * does not disturb it) and bank b is not cleared at edge t: the element-wise step reads bank 0
 * while SpMV 2 fills bank 1, the y gather bank 1 while SpMV 1 fills bank 0. Each RAM has one
 * synchronous read and one write port, C accBits wide, so it maps to block RAM or LUT RAM.
 *
 * <p>Ports: {@code clear}, {@code clear_bank}, {@code mac_valid}, {@code mac_bank} in Bool;
 * {@code mac_row}, {@code read_row} in UInt log2Up(max(words, projWords)); {@code mac_weight} in
 * SInt weightBits; {@code mac_act_<ch>} in SInt actBits; {@code read_value_0_<ch>},
 * {@code read_value_1_<ch>} out SInt accBits; {@code read_valid_0}, {@code read_valid_1},
 * {@code busy}, {@code mac_ready} out Bool.
 */
public final class AccumulatorLane extends JavaComponent {
    public final Bool clear;
    public final Bool clearBank;
    public final Bool macValid;
    public final Bool macBank;
    public final UInt macRow;
    public final SInt macWeight;
    /** {@code mac_act_<ch>}, by channel. */
    public final List<SInt> macActs;
    public final UInt readRow;
    /** {@code read_value_<b>_<ch>}, by bank b, then channel. */
    public final List<List<SInt>> readValues;
    /** {@code read_valid_<b>}, by bank b. */
    public final List<Bool> readValid;
    public final Bool busy;
    /** {@code mac_ready}: a MAC presented now is taken; low only with {@link Mac#DSP48E2} (see the class comment). */
    public final Bool macReady;

    /**
     * @param channels   C, channels accumulated in lockstep, 1..64
     * @param weightBits signed weight width, 2..31
     * @param actBits    signed activation width, 2..31
     * @param accBits    signed accumulator width, weightBits + actBits .. 62 (one product always
     *                   fits, only the sum saturates)
     * @param words      bank 0 rows, 2..65536
     * @param projWords  bank 1 rows, 2..65536; rows are log2Up(max(words, projWords)) bits wide
     * @param mac        the multiply-accumulate hardware: {@link Mac#DSP48E2} needs weightBits <= 18,
     *                   actBits <= 27 and accBits <= 48
     * @param blockChannels 0: every word where the tools put it; else bank 0's words of channels 0 ..
     *                   blockChannels - 1 in a RAM marked {@code ram_style = "block"} and the other channels' in one
     *                   marked {@code "distributed"} (LUT RAM; same ports and timing); 0..channels
     * @throws EsegenException if a parameter is out of range
     */
    public AccumulatorLane(int channels, int weightBits, int actBits, int accBits, int words, int projWords, Mac mac,
                           int blockChannels) {
        super(validated(channels, weightBits, actBits, accBits, words, projWords, mac, blockChannels));
        int rowBits = rowBits(Math.max(words, projWords));
        int[] bankWords = {words, projWords};

        clear = inBool("clear");
        clearBank = inBool("clear_bank");
        macValid = inBool("mac_valid");
        macBank = inBool("mac_bank");
        macRow = inUInt("mac_row", rowBits);
        macWeight = inSInt("mac_weight", weightBits);
        macActs = new ArrayList<>();
        for (int ch = 0; ch < channels; ch++) {
            macActs.add(inSInt("mac_act_" + ch, actBits));
        }
        readRow = inUInt("read_row", rowBits);
        readValues = outSIntGrid("read_value", 2, channels, accBits);
        readValid = outBools("read_valid", 2);
        busy = outBool("busy");
        macReady = outBool("mac_ready");

        Bool[] clearOf = new Bool[2];
        for (int bank = 0; bank < 2; bank++) {
            clearOf[bank] = named("clear_" + bank, and(clear, bank == 0 ? not(clearBank) : clearBank));
        }
        // stage 1: operand registers (in the DSP48E2 itself with Mac.DSP48E2), RAM and valid-bit reads; a
        // MAC held here (DSP48E2 only) stays a cycle and reads its row again
        Bool hold = mac == Mac.FABRIC ? boolConst(false) : named("hold", bool());
        UInt rowQ = mac == Mac.FABRIC ? regNext("row_q", macRow) : reg("row_q", uint(rowBits));
        Bool bankQ = mac == Mac.FABRIC ? regNext("bank_q", macBank) : reg("bank_q", bool());
        Bool validQ = mac == Mac.FABRIC ? regNext("valid_q", macValid, boolConst(false))
                : regInit("valid_q", bool(), boolConst(false));
        Bool clearQ = named("clear_q", mux(bankQ, clearOf[1], clearOf[0]));
        if (mac == Mac.DSP48E2) {
            when(not(hold), () -> {
                assign(rowQ, macRow);
                assign(bankQ, macBank);
            });
            assign(validQ, mux(hold, and(validQ, not(clearQ)), macValid));
        }
        assign(macReady, not(hold));

        int rowWidth = channels * accBits;
        List<List<Mem<Bits>>> bankRams = new ArrayList<>();
        Bits[] stored = new Bits[2];
        Bool[] storedValid = new Bool[2];
        Bits[] valid = new Bits[2];
        for (int bank = 0; bank < 2; bank++) {
            int n = bankWords[bank];
            int bits = rowBits(n);
            Bool isBank = bank == 0 ? not(bankQ) : bankQ;
            List<Mem<Bits>> parts = new ArrayList<>();
            int blockBits = bank == 0 ? blockChannels * accBits : 0;
            if (blockBits > 0) {
                parts.add(blockRam("accumulators_" + bank + "_block", hardType(() -> bits(blockBits)), n));
            }
            if (blockBits < rowWidth) {
                String name = "accumulators_" + bank;
                parts.add(blockBits > 0 ? lutRam(name + "_lut", hardType(() -> bits(rowWidth - blockBits)), n)
                        : ram(name, hardType(() -> bits(rowWidth - blockBits)), n));
            }
            bankRams.add(parts);
            valid[bank] = regInit("valid_" + bank, bits(n), bits(n).getZero());
            UInt readAddress = named("read_address_" + bank, mux(and(validQ, isBank), rowQ.resize(bits), readRow.resize(bits)));
            stored[bank] = named("stored_" + bank, concatLowFirst(parts.stream().map(ram -> readSync(ram, readAddress))
                    .toList()));
            storedValid[bank] = regNext("stored_valid_" + bank, bitAt(valid[bank], readAddress), boolConst(false));
            assign(readValid.get(bank), storedValid[bank]);
            for (int ch = 0; ch < channels; ch++) {
                assign(readValues.get(bank).get(ch), asSInt(slice(stored[bank], ch * accBits, accBits)));
            }
        }

        // stage 2: the product, the base (stored word, forwarded result or 0) and their sum
        UInt rowP = regNext("row_p", rowQ);
        Bool bankP = regNext("bank_p", bankQ);
        Bool validP = regNext("valid_p", mac == Mac.FABRIC ? and(validQ, not(clearQ))
                : and(and(validQ, not(hold)), not(clearQ)), boolConst(false));
        Bool baseValid = named("base_valid", mux(bankP, storedValid[1], storedValid[0]));
        Bits baseRow = named("base_row", mux(bankP, stored[1], stored[0]));
        Bool sumValid = named("sum_valid", and(validP, not(mux(bankP, clearOf[1], clearOf[0]))));
        WriteBack writeBack = mac == Mac.FABRIC
                ? fabricMac(channels, accBits, rowBits, rowP, bankP, sumValid, baseValid, baseRow)
                : dspMac(channels, accBits, rowBits, rowP, bankP, sumValid, baseValid, baseRow, clearOf, not(hold));

        Bool write = named("write_back", and(writeBack.valid(), not(mux(writeBack.bank(), clearOf[1], clearOf[0]))));
        for (int bank = 0; bank < 2; bank++) {
            int n = bankWords[bank];
            Bool toBank = and(write, bank == 0 ? not(writeBack.bank()) : writeBack.bank());
            int at = 0;
            for (Mem<Bits> ram : bankRams.get(bank)) {
                int width = ram.getWidth();
                write(ram, writeBack.row().resize(rowBits(n)), slice(writeBack.value(), at, width), toBank);
                at += width;
            }
            Bits bankValid = valid[bank];
            when(toBank, () -> assign(bankValid, or(bankValid, oneHot(writeBack.row().resize(rowBits(n)), n))));
            when(clearOf[bank], () -> assign(bankValid, bits(n).getZero()));
        }
        assign(busy, or(or(validQ, validP), writeBack.pending()));
        if (mac == Mac.DSP48E2) {
            // the MAC in stage 1 would read its row at the edge the older result of that row is written, and
            // P, which holds that result now, takes the result of a MAC of another row from stage 2: it waits
            // a cycle (with stage 2 empty or of the same row, P supplies the row's latest value)
            Bool writtenNow = named("written_now", and(and(writeBack.valid(), equal(writeBack.row(), rowQ)),
                    equal(writeBack.bank(), bankQ)));
            Bool otherRowNext = named("other_row_next", and(validP, not(and(equal(rowP, rowQ), equal(bankP, bankQ)))));
            assign(hold, and(and(validQ, writtenNow), otherRowNext));
        }
    }

    /** Which hardware multiplies and accumulates; see the class comment. */
    public enum Mac {
        /** An inferred multiplier, the add, forwarding and saturation in fabric; write back at edge t+2. */
        FABRIC,
        /** An instantiated {@link Dsp48e2} per channel, no saturation; write back at edge t+3. */
        DSP48E2
    }

    /** A MAC path's write into the RAMs: row, bank, the row of every channel, whether a MAC is in it. */
    private record WriteBack(Bool valid, UInt row, Bool bank, Bits value, Bool pending) {
    }

    /**
     * Stage 2 in fabric: the operands registered (A/B), the products registered (M), each added to the
     * stored word, 0, or the result written one cycle before (forwarded), saturated and written back at the
     * end of stage 2.
     */
    private WriteBack fabricMac(int channels, int accBits, int rowBits, UInt rowP, Bool bankP, Bool sumValid,
                                Bool baseValid, Bits baseRow) {
        SInt weightQ = regNext("weight_q", macWeight);
        Bool wbValid = regInit("wb_valid", bool(), boolConst(false));
        UInt wbRow = reg("wb_row", uint(rowBits));
        Bool wbBank = reg("wb_bank", bool());
        Bits wbValue = reg("wb_value", bits(channels * accBits));
        Bool forward = named("forward", and(and(wbValid, equal(wbRow, rowP)), equal(wbBank, bankP)));
        long max = (1L << (accBits - 1)) - 1;
        long min = -(1L << (accBits - 1));
        List<SInt> saturatedWords = new ArrayList<>();
        for (int ch = 0; ch < channels; ch++) {
            SInt actQ = regNext("act_q_" + ch, macActs.get(ch));
            SInt product = regNext("product_" + ch, mul(weightQ, actQ));
            SInt storedWord = asSInt(slice(baseRow, ch * accBits, accBits));
            SInt storedOrZero = mux(baseValid, storedWord, sintConst(0, accBits));
            SInt base = named("base_" + ch, mux(forward, asSInt(slice(wbValue, ch * accBits, accBits)), storedOrZero));
            SInt sum = named("sum_" + ch, add(base.resize(accBits + 1), product.resize(accBits + 1)));
            // the sum fits accBits + 1 bits; it overflows accBits when its two top bits differ
            SInt top = named("top_" + ch, slice(sum, accBits - 1, 2));
            SInt saturated = named("saturated_" + ch, sint(accBits));
            when(equal(top, sintConst(1, 2)), () -> assign(saturated, sintConst(max, accBits)))
                    .elseWhen(equal(top, sintConst(-2, 2)), () -> assign(saturated, sintConst(min, accBits)))
                    .otherwise(() -> assign(saturated, sum.resize(accBits)));
            saturatedWords.add(saturated);
        }
        Bits saturatedRow = named("saturated_row", concatLowFirst(saturatedWords));
        assign(wbValid, sumValid);
        assign(wbRow, rowP);
        assign(wbBank, bankP);
        assign(wbValue, saturatedRow);
        return new WriteBack(sumValid, rowP, bankP, saturatedRow, boolConst(false));
    }

    /**
     * Stage 2 in DSP48E2s: A (the activation) and B (the weight) registered in the DSP at the MAC's edge, the
     * product in its M register, and its post-adder adding Z, chosen once for all channels: P (the previous
     * MAC's result, still in the P register, when that MAC was of the same row: the forwarding), the stored word
     * on C, or 0. The sum lands in P at the end of stage 2 and its low accBits bits are written back at the next
     * edge (stage 3).
     */
    private WriteBack dspMac(int channels, int accBits, int rowBits, UInt rowP, Bool bankP, Bool sumValid,
                             Bool baseValid, Bits baseRow, Bool[] clearOf, Bool operandEnable) {
        Bool lastValid = regInit("last_valid", bool(), boolConst(false));
        UInt lastRow = reg("last_row", uint(rowBits));
        Bool lastBank = reg("last_bank", bool());
        Bool forward = named("forward", and(and(lastValid, equal(lastRow, rowP)), equal(lastBank, bankP)));
        Bits zSelect = named("z_select", mux(forward, bitsConst(Dsp48e2.Z_P, 3),
                mux(baseValid, bitsConst(Dsp48e2.Z_C, 3), bitsConst(Dsp48e2.Z_ZERO, 3))));
        when(mux(lastBank, clearOf[1], clearOf[0]), () -> assign(lastValid, boolConst(false)));
        when(sumValid, () -> {
            assign(lastValid, boolConst(true));
            assign(lastRow, rowP);
            assign(lastBank, bankP);
        });
        List<SInt> results = new ArrayList<>();
        for (int ch = 0; ch < channels; ch++) {
            DspMac dsp = child("mac_" + ch, new DspMac(macActs.get(ch).getWidth(), macWeight.getWidth(), accBits));
            assign(dsp.a, macActs.get(ch));
            assign(dsp.b, macWeight);
            assign(dsp.c, asSInt(slice(baseRow, ch * accBits, accBits)));
            assign(dsp.zSelect, zSelect);
            assign(dsp.pEnable, sumValid);
            assign(dsp.operandEnable, operandEnable);
            results.add(dsp.p);
        }
        Bool wbValid = regNext("wb_valid", sumValid, boolConst(false));
        UInt wbRow = regNext("wb_row", rowP);
        Bool wbBank = regNext("wb_bank", bankP);
        return new WriteBack(wbValid, wbRow, wbBank, named("result_row", concatLowFirst(results)), wbValid);
    }

    /** Width of a row address for {@code words} words: log2Up(words). */
    public static int rowBits(int words) {
        return 32 - Integer.numberOfLeadingZeros(words - 1);
    }

    private static String validated(int channels, int weightBits, int actBits, int accBits, int words,
                                    int projWords, Mac mac, int blockChannels) {
        String name = mac == Mac.FABRIC ? "AccumulatorLane" : "DspAccumulatorLane";
        if (mac == Mac.DSP48E2 && (weightBits > Dsp48e2.B_BITS || actBits > Dsp48e2.A_MULTIPLIER_BITS
                || accBits > Dsp48e2.P_BITS)) {
            throw new EsegenException(name + ": weightBits " + weightBits + ", actBits " + actBits + ", accBits "
                    + accBits + " exceed the DSP48E2's " + Dsp48e2.B_BITS + " x " + Dsp48e2.A_MULTIPLIER_BITS
                    + " multiplier or its " + Dsp48e2.P_BITS + "-bit adder");
        }
        if (channels < 1 || channels > 64) {
            throw new EsegenException(name + ": channels " + channels + " is outside 1..64");
        }
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
        if (blockChannels < 0 || blockChannels > channels) {
            throw new EsegenException(name + ": blockChannels " + blockChannels + " is outside 0..channels = "
                    + channels);
        }
        return name;
    }
}
