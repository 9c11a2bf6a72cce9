package org.esegen.hdl.units;

import static org.esegen.hdl.spinal.Hdl.add;
import static org.esegen.hdl.spinal.Hdl.and;
import static org.esegen.hdl.spinal.Hdl.asSInt;
import static org.esegen.hdl.spinal.Hdl.asUInt;
import static org.esegen.hdl.spinal.Hdl.assign;
import static org.esegen.hdl.spinal.Hdl.bits;
import static org.esegen.hdl.spinal.Hdl.blockRam;
import static org.esegen.hdl.spinal.Hdl.bool;
import static org.esegen.hdl.spinal.Hdl.boolConst;
import static org.esegen.hdl.spinal.Hdl.concatLowFirst;
import static org.esegen.hdl.spinal.Hdl.equal;
import static org.esegen.hdl.spinal.Hdl.hardType;
import static org.esegen.hdl.spinal.Hdl.inBool;
import static org.esegen.hdl.spinal.Hdl.inUInt;
import static org.esegen.hdl.spinal.Hdl.masterStream;
import static org.esegen.hdl.spinal.Hdl.mul;
import static org.esegen.hdl.spinal.Hdl.mux;
import static org.esegen.hdl.spinal.Hdl.named;
import static org.esegen.hdl.spinal.Hdl.not;
import static org.esegen.hdl.spinal.Hdl.or;
import static org.esegen.hdl.spinal.Hdl.outBool;
import static org.esegen.hdl.spinal.Hdl.outUInt;
import static org.esegen.hdl.spinal.Hdl.readSync;
import static org.esegen.hdl.spinal.Hdl.reg;
import static org.esegen.hdl.spinal.Hdl.regInit;
import static org.esegen.hdl.spinal.Hdl.sint;
import static org.esegen.hdl.spinal.Hdl.slaveStream;
import static org.esegen.hdl.spinal.Hdl.slice;
import static org.esegen.hdl.spinal.Hdl.sub;
import static org.esegen.hdl.spinal.Hdl.uint;
import static org.esegen.hdl.spinal.Hdl.unused;
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
 * The column-addressed weight store of the column-balanced delta engine (DESIGN.md section 3): one
 * block RAM of store words, each word every PE's entry at one address ({@code
 * ColumnBalancedEncoding.storeWord} defines the layout), loaded once per run; for every fired column
 * c it reads the K words at {@code base} + c K + k, k = 0 .. K - 1, and sends each with the
 * column's delta, so that every PE makes one MAC a cycle. No pointers: the address is a function of
 * the column alone, so a column that did not fire costs nothing.
 *
 * <p>Ports: stream {@code load} (slave, Bits wordBits): each word taken is written at the next
 * address from 0 (after reset or {@code launch}); {@code loaded} out UInt addrBits + 1, the words
 * written; stream {@code fired} (slave, Bits colBits + deltaBits: column low, signed delta above,
 * as {@link DeltaUnit} sends it); {@code base} in UInt addrBits and {@code entries_per_column} in
 * UInt kBits (K, 1 .. maxK), held while columns flow; stream {@code macs} (master, Bits wordBits +
 * deltaBits: the store word low, then the delta);
 * {@code busy} out (a column or a word is inside).
 *
 * <p>Timing: a column at the head of {@code fired} gives a read in each cycle {@code macs} can take
 * one more word (a synchronous read, the word offered from the next cycle until taken), so K words
 * in K cycles while {@code macs} is ready; the column is taken with its K-th read. Addresses beyond
 * the depth, K = 0 or a load during a read are outside the contract.
 */
public final class ColumnBalancedStore extends JavaComponent {
    public final Stream<Bits> load;
    public final UInt loaded;
    public final Stream<Bits> fired;
    public final UInt base;
    public final UInt entriesPerColumn;
    public final Stream<Bits> macs;
    public final Bool launch;
    public final Bool busy;

