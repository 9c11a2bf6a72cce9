package org.esegen.hdl.units;

import static org.esegen.hdl.spinal.Hdl.add;
import static org.esegen.hdl.spinal.Hdl.allOf;
import static org.esegen.hdl.spinal.Hdl.and;
import static org.esegen.hdl.spinal.Hdl.assign;
import static org.esegen.hdl.spinal.Hdl.bool;
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
import static org.esegen.hdl.spinal.Hdl.uint;
import static org.esegen.hdl.spinal.Hdl.write;

import java.util.ArrayList;
import java.util.List;

import org.esegen.EsegenException;
import org.esegen.hdl.spinal.Hdl;
import org.esegen.hdl.spinal.JavaComponent;
import spinal.core.Bool;
import spinal.core.Mem;
import spinal.core.SInt;
import spinal.core.UInt;

/**
 * One PE's delta memory in the column-balanced delta engine, in two parts so that a frame's MACs can run
 * while the element-wise step reads the previous frame's M: a settled part S and two pending banks
 * P_0, P_1, words of accBits, all modulo 2^accBits, M = S + P_0 + P_1. MACs add weight x delta into
 * P_bank; a read of row r gives S[r] + P_readBank[r]; with {@code fold} high every read also folds the
 * row it read (S[r] = S[r] + P_readBank[r], P_readBank[r] emptied, in the next cycle), which leaves what a
 * read gives unchanged, so folding a row again or before its read is harmless. The delta layer switches
 * banks between frames (MACs into one bank while the element-wise step reads and folds the other);
 * alone, with bank = read bank = 0 and no folds, the lane is one memory: a read gives P_0 = every MAC so
 * far. A pending word is emptied by a flag, not by writing 0: each bank has a one-bit RAM of emptied
 * rows, set by a fold and by the clearing pass, cleared by a MAC; an emptied word reads as 0 (so a bank's
 * RAM has one write port, the MACs', and no zero-write multiplexers: by Yosys 172 LUT + 136 LUTRAM for
 * a lane alone at Spartus's size against 268 + 120 with zero writes). S is zeroed by the clearing pass. No saturation (the twin {@code
 * ColumnBalancedEncoding.accumulate} saturates, and the two agree while no partial sum leaves the accBits
 * range, which the compiler proves for every row), the product in a multiplier (a DSP48E2), the adds in
 * fabric.
 *
 * <p>Ports: {@code clear} in (starts a clearing pass of {@code rows} cycles); {@code mac_valid} in,
 * {@code mac_row} in UInt log2Up(rows), {@code mac_weight} in SInt weightBits, {@code mac_delta} in
 * SInt deltaBits; {@code bank} in (the bank MACs go to); {@code ready} out (low while clearing: a MAC
 * presented is not taken); {@code read_row} in, {@code read_bank} in, {@code read_value} out SInt
 * accBits; {@code fold} in; {@code busy} out.
 *
 * <p>Timing: a MAC taken at edge t reads its row at t and writes the sum at t + 1; a MAC of the same
 * row and bank taken at t + 1 takes the sum from the write-back register (the RAM's read at t + 1 would
 * see the old word), one taken later from the RAM. {@code read_row}, {@code read_bank} and {@code fold}
 * sampled at edge t give {@code read_value} after it (latency 1) and, with fold, write the fold at t + 1.
 * A read of the bank MACs go to shares its port with them: correct only when no MAC is taken at t nor in
 * the cycle before ({@code busy} low for a cycle); that bank must not be folded (a MAC right after would
 * add to the word the fold empties). Reset starts a clearing pass too.
 */
public final class DeltaLane extends JavaComponent {
    public final Bool clear;
    public final Bool macValid;
    public final UInt macRow;
    public final SInt macWeight;
    public final SInt macDelta;
    public final Bool bank;
    public final Bool ready;
    public final UInt readRow;
    public final Bool readBank;
    public final SInt readValue;
    public final Bool fold;
    public final Bool busy;

