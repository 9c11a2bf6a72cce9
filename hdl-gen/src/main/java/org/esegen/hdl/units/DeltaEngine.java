package org.esegen.hdl.units;

import static org.esegen.hdl.spinal.Hdl.add;
import static org.esegen.hdl.spinal.Hdl.allOf;
import static org.esegen.hdl.spinal.Hdl.and;
import static org.esegen.hdl.spinal.Hdl.anyOf;
import static org.esegen.hdl.spinal.Hdl.assign;
import static org.esegen.hdl.spinal.Hdl.bits;
import static org.esegen.hdl.spinal.Hdl.child;
import static org.esegen.hdl.spinal.Hdl.concatLowFirst;
import static org.esegen.hdl.spinal.Hdl.connect;
import static org.esegen.hdl.spinal.Hdl.equal;
import static org.esegen.hdl.spinal.Hdl.hardType;
import static org.esegen.hdl.spinal.Hdl.inBool;
import static org.esegen.hdl.spinal.Hdl.inUInt;
import static org.esegen.hdl.spinal.Hdl.named;
import static org.esegen.hdl.spinal.Hdl.not;
import static org.esegen.hdl.spinal.Hdl.or;
import static org.esegen.hdl.spinal.Hdl.outBool;
import static org.esegen.hdl.spinal.Hdl.outSInt;
import static org.esegen.hdl.spinal.Hdl.outUInt;
import static org.esegen.hdl.spinal.Hdl.regInit;
import static org.esegen.hdl.spinal.Hdl.slaveStream;
import static org.esegen.hdl.spinal.Hdl.slice;
import static org.esegen.hdl.spinal.Hdl.streamFifo;
import static org.esegen.hdl.spinal.Hdl.sub;
import static org.esegen.hdl.spinal.Hdl.uint;
import static org.esegen.hdl.spinal.Hdl.uintConst;
import static org.esegen.hdl.spinal.Hdl.unused;
import static org.esegen.hdl.spinal.Hdl.when;
import static org.esegen.hdl.spinal.Hdl.widthFor;

import java.util.ArrayList;
import java.util.List;

import org.esegen.EsegenException;
import org.esegen.hdl.spinal.Hdl.FifoPorts;
import org.esegen.hdl.spinal.JavaComponent;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.SInt;
import spinal.core.UInt;
import spinal.lib.Stream;

/**
 * The column-balanced delta engine's SpMV 1 with A arrays working on different columns at once
 * (Spartus's arrays): array a owns the columns c = j A + a (its local column j) with their store words
 * and keeps its own partial delta memory M_a over every PE's rows, so the arrays never contend for
 * a row; M = sum over a of M_a, added when read. Each array is a {@link DeltaSpmv} (delta unit,
 * column-addressed store, PE accumulators), fed from its own {@code StreamFifo} so an array whose
 * columns fire more does not hold the others up; the twins are the same as for one array
 * ({@code DeltaEncoder} over all columns, {@code ColumnBalancedEncoding.accumulate}), and the store
 * words of array a are {@code ColumnBalancedEncoding.arrayStoreWords(a, A, ...)}.
 *
 * <p>Exactness: each M_a row is a partial dot product of a row of W with the last-sent vector, so
 * while no such partial sum leaves the accBits range (which the compiler proves for whole rows, and
 * so for every part of them), nothing saturates, M_a sums to the one-array M exactly, and the
 * read sum (modulo 2^accBits) is exact.
 *
 * <p>Ports: stream {@code groups} (slave, Bits groupBits + A + A actBits: group g (low), a mask of
 * the columns present, then the values of columns g A .. g A + A - 1, value a at bits [groupBits + A
 * + a actBits, ...)); {@code input_size} in UInt colBits + 1 (global columns); {@code input_theta},
 * {@code recurrent_theta} as {@link DeltaUnit}'s; stream {@code load} (slave, the store words of
 * array 0, then of array 1, ..., {@code array_words} each, after reset or {@code launch}); {@code
 * array_words} in; {@code base}, {@code entries_per_column} as {@link ColumnBalancedStore}'s (the same
 * for every array); {@code launch} in; {@code bank}, {@code read_bank}, {@code fold} in (every
 * array's, see {@link DeltaLane}); {@code read_row} in, {@code read_value_<p>} out SInt accBits (the sum
 * of the arrays' reads modulo 2^accBits, a tree of log2 A adder levels), latency 1, correct when {@code
 * busy} has been low for a cycle or the read bank is not the MAC bank;
 * {@code fired_inputs}, {@code fired_recurrent}, {@code elements_seen} out UInt 32, sums over the
 * arrays; {@code loaded} out (the arrays are loaded: {@code array_words} words each); {@code busy}
 * out.
 *
 * <p>Throughput: a group a cycle into the FIFOs; each array decides one of its elements a cycle and
 * makes K MACs in every PE per fired column, so a frame costs about max over arrays of (its
 * elements, K x its fired columns) cycles.
 */