    /**
     * @param wordBits  bits of a store word (PEs x entry bits), 1..65536
     * @param depth     words held, 1..2^20
     * @param colBits   bits of a column index, 1..16
     * @param deltaBits signed delta width, 2..32
     * @param maxK      largest K, entries per column and PE, 1..4096
     * @throws EsegenException if a parameter is out of range
     */
    public ColumnBalancedStore(int wordBits, int depth, int colBits, int deltaBits, int maxK) {
        super(validated(wordBits, depth, colBits, deltaBits, maxK));
        int addrBits = addressBits(depth);
        int kBits = widthFor(maxK);
        load = slaveStream("load", hardType(() -> bits(wordBits)));
        loaded = outUInt("loaded", addrBits + 1);
        fired = slaveStream("fired", hardType(() -> bits(colBits + deltaBits)));
        base = inUInt("base", addrBits);
        entriesPerColumn = inUInt("entries_per_column", kBits);
        macs = masterStream("macs", hardType(() -> bits(wordBits + deltaBits)));
        launch = inBool("launch");
        busy = outBool("busy");

        Mem<Bits> words = blockRam("words", hardType(() -> bits(wordBits)), depth);

        UInt loadAddress = regInit("load_address", uint(addrBits + 1), uintConst(0, addrBits + 1));
        Bool stored = named("stored", and(load.valid(), load.ready()));
        write(words, loadAddress.resize(addrBits), load.payload(), stored);
        when(stored, () -> assign(loadAddress, add(loadAddress, uintConst(1, addrBits + 1))));
        assign(load.ready(), boolConst(true));
        assign(loaded, loadAddress);

        UInt column = named("column", asUInt(slice(fired.payload(), 0, colBits)));
        SInt delta = named("delta", asSInt(slice(fired.payload(), colBits, deltaBits)));
        UInt entry = regInit("entry", uint(kBits), uintConst(0, kBits));
        Bool lastEntry = named("last_entry", equal(entry, sub(entriesPerColumn, uintConst(1, kBits))));
        UInt columnOffset = named("column_offset", mul(column, entriesPerColumn));
        if (columnOffset.getWidth() > addrBits) {
            unused("column_offset_high", slice(columnOffset, addrBits, columnOffset.getWidth() - addrBits));
        }
        UInt columnStart = named("column_start", columnOffset.resize(addrBits));
        UInt address = named("address", add(add(base, columnStart), entry.resize(addrBits)));

        Bool held = regInit("held", bool(), boolConst(false));
        SInt heldDelta = reg("held_delta", sint(deltaBits));
        Bool reads = named("reads", and(fired.valid(), or(not(held), macs.ready())));
        Bits word = readSync(words, address, reads);
        when(reads, () -> {
            assign(held, boolConst(true));
            assign(heldDelta, delta);
            assign(entry, mux(lastEntry, uintConst(0, kBits), add(entry, uintConst(1, kBits))));
        }).elseWhen(macs.ready(), () -> assign(held, boolConst(false)));
        assign(fired.ready(), and(reads, lastEntry));

        assign(macs.valid(), held);
        assign(macs.payload(), concatLowFirst(List.of(word, heldDelta)));
        assign(busy, or(held, fired.valid()));

        when(launch, () -> {
            assign(loadAddress, uintConst(0, addrBits + 1));
            assign(entry, uintConst(0, kBits));
            assign(held, boolConst(false));
        });
    }

    /** Width of a store address for {@code depth} words. */
    public static int addressBits(int depth) {
        return Math.max(1, widthFor(depth - 1));
    }

    private static String validated(int wordBits, int depth, int colBits, int deltaBits, int maxK) {
        if (wordBits < 1 || wordBits > 65536) {
            throw new EsegenException("ColumnBalancedStore: wordBits " + wordBits + " is outside 1..65536");
        }
        if (depth < 1 || depth > (1 << 20)) {
            throw new EsegenException("ColumnBalancedStore: depth " + depth + " is outside 1..2^20");
        }
        if (colBits < 1 || colBits > 16) {
            throw new EsegenException("ColumnBalancedStore: colBits " + colBits + " is outside 1..16");
        }
        if (deltaBits < 2 || deltaBits > 32) {
            throw new EsegenException("ColumnBalancedStore: deltaBits " + deltaBits + " is outside 2..32");
        }
        if (maxK < 1 || maxK > 4096) {
            throw new EsegenException("ColumnBalancedStore: maxK " + maxK + " is outside 1..4096");
        }
        return "ColumnBalancedStore";
    }
}
