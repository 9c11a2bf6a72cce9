package org.esegen.hdl.units;

import static org.esegen.hdl.spinal.Hdl.add;
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
import static org.esegen.hdl.spinal.Hdl.when;
import static org.esegen.hdl.spinal.Hdl.write;

import org.esegen.EsegenException;
import org.esegen.hdl.spinal.JavaComponent;
import spinal.core.Bool;
import spinal.core.Mem;
import spinal.core.SInt;
import spinal.core.UInt;

/**
 * One PE's delta memory in the column-balanced delta engine: {@code rows} words of accBits, M[row] =
 * (M[row] + weight x delta) modulo 2^accBits, one MAC a cycle, any row in any cycle. It keeps only what
 * the delta engine needs of {@link AccumulatorLane}: one bank, no valid bits (a clearing pass zeroes
 * M), no saturation (the twin {@code ColumnBalancedEncoding.accumulate} saturates, and the two agree
 * while no partial sum leaves the accBits range, which the compiler proves for every row), the
 * product in a multiplier (a DSP48E2) and the add in fabric.
 *
 * <p>Ports: {@code clear} in (starts a clearing pass of {@code rows} cycles); {@code mac_valid} in,
 * {@code mac_row} in UInt log2Up(rows), {@code mac_weight} in SInt weightBits, {@code mac_delta} in
 * SInt deltaBits; {@code ready} out (low while clearing: a MAC presented is not taken);
 * {@code read_row} in, {@code read_value} out SInt accBits; {@code busy} out.
 *
 * <p>Timing: a MAC taken at edge t reads its row at t and writes the sum at t + 1; a MAC of the same
 * row taken at t + 1 takes the sum from the write-back register (the RAM's read at t + 1 would see the
 * old word), one taken later from the RAM. {@code read_row} sampled at edge t gives {@code read_value}
 * after it (latency 1) when no MAC is taken at t, nor in the cycle before, nor clearing ({@code busy}
 * low for a cycle): the one read port serves both. Reset starts a clearing pass too.
 */
public final class DeltaLane extends JavaComponent {
    public final Bool clear;
    public final Bool macValid;
    public final UInt macRow;
    public final SInt macWeight;
    public final SInt macDelta;
    public final Bool ready;
    public final UInt readRow;
    public final SInt readValue;
    public final Bool busy;

    /**
     * @param rows       words of M, 2..65536
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
        ready = outBool("ready");
        readRow = inUInt("read_row", rowBits);
        readValue = outSInt("read_value", accBits);
        busy = outBool("busy");

        Mem<SInt> memory = ram("memory", hardType(() -> sint(accBits)), rows);
        ClearingPass clearing = new ClearingPass("clearing", rows, rowBits, clear);
        Bool taken = named("taken", and(macValid, not(clearing.active)));

        SInt stored = readSync(memory, mux(taken, macRow, readRow));
        Bool validQ = regNext("valid_q", taken, boolConst(false));
        UInt rowQ = regNext("row_q", macRow);
        SInt productQ = regNext("product_q", mul(macWeight, macDelta));
        Bool written = regInit("written", bool(), boolConst(false));
        UInt writtenRow = reg("written_row", uint(rowBits));
        SInt writtenValue = reg("written_value", sint(accBits));
        SInt base = named("base", mux(and(written, equal(writtenRow, rowQ)), writtenValue, stored));
        SInt sum = named("sum", add(base, productQ.resize(accBits)));
        write(memory, mux(clearing.active, clearing.address, rowQ), mux(clearing.active, sintConst(0, accBits), sum),
                or(clearing.active, validQ));
        assign(written, validQ);
        assign(writtenRow, rowQ);
        assign(writtenValue, sum);

        assign(ready, not(clearing.active));
        assign(readValue, stored);
        assign(busy, or(clearing.active, validQ));
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