public final class DeltaEngine extends JavaComponent {
    public final Bool launch;
    /** {@code bank}, {@code read_bank}, {@code fold}: every array's, see {@link DeltaLane}. */
    public final Bool bank;
    public final Bool readBank;
    public final Bool fold;
    public final Stream<Bits> groups;
    public final UInt inputSize;
    public final UInt inputTheta;
    public final UInt recurrentTheta;
    public final Stream<Bits> load;
    public final UInt arrayWords;
    public final UInt base;
    public final UInt entriesPerColumn;
    /** {@code loaded}: every array holds its {@code array_words} words. */
    public final Bool loaded;
    public final UInt readRow;
    /** {@code read_value_<p>}, by PE. */
    public final List<SInt> readValues;
    public final UInt firedInputs;
    public final UInt firedRecurrent;
    public final UInt elementsSeen;
    public final Bool busy;

    /**
     * @param arrays     A, a power of two, 1..64
     * @param pes        PEs per array, 1..256
     * @param localRows  rows of M per PE, 2..65536
     * @param columns    columns of the longest vector (all arrays), A..65536
     * @param arrayDepth store words per array, 1..2^20
     * @param maxK       largest K, 1..4096
     * @param weightBits signed weight width, 2..31
     * @param actBits    signed activation width, 2..30
     * @param accBits    signed accumulator width, weightBits + actBits + 1 .. 62
     * @param fifoDepth  elements each array's input FIFO holds and fired columns its queue between delta
     *                   unit and store holds, 2..4096
     * @throws EsegenException if a parameter is out of range
     */
    public DeltaEngine(int arrays, int pes, int localRows, int columns, int arrayDepth, int maxK, int weightBits,
                       int actBits, int accBits, int fifoDepth) {
        super(validated(arrays, columns, fifoDepth));
        int arrayColumns = (columns + arrays - 1) / arrays;
        int colBits = DeltaUnit.columnBits(columns);
        int localColBits = DeltaUnit.columnBits(arrayColumns);
        int arrayBits = Integer.numberOfTrailingZeros(arrays);
        int groupBits = localColBits;
        List<DeltaSpmv> units = new ArrayList<>();
        for (int a = 0; a < arrays; a++) {
            units.add(child("array_" + a, new DeltaSpmv(pes, localRows, arrayColumns, arrayDepth, maxK, weightBits,
                    actBits, accBits, fifoDepth)));
        }
        launch = inBool("launch");
        bank = inBool("bank");
        readBank = inBool("read_bank");
        fold = inBool("fold");
        groups = slaveStream("groups", hardType(() -> bits(groupBits + arrays + arrays * actBits)));
        inputSize = inUInt("input_size", colBits + 1);
        inputTheta = inUInt("input_theta", actBits + 1);
        recurrentTheta = inUInt("recurrent_theta", actBits + 1);
        busy = outBool("busy");
        load = slaveStream("load", hardType(() -> bits(units.get(0).load.payload().getWidth())));
        arrayWords = inUInt("array_words", units.get(0).loaded.getWidth());
        base = inUInt("base", units.get(0).base.getWidth());
        entriesPerColumn = inUInt("entries_per_column", units.get(0).entriesPerColumn.getWidth());
        loaded = outBool("loaded");
        readRow = inUInt("read_row", units.get(0).readRow.getWidth());
        firedInputs = outUInt("fired_inputs", DeltaUnit.COUNTER_BITS);
        firedRecurrent = outUInt("fired_recurrent", DeltaUnit.COUNTER_BITS);
        elementsSeen = outUInt("elements_seen", DeltaUnit.COUNTER_BITS);

        List<Bool> fifosReady = new ArrayList<>();
        List<Bool> arraysBusy = new ArrayList<>();
        for (int a = 0; a < arrays; a++) {
            DeltaSpmv unit = units.get(a);
            int array = a;
            FifoPorts<Bits> fifo = streamFifo("elements_" + a, hardType(() -> bits(localColBits + actBits)), fifoDepth);
            Bool present = named("present_" + a, slice(groups.payload(), groupBits + a, 1).lsb());
            assign(fifo.push().valid(), and(and(groups.valid(), groups.ready()), present));
            assign(fifo.push().payload(), concatLowFirst(List.of(
                    slice(groups.payload(), 0, groupBits).resize(localColBits),
                    slice(groups.payload(), groupBits + arrays + a * actBits, actBits))));
            fifosReady.add(fifo.push().ready());
            connect(unit.elements, fifo.pop());
            assign(unit.inputSize, named("input_size_" + a,
                    localInputs(inputSize, array, arrayBits, unit.inputSize.getWidth())));
            assign(unit.inputTheta, inputTheta);
            assign(unit.recurrentTheta, recurrentTheta);
            assign(unit.launch, launch);
            assign(unit.bank, bank);
            assign(unit.readBank, readBank);
            assign(unit.fold, fold);
            arraysBusy.add(or(unit.busy, not(equal(fifo.occupancy(), uintConst(0, fifo.occupancy().getWidth())))));
        }
        assign(groups.ready(), allOf(fifosReady));
        assign(busy, or(groups.valid(), anyOf(arraysBusy)));

        loads(units);
        readValues = reads(units, pes, accBits);
        counters(units);
    }