    /**
     * @param rows       words of each part, 2..65536
     * @param weightBits signed weight width, 2..31
     * @param deltaBits  signed delta width, 2..32
     * @param accBits    signed word width, weightBits + deltaBits .. 62
     * @throws EsegenException if a parameter is out of range
     */
    public DeltaLane(int rows, int weightBits, int deltaBits, int accBits) {
        super(validated(rows, weightBits, deltaBits, accBits));
        int rowBits = AccumulatorLane.rowBits(rows);
        clear = inBool("clear");
        macValid = inBool("mac_valid");
        macRow = inUInt("mac_row", rowBits);
        macWeight = inSInt("mac_weight", weightBits);
        macDelta = inSInt("mac_delta", deltaBits);
        bank = inBool("bank");
        ready = outBool("ready");
        readRow = inUInt("read_row", rowBits);
        readBank = inBool("read_bank");
        readValue = outSInt("read_value", accBits);
        fold = inBool("fold");
        busy = outBool("busy");

        Mem<SInt> settled = ram("settled", hardType(() -> sint(accBits)), rows);
        List<Mem<SInt>> pending = List.of(ram("pending_0", hardType(() -> sint(accBits)), rows),
                ram("pending_1", hardType(() -> sint(accBits)), rows));
        ClearingPass clearing = new ClearingPass("clearing", rows, rowBits, clear);
        Bool taken = named("taken", and(macValid, not(clearing.active)));

        List<Mem<Bool>> emptied = List.of(ram("emptied_0", hardType(Hdl::bool), rows),
                ram("emptied_1", hardType(Hdl::bool), rows));
        List<SInt> stored = new ArrayList<>();
        for (int b = 0; b < 2; b++) {
            Bool macHere = named("mac_into_" + b, and(taken, isBank(bank, b)));
            UInt address = named("pending_address_" + b, mux(macHere, macRow, readRow));
            Bool wasEmptied = named("was_emptied_" + b, readSync(emptied.get(b), address));
            stored.add(named("stored_" + b, mux(wasEmptied, sintConst(0, accBits),
                    readSync(pending.get(b), address))));
        }
        SInt settledValue = readSync(settled, readRow);
        Bool validQ = regNext("valid_q", taken, boolConst(false));
        UInt rowQ = regNext("row_q", macRow);
        Bool bankQ = regNext("bank_q", bank);
        SInt productQ = regNext("product_q", mul(macWeight, macDelta));
        Bool written = regInit("written", bool(), boolConst(false));
        UInt writtenRow = reg("written_row", uint(rowBits));
        Bool writtenBank = reg("written_bank", bool());
        SInt writtenValue = reg("written_value", sint(accBits));
        SInt base = named("base", mux(allOf(List.of(written, equal(writtenRow, rowQ), equal(writtenBank, bankQ))),
                writtenValue, mux(bankQ, stored.get(1), stored.get(0))));
        SInt sum = named("sum", add(base, productQ.resize(accBits)));
        assign(written, validQ);
        assign(writtenRow, rowQ);
        assign(writtenBank, bankQ);
        assign(writtenValue, sum);

        UInt readRowQ = regNext("read_row_q", readRow);
        Bool readBankQ = regNext("read_bank_q", readBank);
        SInt readSum = named("read_sum", add(settledValue, mux(readBankQ, stored.get(1), stored.get(0))));
        Bool macIntoReadBank = named("mac_into_read_bank", and(validQ, equal(bankQ, readBankQ)));
        Bool folding = named("folding", allOf(List.of(regNext("fold_q", fold, boolConst(false)), not(clearing.active),
                not(macIntoReadBank))));
        write(settled, mux(clearing.active, clearing.address, readRowQ), mux(clearing.active, sintConst(0, accBits),
                readSum), or(clearing.active, folding));
        for (int b = 0; b < 2; b++) {
            Bool macWrite = and(validQ, isBank(bankQ, b));
            Bool foldWrite = and(folding, isBank(readBankQ, b));
            write(pending.get(b), rowQ, sum, macWrite);
            write(emptied.get(b), mux(clearing.active, clearing.address, mux(macWrite, rowQ, readRowQ)),
                    or(clearing.active, not(macWrite)), or(clearing.active, or(macWrite, foldWrite)));
        }

        assign(ready, not(clearing.active));
        assign(readValue, readSum);
        assign(busy, or(clearing.active, validQ));
    }

    private static Bool isBank(Bool bank, int b) {
        return b == 1 ? bank : not(bank);
    }

    private static String validated(int rows, int weightBits, int deltaBits, int accBits) {
        if (rows < 2 || rows > 65536) {
            throw new EsegenException("DeltaLane: rows " + rows + " is outside 2..65536");
        }
        if (weightBits < 2 || weightBits > 31 || deltaBits < 2 || deltaBits > 32) {
            throw new EsegenException("DeltaLane: widths " + weightBits + " x " + deltaBits + " are outside 2..31 x 2..32");
        }
        if (accBits < weightBits + deltaBits || accBits > 62) {
            throw new EsegenException("DeltaLane: accBits " + accBits + " is outside " + (weightBits + deltaBits) + "..62");
        }
        return "DeltaLane";
    }
}
