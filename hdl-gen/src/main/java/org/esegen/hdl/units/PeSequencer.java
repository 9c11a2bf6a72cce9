package org.esegen.hdl.units;

import static org.esegen.hdl.spinal.Hdl.add;
import static org.esegen.hdl.spinal.Hdl.and;
import static org.esegen.hdl.spinal.Hdl.assign;
import static org.esegen.hdl.spinal.Hdl.bits;
import static org.esegen.hdl.spinal.Hdl.bool;
import static org.esegen.hdl.spinal.Hdl.boolConst;
import static org.esegen.hdl.spinal.Hdl.child;
import static org.esegen.hdl.spinal.Hdl.concatLowFirst;
import static org.esegen.hdl.spinal.Hdl.connect;
import static org.esegen.hdl.spinal.Hdl.equal;
import static org.esegen.hdl.spinal.Hdl.greaterThan;
import static org.esegen.hdl.spinal.Hdl.hardType;
import static org.esegen.hdl.spinal.Hdl.inBool;
import static org.esegen.hdl.spinal.Hdl.inUInt;
import static org.esegen.hdl.spinal.Hdl.mux;
import static org.esegen.hdl.spinal.Hdl.named;
import static org.esegen.hdl.spinal.Hdl.not;
import static org.esegen.hdl.spinal.Hdl.or;
import static org.esegen.hdl.spinal.Hdl.outBool;
import static org.esegen.hdl.spinal.Hdl.outBools;
import static org.esegen.hdl.spinal.Hdl.outSIntGrid;
import static org.esegen.hdl.spinal.Hdl.outUInt;
import static org.esegen.hdl.spinal.Hdl.reg;
import static org.esegen.hdl.spinal.Hdl.regInit;
import static org.esegen.hdl.spinal.Hdl.sint;
import static org.esegen.hdl.spinal.Hdl.sintConst;
import static org.esegen.hdl.spinal.Hdl.slaveStream;
import static org.esegen.hdl.spinal.Hdl.slice;
import static org.esegen.hdl.spinal.Hdl.unused;
import static org.esegen.hdl.spinal.Hdl.streamFifo;
import static org.esegen.hdl.spinal.Hdl.sub;
import static org.esegen.hdl.spinal.Hdl.uint;
import static org.esegen.hdl.spinal.Hdl.uintConst;
import static org.esegen.hdl.spinal.Hdl.when;

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
 * The control of one PE, shared by its {@code channels} channels, with their accumulators (an
 * {@link AccumulatorLane}, child {@code accumulators}): it walks one sparse matrix column by column and issues one
 * MAC per stored entry to every channel, as {@code GoldenModel.spmv} does for one PE.
 *
 * <p><b>Inputs.</b> Columns arrive on stream {@code column} into the activation queue
 * ({@code column_queue}, a StreamFifo of actQueueDepth words; a column with no entries for this PE
 * is counted and dropped at the queue's input, so it costs no cycle), entries arrive two at a time
 * on stream {@code entry} into the entry FIFO ({@code entry_fifo}, entryFifoDepth / 2 pairs), as
 * the PE's two lanes of an entry row ({@code ImageLayout.entryPacking}). Payload packing:
 * <ul>
 *   <li>{@code column_payload}, one lane: ptrBits + channels * actBits bits: the column's entry
 *       count (UInt) in bits [0, ptrBits), the activation of channel ch (SInt, two's complement) in
 *       bits [ptrBits + ch * actBits, ptrBits + (ch + 1) * actBits); two lanes
 *       ({@link #columnWordBits}): the counts of columns 0 and 1 in bits [0, 2 ptrBits), in bit
 *       2 ptrBits whether column 1 exists (else its count is 0), then the activations of column 0
 *       and of column 1 as above. The two columns go into two queues of actQueueDepth / 2 written
 *       and read alternately, so the PE takes them in order, one a cycle; columns without
 *       entries are counted and dropped.</li>
 *   <li>{@code entry_payload}, 2 (weightBits + indexBits) bits: the PE's entries 2k (low half) and
 *       2k + 1 (high half), each the weight (SInt) in its bits [0, weightBits) and the relative
 *       index (UInt) in bits [weightBits, weightBits + indexBits), as the entry lanes of the DDR
 *       image.</li>
 * </ul>
 *
 * <p><b>Per matrix.</b> {@code start} (a one-cycle pulse) clears the accumulator bank
 * {@code projection} (bank 0 for W_a, bank 1 for W_hr; see {@link AccumulatorLane}), latches the bank,
 * {@code column_count} and {@code entry_rows} (the matrix's entry pairs, the same for every PE:
 * WA_ENTRY_ROWS or WHR_ENTRY_ROWS), resets the column and pair counters, forgets a half-used pair
 * and leaves drain mode; no entry or column is taken in the start cycle. Then for each column with entries the PE pops the
 * column, takes its {@code count} entries in order and, for each, decodes the local row (row =
 * previous row + index + 1, previous row = -1 at the start of each column, modulo
 * 2^log2Up(accWords)) and issues acc[row] = sat(acc[row] + weight * activation of the column) on
 * every channel. An entry of weight 0 (padding) with another entry of its column available right after
 * it is taken together with that entry in one cycle (one MAC, the rows of both advanced); this is
 * {@code SparseMatrixEncoding.cycles}, the PE's timing twin. Once all column_count columns are
 * received and consumed the PE is in drain mode: it discards the pairs left of the matrix's
 * entry_rows (the filler lanes of the shared entry rows). Pairs past entry_rows belong to the next
 * matrix and wait in the FIFO for the next {@code start}, so the next matrix's entries may be
 * pushed at any time.
 *
 * <p><b>Throughput.</b> One MAC per cycle whenever an entry is at hand and the accumulators take it
 * (with {@link AccumulatorLane.Mac#DSP48E2} they hold a MAC for one cycle when its row was taken two
 * cycles before and another row in between), also across column boundaries (the next column is popped in the cycle the current column's last entry is taken);
 * padding folded as above costs no cycle, so a PE needs more than one entry per cycle (up to one
 * pair) to run at one real entry per cycle. Push to pop through either FIFO takes two cycles. Each
 * FIFO passes one word per cycle when its depth is 1 or at least 3; a depth of 2 passes only two
 * words every three cycles (a word is counted from its push until it leaves the FIFO's output
 * register).
 *
 * <p><b>Outputs.</b>
 * <ul>
 *   <li>{@code done}: all column_count columns received and consumed, all entry_rows pairs taken,
 *       no MAC in flight in the accumulators and no half-used pair (so the drain of the matrix's filler is finished once every entry row has
 *       been pushed). Valid from the cycle after start; high after reset. The accumulators are
 *       complete and readable when done is high.</li>
 *   <li>{@code read_row} in, {@code read_value_<b>_<ch>} out (SInt accBits) and
 *       {@code read_valid_<b>} out, b = 0, 1: the accumulators' read ports, latency 1 (row sampled
 *       at edge t, value valid after it until edge t+1); a row the bank's matrix did not touch is
 *       not valid and counts as 0; use bank b only while no MAC of bank b is in flight (bank 0 is
 *       free while a W_hr matrix runs, bank 1 while a W_a matrix runs).</li>
 *   <li>{@code mac_cycles} (UInt 32): cycles since reset in which entries of a column were taken
 *       (one or a folded pair; drain not counted); wraps at 2^32. {@code mac_step}: high in each
 *       such cycle (combinational).</li>
 *   <li>{@code stall_empty_entry}: high in each cycle a column with entries left is current but
 *       the entry FIFO has no entry to give.</li>
 * </ul>
 *
 * <p><b>Latency.</b> An entry taken in cycle t is in the accumulators after the edge ending cycle
 * t+2 (t+3 with DSP48E2s: the accumulators' MAC latency); done rises in the cycle after that if the last
 * entry is taken in cycle t
 * (if the matrix's filler pairs are taken by then).
 */
public final class PeSequencer extends JavaComponent {
    /** Width of {@code column_count}: a matrix has at most 2^16 - 1 columns. */
    public static final int COLUMN_COUNT_BITS = 16;

    public final Stream<Bits> column;
    private final int channels;
    private final int actBits;
    public final Stream<Bits> entry;
    public final Bool start;
    public final Bool projection;
    public final UInt columnCount;
    public final UInt entryRows;
    public final Bool done;
    public final UInt readRow;
    /** {@code read_value_<b>_<ch>}, by bank b, then channel. */
    public final List<List<SInt>> readValues;
    /** {@code read_valid_<b>}, by bank b. */
    public final List<Bool> readValid;
    public final UInt macCycles;
    public final Bool macStep;
    public final Bool stallEmptyEntry;

    /**
     * @param channels       C, channels sharing this control, 1..64
     * @param weightBits     signed weight width (see {@link AccumulatorLane})
     * @param indexBits      relative index width, 1..16
     * @param actBits        signed activation width (see {@link AccumulatorLane})
     * @param accBits        signed accumulator width (see {@link AccumulatorLane})
     * @param accWords       accumulator words of bank 0 (W_a local rows), 2..65536
     * @param projWords      accumulator words of bank 1 (W_hr local rows), 2..65536
     * @param ptrBits        width of a column's entry count, 1..32
     * @param actQueueDepth  activation queue depth, 1..4096
     * @param entryFifoDepth entry FIFO depth in entries, even, 4..65536 (entryFifoDepth / 2 pairs)
     * @param lanes          columns a {@code column} word carries, 1 or 2 (then actQueueDepth even)
     * @param mac            the accumulators' multiply-accumulate hardware (see {@link AccumulatorLane.Mac})
     * @param bramChannels   channels whose gate accumulators are marked for block RAM ({@link AccumulatorLane}'s
     *                       blockChannels), 0..channels
     * @throws EsegenException if a parameter is out of range
     */
    public PeSequencer(int channels, int weightBits, int indexBits, int actBits, int accBits, int accWords,
                       int projWords, int ptrBits, int actQueueDepth, int entryFifoDepth, int lanes,
                       AccumulatorLane.Mac mac, int bramChannels) {
        super(validated(channels, indexBits, ptrBits, actQueueDepth, entryFifoDepth, lanes));
        this.channels = channels;
        this.actBits = actBits;
        int rowBits = AccumulatorLane.rowBits(Math.max(accWords, projWords));
        int columnBits = ptrBits + channels * actBits;
        int entryBits = weightBits + indexBits;

        column = slaveStream("column", hardType(() -> bits(columnWordBits(ptrBits, channels, actBits, lanes))));
        entry = slaveStream("entry", hardType(() -> bits(2 * entryBits)));
        start = inBool("start");
        projection = inBool("projection");
        columnCount = inUInt("column_count", COLUMN_COUNT_BITS);
        entryRows = inUInt("entry_rows", ptrBits);
        done = outBool("done");
        readRow = inUInt("read_row", rowBits);
        readValues = outSIntGrid("read_value", 2, channels, accBits);
        readValid = outBools("read_valid", 2);
        macCycles = outUInt("mac_cycles", 32);
        macStep = outBool("mac_step");
        stallEmptyEntry = outBool("stall_empty_entry");

        ColumnQueue queue = lanes == 1 ? singleQueue(columnBits, ptrBits, actQueueDepth)
                : pairedQueue(columnBits, ptrBits, actQueueDepth);
        FifoPorts<Bits> pairs = streamFifo("entry_fifo", hardType(() -> bits(2 * entryBits)), entryFifoDepth / 2);
        connect(pairs.push(), entry);
        Bits columnWord = queue.head();
        UInt count = named("count", slice(columnWord, 0, ptrBits).asUInt());

        Bool leftoverValid = regInit("leftover_valid", bool(), boolConst(false));
        Bits leftover = reg("leftover", bits(entryBits));
        Bits pair = pairs.pop().payload();
        Bits first = named("first", mux(leftoverValid, leftover, slice(pair, 0, entryBits)));
        Bits second = named("second", mux(leftoverValid, slice(pair, 0, entryBits), slice(pair, entryBits, entryBits)));
        Bool firstValid = named("first_valid", or(leftoverValid, pairs.pop().valid()));
        SInt firstWeight = named("first_weight", slice(first, 0, weightBits).asSInt());
        UInt firstIndex = named("first_index", slice(first, weightBits, indexBits).asUInt());
        SInt secondWeight = named("second_weight", slice(second, 0, weightBits).asSInt());
        UInt secondIndex = named("second_index", slice(second, weightBits, indexBits).asUInt());

        UInt columnsTotal = regInit("columns_total", uint(COLUMN_COUNT_BITS), uintConst(0, COLUMN_COUNT_BITS));
        UInt pairsTotal = regInit("pairs_total", uint(ptrBits), uintConst(0, ptrBits));
        UInt pairsTaken = regInit("pairs_taken", uint(ptrBits), uintConst(0, ptrBits));
        Bool pairsLeft = named("pairs_left", not(equal(pairsTaken, pairsTotal)));
        UInt columnsReceived = regInit("columns_received", uint(COLUMN_COUNT_BITS), uintConst(0, COLUMN_COUNT_BITS));
        UInt remaining = regInit("remaining", uint(ptrBits), uintConst(0, ptrBits));
        UInt rowBase = reg("row_base", uint(rowBits));
        SInt[] activations = new SInt[channels];
        for (int ch = 0; ch < channels; ch++) {
            activations[ch] = reg("activation_" + ch, sint(actBits));
        }
        UInt macCount = regInit("mac_count", uint(32), uintConst(0, 32));
        Bool bank = regInit("bank", bool(), boolConst(false));

        Bool columnActive = named("column_active", not(equal(remaining, uintConst(0, ptrBits))));
        Bool queueEmpty = queue.empty();
        Bool allTaken = named("all_taken", and(equal(columnsReceived, columnsTotal), queueEmpty));
        Bool drain = named("drain", and(allTaken, not(columnActive)));
        AccumulatorLane accumulators = child("accumulators", new AccumulatorLane(channels, weightBits, actBits, accBits,
                accWords, projWords, mac, bramChannels));
        Bool macFire = named("mac_fire", and(and(and(firstValid, columnActive), not(start)), accumulators.macReady));
        Bool moreInColumn = named("more_in_column", greaterThan(remaining, uintConst(1, ptrBits)));
        Bool fold = named("fold", and(and(equal(firstWeight, sintConst(0, weightBits)), moreInColumn),
                pairs.pop().valid()));
        UInt taken = named("taken", mux(fold, uintConst(2, ptrBits), uintConst(1, ptrBits)));
        Bool lastEntry = named("last_entry", equal(remaining, taken));
        Bool columnReady = named("column_ready", and(not(start), or(not(columnActive), and(lastEntry, macFire))));
        Bool columnFire = named("column_fire", and(columnReady, queue.headValid()));
        Bool pairTaken = named("pair_taken", or(and(macFire, or(not(leftoverValid), fold)),
                and(and(and(drain, not(start)), pairsLeft), pairs.pop().valid())));
        assign(queue.pop(), columnReady);
        assign(pairs.pop().ready(), pairTaken);

        // row = previous row + index + 1; row_base holds previous row + 1 (0 at a column's start)
        UInt firstRow = named("first_row", add(rowBase, firstIndex.resize(rowBits)));
        UInt foldedRow = named("folded_row", add(add(firstRow, secondIndex.resize(rowBits)), uintConst(1, rowBits)));
        if (indexBits > rowBits) {
            // an index wider than the row address: the compiler never writes one past the PE's rows
            unused("first_index_high", slice(firstIndex, rowBits, indexBits - rowBits));
            unused("second_index_high", slice(secondIndex, rowBits, indexBits - rowBits));
        }
        UInt row = named("row", mux(fold, foldedRow, firstRow));
        SInt weight = named("weight", mux(fold, secondWeight, firstWeight));

        when(start, () -> {
            assign(columnsTotal, columnCount);
            assign(pairsTotal, entryRows);
            assign(bank, projection);
            assign(pairsTaken, uintConst(0, ptrBits));
            assign(columnsReceived, uintConst(0, COLUMN_COUNT_BITS));
            assign(remaining, uintConst(0, ptrBits));
            assign(leftoverValid, boolConst(false));
        }).otherwise(() -> {
            when(and(column.valid(), column.ready()),
                    () -> assign(columnsReceived, add(columnsReceived, queue.columnsIn().resize(COLUMN_COUNT_BITS))));
            when(columnFire, () -> {
                assign(remaining, count);
                assign(rowBase, uintConst(0, rowBits));
                for (int ch = 0; ch < channels; ch++) {
                    assign(activations[ch], slice(columnWord, ptrBits + ch * actBits, actBits).asSInt());
                }
            }).elseWhen(macFire, () -> {
                assign(remaining, sub(remaining, taken));
                assign(rowBase, add(row, uintConst(1, rowBits)));
            });
            when(macFire, () -> assign(leftoverValid, mux(leftoverValid, fold, not(fold))))
                    .elseWhen(drain, () -> assign(leftoverValid, boolConst(false)));
        });
        when(pairTaken, () -> {
            assign(leftover, slice(pair, entryBits, entryBits));
            assign(pairsTaken, add(pairsTaken, uintConst(1, ptrBits)));
        });
        when(macFire, () -> assign(macCount, add(macCount, uintConst(1, 32))));

        assign(accumulators.clear, start);
        assign(accumulators.clearBank, projection);
        assign(accumulators.macBank, bank);
        assign(accumulators.macValid, macFire);
        assign(accumulators.macRow, row);
        assign(accumulators.macWeight, weight);
        assign(accumulators.readRow, readRow);
        for (int ch = 0; ch < channels; ch++) {
            assign(accumulators.macActs.get(ch), activations[ch]);
        }
        for (int b = 0; b < 2; b++) {
            assign(readValid.get(b), accumulators.readValid.get(b));
            for (int ch = 0; ch < channels; ch++) {
                assign(readValues.get(b).get(ch), accumulators.readValues.get(b).get(ch));
            }
        }
        Bool accumulatorsBusy = named("accumulators_busy", bool());
        assign(accumulatorsBusy, accumulators.busy);
        assign(done, and(and(and(drain, not(accumulatorsBusy)), not(pairsLeft)), not(leftoverValid)));
        assign(macCycles, macCount);
        assign(macStep, macFire);
        assign(stallEmptyEntry, and(columnActive, not(firstValid)));
    }

    /**
     * Width of the {@code column} payload: {@code ColumnBroadcaster.columnWordBits} (the counts, and
     * with two lanes the lane-1 flag), then channels x actBits values per lane.
     */
    public static int columnWordBits(int ptrBits, int channels, int actBits, int lanes) {
        return ColumnBroadcaster.columnWordBits(ptrBits, lanes) + lanes * channels * actBits;
    }

    /**
     * The activation queue's read side: the column at its head ({@code ptrBits + channels * actBits},
     * as the class comment packs a column), and its write side's count of the columns an accepted
     * {@code column} word carries (empty ones included).
     */
    private record ColumnQueue(Bits head, Bool headValid, Bool pop, Bool empty, UInt columnsIn) {
    }

    /** One column a word: a column with no entries is counted and dropped at the queue's input. */
    private ColumnQueue singleQueue(int columnBits, int ptrBits, int depth) {
        Bool incomingEmpty = named("incoming_empty", equal(slice(column.payload(), 0, ptrBits).asUInt(),
                uintConst(0, ptrBits)));
        FifoPorts<Bits> queue = streamFifo("column_queue", hardType(() -> bits(columnBits)), depth);
        assign(queue.push().payload(), column.payload());
        assign(queue.push().valid(), and(and(column.valid(), not(start)), not(incomingEmpty)));
        assign(column.ready(), and(not(start), or(queue.push().ready(), incomingEmpty)));
        Bool pop = named("column_pop", bool());
        assign(queue.pop().ready(), pop);
        return new ColumnQueue(queue.pop().payload(), queue.pop().valid(), pop, isEmpty(queue),
                uintConst(1, 2));
    }

    /**
     * Two columns a word, kept in order in two queues of depth / 2 written alternately: the
     * columns with entries go to the queue whose turn it is (the second, if both have entries, to the
     * other one), a word whose columns are both empty is only counted; columns are read alternately.
     */
    private ColumnQueue pairedQueue(int columnBits, int ptrBits, int depth) {
        Bits payload = column.payload();
        int valuesBits = channels * actBits;
        int valuesAt = ColumnBroadcaster.columnWordBits(ptrBits, 2);
        Bits lane0 = named("lane0", concatLowFirst(List.of(slice(payload, 0, ptrBits), slice(payload, valuesAt, valuesBits))));
        Bits lane1 = named("lane1", concatLowFirst(List.of(slice(payload, ptrBits, ptrBits),
                slice(payload, valuesAt + valuesBits, valuesBits))));
        Bool has0 = named("lane0_has_entries", not(equal(slice(payload, 0, ptrBits).asUInt(), uintConst(0, ptrBits))));
        Bool has1 = named("lane1_has_entries", not(equal(slice(payload, ptrBits, ptrBits).asUInt(), uintConst(0, ptrBits))));
        Bool any = named("incoming_any", or(has0, has1));
        Bool both = named("incoming_both", and(has0, has1));
        Bits firstColumn = named("incoming_first", mux(has0, lane0, lane1));
        List<FifoPorts<Bits>> queues = List.of(
                streamFifo("column_queue_0", hardType(() -> bits(columnBits)), depth / 2),
                streamFifo("column_queue_1", hardType(() -> bits(columnBits)), depth / 2));
        Bool writeTurn = regInit("column_write_turn", bool(), boolConst(false));
        Bool readTurn = regInit("column_read_turn", bool(), boolConst(false));
        Bool room = named("column_room", and(queues.get(0).push().ready(), queues.get(1).push().ready()));
        Bool accept = named("column_accept", and(and(column.valid(), not(start)), room));
        for (int q = 0; q < 2; q++) {
            Bool turn = q == 0 ? not(writeTurn) : writeTurn;
            assign(queues.get(q).push().valid(), and(accept, mux(turn, any, both)));
            assign(queues.get(q).push().payload(), mux(turn, firstColumn, lane1));
        }
        assign(column.ready(), and(not(start), or(room, not(any))));
        when(and(accept, and(any, not(both))), () -> assign(writeTurn, not(writeTurn)));
        Bool pop = named("column_pop", bool());
        assign(queues.get(0).pop().ready(), and(pop, not(readTurn)));
        assign(queues.get(1).pop().ready(), and(pop, readTurn));
        Bool headValid = named("column_head_valid", mux(readTurn, queues.get(1).pop().valid(), queues.get(0).pop().valid()));
        when(and(pop, headValid), () -> assign(readTurn, not(readTurn)));
        when(start, () -> {
            assign(writeTurn, boolConst(false));
            assign(readTurn, boolConst(false));
        });
        UInt columnsIn = named("columns_in", mux(slice(payload, 2 * ptrBits, 1).asBool(), uintConst(2, 2), uintConst(1, 2)));
        return new ColumnQueue(mux(readTurn, queues.get(1).pop().payload(), queues.get(0).pop().payload()), headValid,
                pop, and(isEmpty(queues.get(0)), isEmpty(queues.get(1))), columnsIn);
    }

    private static Bool isEmpty(FifoPorts<Bits> queue) {
        return equal(queue.occupancy(), uintConst(0, queue.occupancy().getWidth()));
    }

    private static String validated(int channels, int indexBits, int ptrBits, int actQueueDepth, int entryFifoDepth,
                                    int lanes) {
        String name = "PeSequencer";
        if (lanes != 1 && lanes != 2) {
            throw new EsegenException(name + ": lanes " + lanes + " is neither 1 nor 2");
        }
        if (lanes == 2 && actQueueDepth % 2 != 0) {
            throw new EsegenException(name + ": actQueueDepth " + actQueueDepth
                    + " must be even with two lanes (two queues of half the depth)");
        }
        check(name, "channels", channels, 1, 64);
        check(name, "indexBits", indexBits, 1, 16);
        check(name, "ptrBits", ptrBits, 1, 32);
        check(name, "actQueueDepth", actQueueDepth, 1, 4096);
        check(name, "entryFifoDepth", entryFifoDepth, 4, 65536);
        if (entryFifoDepth % 2 != 0) {
            throw new EsegenException(name + ": entryFifoDepth " + entryFifoDepth + " must be even (it holds pairs)");
        }
        return name;
    }

    private static void check(String name, String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw new EsegenException(name + ": " + field + " " + value + " is outside " + min + ".." + max);
        }
    }
}