    /** Local columns of array a below the global input size: ceil((inputSize - a) / A), 0 when inputSize <= a. */
    private static UInt localInputs(UInt inputSize, int array, int arrayBits, int width) {
        int w = inputSize.getWidth() + 1;
        UInt rounded = named("input_size_round_" + array,
                add(inputSize.resize(w), uintConst((1L << arrayBits) - 1 - array, w)));
        int keep = Math.min(width, w - arrayBits);
        if (arrayBits > 0) {
            unused("input_size_round_low_" + array, slice(rounded, 0, arrayBits));
        }
        if (w - arrayBits > keep) {
            unused("input_size_round_high_" + array, slice(rounded, arrayBits + keep, w - arrayBits - keep));
        }
        return slice(rounded, arrayBits, keep).resize(width);
    }

    private void loads(List<DeltaSpmv> units) {
        UInt loadedWidth = units.get(0).loaded;
        int arrays = units.size();
        int indexBits = widthFor(arrays);
        UInt loading = regInit("loading_array", uint(indexBits), uintConst(0, indexBits));
        UInt words = regInit("loading_words", uint(loadedWidth.getWidth()), uintConst(0, loadedWidth.getWidth()));
        List<Bool> readies = new ArrayList<>();
        for (int a = 0; a < arrays; a++) {
            Stream<Bits> target = units.get(a).load;
            Bool selected = equal(loading, uintConst(a, indexBits));
            assign(target.valid(), and(load.valid(), selected));
            assign(target.payload(), load.payload());
            readies.add(and(selected, target.ready()));
        }
        Bool allLoaded = named("all_loaded", equal(loading, uintConst(arrays, indexBits)));
        assign(load.ready(), anyOf(readies));
        when(and(load.valid(), load.ready()), () -> {
            when(equal(words, sub(arrayWords, uintConst(1, arrayWords.getWidth()))), () -> {
                assign(words, uintConst(0, words.getWidth()));
                assign(loading, add(loading, uintConst(1, indexBits)));
            }).otherwise(() -> assign(words, add(words, uintConst(1, words.getWidth()))));
        });
        when(launch, () -> {
            assign(loading, uintConst(0, indexBits));
            assign(words, uintConst(0, words.getWidth()));
        });
        assign(loaded, allLoaded);
        for (DeltaSpmv unit : units) {
            assign(unit.base, base);
            assign(unit.entriesPerColumn, entriesPerColumn);
        }
    }

    private List<SInt> reads(List<DeltaSpmv> units, int pes, int accBits) {
        List<SInt> values = new ArrayList<>();
        for (DeltaSpmv unit : units) {
            assign(unit.readRow, readRow);
        }
        for (int p = 0; p < pes; p++) {
            List<SInt> level = new ArrayList<>();
            for (DeltaSpmv unit : units) {
                level.add(unit.readValues.get(p));
            }
            while (level.size() > 1) {
                List<SInt> next = new ArrayList<>();
                for (int i = 0; i < level.size(); i += 2) {
                    next.add(add(level.get(i), level.get(i + 1)));
                }
                level = next;
            }
            SInt sum = level.get(0);
            values.add(outSInt("read_value_" + p, accBits));
            assign(values.get(p), sum);
        }
        return List.copyOf(values);
    }

    private void counters(List<DeltaSpmv> units) {
        List<UInt> sums = List.of(firedInputs, firedRecurrent, elementsSeen);
        for (int i = 0; i < sums.size(); i++) {
            UInt sum = uintConst(0, DeltaUnit.COUNTER_BITS);
            for (DeltaSpmv unit : units) {
                sum = add(sum, List.of(unit.firedInputs, unit.firedRecurrent, unit.elementsSeen).get(i));
            }
            assign(sums.get(i), sum);
        }
    }

    private static String validated(int arrays, int columns, int fifoDepth) {
        if (arrays < 1 || arrays > 64 || Integer.bitCount(arrays) != 1) {
            throw new EsegenException("DeltaEngine: arrays " + arrays + " is not a power of two in 1..64");
        }
        if (columns < arrays || columns > 65536) {
            throw new EsegenException("DeltaEngine: columns " + columns + " is outside " + arrays + "..65536");
        }
        if (fifoDepth < 2 || fifoDepth > 4096) {
            throw new EsegenException("DeltaEngine: fifoDepth " + fifoDepth + " is outside 2..4096");
        }
        return "DeltaEngine";
    }
}
