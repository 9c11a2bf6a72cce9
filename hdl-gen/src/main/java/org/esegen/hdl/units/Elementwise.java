package org.esegen.hdl.units;

import static org.esegen.hdl.spinal.Hdl.add;
import static org.esegen.hdl.spinal.Hdl.and;
import static org.esegen.hdl.spinal.Hdl.asSInt;
import static org.esegen.hdl.spinal.Hdl.assign;
import static org.esegen.hdl.spinal.Hdl.bits;
import static org.esegen.hdl.spinal.Hdl.bool;
import static org.esegen.hdl.spinal.Hdl.boolConst;
import static org.esegen.hdl.spinal.Hdl.child;
import static org.esegen.hdl.spinal.Hdl.concat;
import static org.esegen.hdl.spinal.Hdl.concatLowFirst;
import static org.esegen.hdl.spinal.Hdl.equal;
import static org.esegen.hdl.spinal.Hdl.greaterThan;
import static org.esegen.hdl.spinal.Hdl.hardType;
import static org.esegen.hdl.spinal.Hdl.inBool;
import static org.esegen.hdl.spinal.Hdl.inBools;
import static org.esegen.hdl.spinal.Hdl.inSInt;
import static org.esegen.hdl.spinal.Hdl.inSIntGrid;
import static org.esegen.hdl.spinal.Hdl.inUInt;
import static org.esegen.hdl.spinal.Hdl.lessThan;
import static org.esegen.hdl.spinal.Hdl.mul;
import static org.esegen.hdl.spinal.Hdl.mux;
import static org.esegen.hdl.spinal.Hdl.named;
import static org.esegen.hdl.spinal.Hdl.not;
import static org.esegen.hdl.spinal.Hdl.or;
import static org.esegen.hdl.spinal.Hdl.outBool;
import static org.esegen.hdl.spinal.Hdl.outSInt;
import static org.esegen.hdl.spinal.Hdl.outUInt;
import static org.esegen.hdl.spinal.Hdl.ram;
import static org.esegen.hdl.spinal.Hdl.readSync;
import static org.esegen.hdl.spinal.Hdl.reg;
import static org.esegen.hdl.spinal.Hdl.saturate;
import static org.esegen.hdl.spinal.Hdl.regInit;
import static org.esegen.hdl.spinal.Hdl.regNext;
import static org.esegen.hdl.spinal.Hdl.select;
import static org.esegen.hdl.spinal.Hdl.shiftLeft;
import static org.esegen.hdl.spinal.Hdl.shiftRight;
import static org.esegen.hdl.spinal.Hdl.sint;
import static org.esegen.hdl.spinal.Hdl.sintConst;
import static org.esegen.hdl.spinal.Hdl.sub;
import static org.esegen.hdl.spinal.Hdl.slice;
import static org.esegen.hdl.spinal.Hdl.uint;
import static org.esegen.hdl.spinal.Hdl.uintConst;
import static org.esegen.hdl.spinal.Hdl.unused;
import static org.esegen.hdl.spinal.Hdl.when;
import static org.esegen.hdl.spinal.Hdl.write;

import java.util.ArrayList;
import java.util.List;

import org.esegen.EsegenException;
import org.esegen.config.AcceleratorConfig;
import org.esegen.hdl.spinal.JavaComponent;
import org.esegen.quant.ActivationTables;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.Mem;
import spinal.core.SInt;
import spinal.core.UInt;

/**
 * The element-wise unit of a group of {@code pes} PEs (a power of two; ESE's design has one per
 * PE): for each local cell of each of its PEs it turns the four gate accumulators of every
 * channel into the new cell state c and the cell output m, exactly as
 * {@code org.esegen.golden.ElementwiseTwin#cell} (A = actBits, F = actFracBits):
 * <pre>
 * z_x = A.rescale(acc[x*cells + l], fracShift + F)      x = i, f, g, o
 * i  = s(sat(z_i + b_i + p_i*c))      f = s(sat(z_f + b_f + p_f*c))      g = tanh(sat(z_g + b_g))
 * c' = sat(f*c + i*g)                 o = s(sat(z_o + b_o + p_o*c'))     m = o*tanh(c')
 * </pre>
 * Every product is {@code FixedFormat.multiply} (exact product, add 2^(F-1), arithmetic shift
 * right by F, saturate to A bits); each sum is exact before its one saturation; s and tanh read a
 * ROM holding {@code ActivationTables.sigmoid} then {@code ActivationTables.tanh} at address
 * {tanh?, index}, index = clamp((x + R 2^F) &gt;&gt; s, 0, E-1). The index is taken of the exact
 * sum: saturating first cannot change it, because the offset R 2^F is at most 2^(A-1) (so the
 * largest activation already reads entry E-1 and the smallest entry 0).
 *
 * <h2>Slots</h2>
 * The unit walks slots s = 0 .. pes*cells - 1 in order; slot s is local cell l = s / pes of PE
 * j = s mod pes of the group, so the slots of local cell 0 of every PE come first. (In the
 * accelerator the group's PEs are consecutive, so slot order is global cell order within a group.)
 *
 * <h2>Storage</h2>
 * Shared by the channels: the bias RAM (4 cellsPerPeMax words of pes lanes, lane j of word
 * g*cells + l holds b of gate g = i, f, g, o of local cell l of PE j) and the peephole RAM (3
 * cellsPerPeMax words of pes lanes, word x*cells + l, x = i, f, o), both written only through
 * their write ports (a word of every PE at once), the cell state RAM {@code c_ram} and the output
 * RAM {@code m_ram} (max(2, pes*cellsPerPeMax) words each, word s for slot s, channel ch in bits
 * [ch A, (ch + 1) A): the channels read and write the same slot in the same cycle), and the
 * sequencing logic. Per channel: a read port of a lookup ROM (a {@link LookupRom} of 2E words, block RAM for large E; channels 2k
 * and 2k + 1 share one, a port each), one multiplier (a DSP48E2 up to 18-bit
 * activations, busy in every cycle of the schedule), one three-input adder (the same). The c RAM holds garbage after power-up until
 * {@code reset_state}.
 *
 * <h2>Timing</h2>
 * One slot (a cell of one PE) starts every {@value #CYCLES_PER_CELL} cycles; a cell occupies L + 22
 * cycles of the schedule (ages -1 .. L + 20 below, L = {@link #scheduleLatency}: accReadLatency, plus
 * one with more than one PE), so ceil((L + 22) / 6) cells
 * are in flight at once. A run of {@code cells} cells started in cycle T (the cycle {@code start} is
 * high) raises {@code done} for exactly cycle T + 6*pes*cells + L + 17, the cycle {@code ready}
 * returns; from then on {@code m_read_value_<ch>}
 * and the next run see every c and m written. {@code reset_state} sampled in cycle T zeroes the
 * c RAM of every channel and raises {@code ready} in cycle T + max(2, pes*cellsPerPeMax) + 1. A run
 * of 0 cells writes nothing and raises {@code done} within 10 cycles. {@code cells} above
 * cellsPerPeMax is not supported.
 * {@code start} and {@code reset_state} are ignored while {@code ready} is low; if both are high
 * in one cycle, only {@code reset_state} takes effect. Bias and peephole writes must happen while
 * no run is in progress.
 *
 * <h2>Accumulator read port</h2>
 * {@code acc_read_row} is a register, the same row of every PE of the group; the unit expects
 * the accumulator of the row it shows in cycle t on {@code acc_read_value_<j>_<ch>} (PE j of the
 * group, channel ch) in cycle t + accReadLatency, and reads each of the 4 cells rows of a run
 * exactly pes times (once per slot, using PE j's value for slot j), in the order g, f, i, o of
 * each cell, in four consecutive cycles per slot. Between runs the row is left at its last value.
 *
 * <h2>Ports</h2>
 * <ul>
 *   <li>{@code bias_write_valid} in Bool, {@code bias_write_addr} in UInt log2Up(4 cpp),
 *       {@code bias_write_data_<j>} in SInt actBits (j = 0 .. pes-1): writes bias word addr of
 *       every PE j at the rising edge.</li>
 *   <li>{@code peep_write_valid}, {@code peep_write_addr} (UInt log2Up(3 cpp)),
 *       {@code peep_write_data_<j>} (SInt actBits): the same for the peephole RAM.</li>
 *   <li>{@code reset_state} in Bool (pulse), {@code start} in Bool (pulse), {@code cells} in UInt
 *       log2Up(cpp + 1) (local cells of this run, CELLS_PER_PE, 0..cpp) and {@code frac_shift} in
 *       UInt fracShiftBits (WA_FRAC_BITS: z = acc &gt;&gt; fracShift rounded half up, saturated),
 *       both sampled with {@code start}.</li>
 *   <li>{@code ready} out Bool (level: idle), {@code done} out Bool (one-cycle pulse at the end
 *       of a run), {@code cells_done} out UInt log2Up(pes cpp + 1): slots of the current run
 *       whose m is written (m of slots 0 .. cells_done - 1 is readable on the m read port from
 *       the cycle cells_done shows it; slots are written in order); 0 from the cycle after start.</li>
 *   <li>{@code acc_read_row} out UInt log2Up(4 cpp); {@code acc_read_value_<j>_<ch>} in SInt
 *       accBits, one per PE j = 0 .. pes-1 and channel ch = 0 .. channels-1;
 *       {@code acc_read_valid_<j>} in Bool, with the same timing: low, PE j's row counts as 0 in
 *       every channel (the accumulator lane's valid bit).</li>
 *   <li>{@code m_read_addr} in UInt log2Up(max(2, pes cpp)); {@code m_read_value_<ch>} out SInt
 *       actBits: m of slot addr, one cycle after the address is sampled (a block or distributed
 *       RAM read port, independent of the run); with two m read ports also
 *       {@code second_m_read_addr} and {@code second_m_read_value_<ch>}, the same.</li>
 * </ul>
 * cpp = cellsPerPeMax.
 *
 * <h2>Schedule</h2>
 * The cells form a modulo schedule of period {@value #CYCLES_PER_CELL}: in every period the same
 * phase does the same step, each for the cell of its age (cell n at phase p of period k has age
 * 6 (k - n) + p - 1). A cell's steps, by age a (L = {@link #scheduleLatency}, t = a - L - 2):
 * <pre>
 * a 0..3  acc_read_row shows rows g, f, i, o        a L..L+3    their accumulators arrive (picked)
 * a L     c RAM read; c registered at a L+1        a L+1..L+4  z_g, z_f, z_i, z_o registered
 * t 0   sum = z_g + b_g                             t 1   tanh lookup of sum (g); mult p_f * c
 * t 2   g from ROM; mult p_i * c                    t 3   sum = z_f + b_f + p_f*c
 * t 4   sigmoid lookup (f); sum = z_i + b_i + p_i*c t 5   sigmoid lookup (i); mult f * c, f from ROM
 * t 6   mult i * g, i from ROM                      t 7   sum = f*c
 * t 8   sum = f*c + i*g; z_o held one more period
 * t 9   c' = sat(sum) to c RAM; tanh lookup (c'); mult p_o * c'
 * t 10  tanh(c') from ROM                           t 11  sum = z_o + b_o + p_o*c'
 * t 12  sigmoid lookup (o)                          t 13  o from ROM, held
 * t 16  mult o * tanh(c')                           t 18  m = rounded product to m RAM
 * (a lookup addresses the ROM with the sum of the cycle before and reads out one cycle later; a
 * product issued at t is read, rounded and saturated, at t + 2)
 * </pre>
 * The multiplier (t 1, 2, 5, 6, 9, 16: every phase), the adder (t 0, 3, 4, 7, 8, 11: every
 * phase), the ROM (t 1, 4, 5, 9, 12), the bias and peephole read ports and every register are each
 * used at distinct phases, so consecutive cells never collide; a value needed after the next
 * cell overwrites its register (z_o, o) is held in a second one. Cells before the first and after the last of a run pass through the schedule
 * too, but only reads happen for them: the c and m writes carry a valid bit.
 *
 * <h2>GRU schedule</h2>
 * Built with {@code gru} set, the unit computes {@code org.esegen.golden.ElementwiseTwin#gru}
 * instead: the four rows of a cell are r, u, n_x, n_h (bias words in that order), the c RAM holds
 * h, and m = h'. Rows are read in the order r, n_h, u, n_x (ages 0..3), and by t:
 * <pre>
 * t 0   sum = z_r + b_r                             t 1   sigmoid lookup (r); sum = z_nh + b_hn
 * t 2   r from ROM; mult r * sat(sum) (n_h); sum = z_u + b_u
 * t 3   sigmoid lookup (u)                          t 4   u from ROM; sum = z_nx + b_in + r*n_h
 * t 5   tanh lookup (n); h held                     t 6   n from ROM
 * t 9   u held                                      t 11  sum = h - n; n held
 * t 12  mult u * sat(sum) (d = h - n)               t 15  sum = n + u*d
 * t 16  h' = sat(sum) to the c RAM and the m RAM
 * </pre>
 * The adder (t 0, 1, 2, 4, 11, 15), the multiplier (t 2, 12), the ROM (t 1, 3, 5) and the bias port
 * again each take distinct phases; a run's {@code done} comes {@value #LAST_STEP} - {@value #GRU_LAST_STEP}
 * cycles earlier than the LSTM schedule's. The peephole RAM is kept (the loader writes it) but not read.
 */
public final class Elementwise extends JavaComponent {
    /** Cycles between the starts of two consecutive cells: the period of the schedule. */
    public static final int CYCLES_PER_CELL = 6;
    /** The step (t in the schedule below) at which a cell's m is written: its last. */
    public static final int LAST_STEP = 18;
    /** The same for the GRU schedule: h' goes to the c and m RAMs at t 16. */
    public static final int GRU_LAST_STEP = 16;

    /**
     * The activation format and the lookup tables, as {@code org.esegen.quant.ActivationTables}
     * defines them.
     *
     * @param actBits           activation width A (x, b, p, gates, c, m), 4..24
     * @param actFracBits       fractional bits F, 1..A-2
     * @param sigmoid           sigmoid table, E words (E a power of two, 2..2^19)
     * @param tanh              tanh table, E words
     * @param lutInputOffsetRaw R 2^F, added to a raw input before the index shift; 1..2^(A-1)
     * @param lutStepShift      s, the index shift; E 2^s must equal 2 R 2^F
     */
    public record Arithmetic(int actBits, int actFracBits, long[] sigmoid, long[] tanh, long lutInputOffsetRaw,
                             int lutStepShift) {

        /** The arithmetic of {@code config}'s activation format and tables. */
        public static Arithmetic of(AcceleratorConfig config) {
            return new Arithmetic(config.formats().actBits(), config.formats().actFracBits(),
                    ActivationTables.sigmoid(config), ActivationTables.tanh(config),
                    ActivationTables.inputOffsetRaw(config), ActivationTables.stepShift(config));
        }
    }

    public final Bool biasWriteValid;
    public final UInt biasWriteAddr;
    /** {@code bias_write_data_<j>}, by PE of the group. */
    public final List<SInt> biasWriteData;
    public final Bool peepWriteValid;
    public final UInt peepWriteAddr;
    /** {@code peep_write_data_<j>}, by PE of the group. */
    public final List<SInt> peepWriteData;
    public final Bool resetState;
    public final Bool start;
    public final UInt cells;
    public final UInt fracShift;
    public final Bool ready;
    public final Bool done;
    public final UInt cellsDone;
    public final UInt accReadRow;
    /** {@code acc_read_value_<j>_<ch>}, by PE of the group, then channel. */
    public final List<List<SInt>> accReadValue;
    /** {@code acc_read_valid_<j>}, by PE of the group: low, the row's accumulators count as 0. */
    public final List<Bool> accReadValid;
    /** {@code m_read_addr} and, with a second read port, {@code second_m_read_addr}. */
    public final List<UInt> mReadAddr;
    /** {@code m_read_value_<ch>} (second port: {@code second_m_read_value_<ch>}), by port, then channel. */
    public final List<List<SInt>> mReadValue;

    private final UInt phase;
    /** log2(pes): a slot's low peBits bits are its PE, the rest its local cell. */
    private final int peBits;
    private final Bool running;
    /**
     * slotCell[d] is the cell that entered the schedule d periods ago (slot 0 counts up to cells,
     * the others are state RAM addresses); slotValid[d] says it is one of the run's cells.
     */
    private final List<UInt> slotCell = new ArrayList<>();
    private final List<Bool> slotValid = new ArrayList<>();

    /**
     * @param channels       channels served in lockstep, 1..64
     * @param pes            PEs of the group sharing this unit, a power of two in 1..64
     * @param cellsPerPeMax  cells per PE the RAMs hold (cpp), 1..65536; pes x cpp at most 65536
     * @param accBits        accumulator width, actBits..62
     * @param fracShiftBits  width of {@code frac_shift}, 1..6
     * @param accReadLatency cycles from {@code acc_read_row} to {@code acc_read_value_<j>_<ch>}, 0..32
     * @param arithmetic     activation format and tables
     * @throws EsegenException if a parameter is out of range or the tables do not fit the format
     */
    public Elementwise(int channels, int pes, int cellsPerPeMax, int accBits, int fracShiftBits, int accReadLatency,
                       Arithmetic arithmetic) {
        this(channels, pes, cellsPerPeMax, accBits, fracShiftBits, accReadLatency, arithmetic, false);
    }

    /**
     * As {@link #Elementwise(int, int, int, int, int, int, Arithmetic)}, computing the GRU cell when
     * {@code gru} is set (the schedule of the GRU section above).
     */
    public Elementwise(int channels, int pes, int cellsPerPeMax, int accBits, int fracShiftBits, int accReadLatency,
                       Arithmetic arithmetic, boolean gru) {
        this(channels, pes, cellsPerPeMax, accBits, fracShiftBits, accReadLatency, arithmetic, gru, 1);
    }

    /**
     * As {@link #Elementwise(int, int, int, int, int, int, Arithmetic, boolean)}, with
     * {@code mReadPorts} (1 or 2) independent m read ports.
     */
    public Elementwise(int channels, int pes, int cellsPerPeMax, int accBits, int fracShiftBits, int accReadLatency,
                       Arithmetic arithmetic, boolean gru, int mReadPorts) {
        super(validated(channels, pes, cellsPerPeMax, accBits, fracShiftBits, accReadLatency, arithmetic, mReadPorts));
        final int actBits = arithmetic.actBits();
        final int latency = scheduleLatency(pes, accReadLatency);
        this.peBits = Integer.numberOfTrailingZeros(pes);
        final int slotsMax = pes * cellsPerPeMax;
        final int cellBits = bitsFor(slotsMax + 1);
        final int localCellBits = bitsFor(cellsPerPeMax + 1);
        final int stateDepth = Math.max(2, slotsMax);
        final int stateAddrBits = bitsFor(stateDepth);
        final int rowBits = bitsFor(4 * cellsPerPeMax);
        final int peepBits = bitsFor(3 * cellsPerPeMax);
        // ages t0 + k are the steps at t = k of the schedule in the class comment; the last one,
        // the m write, is at t = 14
        final int t0 = latency + 2;
        final int lastAge = t0 + (gru ? GRU_LAST_STEP : LAST_STEP);
        final int slots = (lastAge + 1) / CYCLES_PER_CELL + 1;

        biasWriteValid = inBool("bias_write_valid");
        biasWriteAddr = inUInt("bias_write_addr", rowBits);
        biasWriteData = new ArrayList<>();
        for (int j = 0; j < pes; j++) {
            biasWriteData.add(inSInt("bias_write_data_" + j, actBits));
        }
        peepWriteValid = inBool("peep_write_valid");
        peepWriteAddr = inUInt("peep_write_addr", peepBits);
        peepWriteData = new ArrayList<>();
        for (int j = 0; j < pes; j++) {
            peepWriteData.add(inSInt("peep_write_data_" + j, actBits));
        }
        resetState = inBool("reset_state");
        start = inBool("start");
        cells = inUInt("cells", localCellBits);
        fracShift = inUInt("frac_shift", fracShiftBits);
        ready = outBool("ready");
        done = outBool("done");
        cellsDone = outUInt("cells_done", cellBits);
        accReadRow = outUInt("acc_read_row", rowBits);
        accReadValue = inSIntGrid("acc_read_value", pes, channels, accBits);
        accReadValid = inBools("acc_read_valid", pes);
        List<UInt> mAddrs = new ArrayList<>();
        List<List<SInt>> mValues = new ArrayList<>();
        for (int port = 0; port < mReadPorts; port++) {
            String prefix = port == 0 ? "" : "second_";
            mAddrs.add(inUInt(prefix + "m_read_addr", stateAddrBits));
            List<SInt> portValues = new ArrayList<>();
            for (int ch = 0; ch < channels; ch++) {
                portValues.add(outSInt(prefix + "m_read_value_" + ch, actBits));
            }
            mValues.add(List.copyOf(portValues));
        }
        mReadAddr = List.copyOf(mAddrs);
        mReadValue = List.copyOf(mValues);

        // ---- control: idle, clearing the cell state, or running the schedule ----
        running = regInit("running", bool(), boolConst(false));
        Bool clearing = regInit("clearing", bool(), boolConst(false));
        UInt clearAddr = reg("clear_addr", uint(stateAddrBits));
        Bool idle = named("idle", not(or(running, clearing)));
        Bool clearNow = named("clear_now", and(resetState, idle));
        Bool startNow = named("start_now", and(and(start, idle), not(resetState)));
        assign(ready, idle);

        when(clearNow, () -> {
            assign(clearing, boolConst(true));
            assign(clearAddr, uintConst(0, stateAddrBits));
        });
        when(clearing, () -> {
            assign(clearAddr, add(clearAddr, uintConst(1, stateAddrBits)));
            when(equal(clearAddr, uintConst(stateDepth - 1, stateAddrBits)),
                    () -> assign(clearing, boolConst(false)));
        });

        UInt cellsQ = reg("cells_q", uint(cellBits));
        UInt shiftQ = reg("frac_shift_q", uint(fracShiftBits));
        UInt offset1 = reg("gate_offset_1", uint(rowBits));
        UInt offset2 = reg("gate_offset_2", uint(rowBits));
        UInt offset3 = reg("gate_offset_3", uint(rowBits));
        UInt offset0 = uintConst(0, rowBits);
        phase = reg("phase", uint(bitsFor(CYCLES_PER_CELL)));
        for (int d = 0; d < slots; d++) {
            slotCell.add(reg("slot_cell_" + d, uint(d == 0 ? cellBits : stateAddrBits)));
            slotValid.add(regInit("slot_valid_" + d, bool(), boolConst(false)));
        }

        when(startNow, () -> {
            UInt wide = cells.resize(rowBits);
            UInt twice = shiftLeft(cells, 1).resize(rowBits);
            assign(running, boolConst(true));
            assign(cellsQ, shiftLeft(cells, peBits).resize(cellBits));
            assign(shiftQ, fracShift);
            assign(offset1, wide);
            assign(offset2, twice);
            assign(offset3, add(wide, twice));
            assign(phase, uintConst(0, phase.getWidth()));
            assign(slotCell.get(0), uintConst(0, cellBits));
            assign(slotValid.get(0), not(equal(cells, uintConst(0, localCellBits))));
            for (int d = 1; d < slots; d++) {
                assign(slotValid.get(d), boolConst(false));
            }
        });

        Bool earlierSlotsIdle = not(slotValid.get(0));
        for (int d = 1; d < slots - 1; d++) {
            earlierSlotsIdle = and(earlierSlotsIdle, not(slotValid.get(d)));
        }
        Bool finish = named("finish", and(at(lastAge), earlierSlotsIdle));
        Bool endOfPeriod = equal(phase, uintConst(CYCLES_PER_CELL - 1, phase.getWidth()));
        when(running, () -> {
            assign(phase, mux(endOfPeriod, uintConst(0, phase.getWidth()), add(phase, uintConst(1, phase.getWidth()))));
            when(endOfPeriod, () -> {
                UInt nextCell = add(slotCell.get(0), uintConst(1, cellBits));
                assign(slotCell.get(0), nextCell);
                assign(slotValid.get(0), and(slotValid.get(0), lessThan(nextCell, cellsQ)));
                for (int d = 1; d < slots; d++) {
                    assign(slotCell.get(d), slotCell.get(d - 1).resize(stateAddrBits));
                    assign(slotValid.get(d), slotValid.get(d - 1));
                }
            });
            when(finish, () -> assign(running, boolConst(false)));
        });
        assign(done, regNext("done_q", finish, boolConst(false)));

        // ---- addresses: accumulator rows, bias and peephole words, cell state ----
        UInt accRow = reg("acc_row", uint(rowBits));
        assign(accReadRow, accRow);
        UInt[] rowOrder = gru ? new UInt[]{offset0, offset3, offset1, offset2} : new UInt[]{offset2, offset1, offset0, offset3};
        for (int k = 0; k < rowOrder.length; k++) {
            loadRow(accRow, k - 1, rowOrder[k]);
        }

        // the bias and peephole words appear exactly when the adder or the multiplier takes them
        // at t (address register loaded at t - 2, RAM output register at t - 1); each address comes
        // with the PE of its slot, which picks the word's lane
        int peSelectBits = Math.max(1, peBits);
        UInt biasAddr = reg("bias_addr", uint(rowBits));
        UInt biasPe = reg("bias_pe", uint(peSelectBits));
        if (gru) {
            loadParameterRow(biasAddr, biasPe, t0 - 2, offset0);
            loadParameterRow(biasAddr, biasPe, t0 - 1, offset3);
            loadParameterRow(biasAddr, biasPe, t0, offset1);
            loadParameterRow(biasAddr, biasPe, t0 + 2, offset2);
        } else {
            loadParameterRow(biasAddr, biasPe, t0 - 2, offset2);
            loadParameterRow(biasAddr, biasPe, t0 + 1, offset1);
            loadParameterRow(biasAddr, biasPe, t0 + 2, offset0);
            loadParameterRow(biasAddr, biasPe, t0 + 9, offset3);
        }

        UInt peepAddr = reg("peep_addr", uint(peepBits));
        UInt peepPe = reg("peep_pe", uint(peSelectBits));
        loadParameterRow(peepAddr, peepPe, t0 - 1, offset1);
        loadParameterRow(peepAddr, peepPe, t0, offset0);
        loadParameterRow(peepAddr, peepPe, t0 + 7, offset2);

        UInt stateReadAddr = reg("state_read_addr", uint(stateAddrBits));
        when(at(latency - 1), () -> assign(stateReadAddr, cellAt(latency - 1).resize(stateAddrBits)));

        // the PE of the group whose accumulators arrive at ages L .. L+3
        UInt accPe = reg("acc_pe", uint(peSelectBits));
        when(at(accReadLatency - 1), () -> assign(accPe, peOf(cellAt(accReadLatency - 1), peSelectBits)));
        UInt biasPeAtRead = regNext("bias_pe_q", biasPe);
        UInt peepPeAtRead = regNext("peep_pe_q", peepPe);

        // every RAM gets its read port before its write port: SpinalHDL then names the read port's
        // unused placeholder wire _zz_<ram>_port, the name the Verilator waivers expect
        Mem<Bits> biasRam = ram("bias_ram", hardType(() -> bits(pes * actBits)), 4 * cellsPerPeMax);
        Bits biasWord = named("bias_word", readSync(biasRam, biasAddr));
        write(biasRam, biasWriteAddr, concatLowFirst(biasWriteData), biasWriteValid);
        SInt bias = named("bias", lane(biasWord, biasPeAtRead, pes, actBits));
        Mem<Bits> peepRam = ram("peep_ram", hardType(() -> bits(pes * actBits)), 3 * cellsPerPeMax);
        Bits peepWord = named("peep_word", readSync(peepRam, peepAddr));
        write(peepRam, peepWriteAddr, concatLowFirst(peepWriteData), peepWriteValid);
        SInt peep = named("peep", lane(peepWord, peepPeAtRead, pes, actBits));
        if (gru) {
            unused("peep", peep);
        }

        int cAge = gru ? lastAge : t0 + 9;
        UInt cWriteAddr = named("c_write_addr",
                mux(clearing, clearAddr, cellAt(cAge).resize(stateAddrBits)));
        Bool cWrite = named("c_write", or(clearing, and(at(cAge), validAt(cAge))));
        UInt mWriteAddr = named("m_write_addr", cellAt(lastAge).resize(stateAddrBits));
        Bool mWrite = named("m_write", and(at(lastAge), validAt(lastAge)));
        UInt mWritten = regInit("m_written", uint(cellBits), uintConst(0, cellBits));
        when(mWrite, () -> assign(mWritten, add(mWritten, uintConst(1, cellBits))));
        when(startNow, () -> assign(mWritten, uintConst(0, cellBits)));
        assign(cellsDone, mWritten);
        Bool tanhLookup = named("tanh_lookup", gru ? at(t0 + 5) : or(at(t0 + 1), at(t0 + 9)));

        long[] tables = new long[2 * arithmetic.sigmoid().length];
        System.arraycopy(arithmetic.sigmoid(), 0, tables, 0, arithmetic.sigmoid().length);
        System.arraycopy(arithmetic.tanh(), 0, tables, arithmetic.sigmoid().length, arithmetic.tanh().length);

        // an invalid accumulator row counts as 0, and z = rescale(0) = 0
        Bool accValid = pes == 1 ? accReadValid.get(0) : regNext("acc_valid_picked", select(accPe, accReadValid));
        Bool accValidQ = regNext("acc_valid_q", accValid);

        // the cell state and the outputs of all channels, one word per slot (the channels run in lockstep)
        Mem<Bits> stateRam = ram("c_ram", hardType(() -> bits(channels * actBits)), stateDepth);
        Bits cWord = named("c_word", readSync(stateRam, stateReadAddr));
        Mem<Bits> outputRam = ram("m_ram", hardType(() -> bits(channels * actBits)), stateDepth);
        List<Bits> mWords = new ArrayList<>();
        for (int port = 0; port < mReadPorts; port++) {
            mWords.add(named(port == 0 ? "m_word" : "second_m_word", readSync(outputRam, mReadAddr.get(port))));
        }
        List<SInt> cWrites = new ArrayList<>();
        List<SInt> mWrites = new ArrayList<>();

        // ---- the datapath of each channel; channels 2k and 2k + 1 share a two-port table ----
        LookupRom rom = null;
        for (int ch = 0; ch < channels; ch++) {
            String n = "_" + ch;

            // z = sat(round(acc >> frac_shift)), computed as ((2 acc >> shift) + 1) >> 1
            int channel = ch;
            SInt accValue = pes == 1 ? accReadValue.get(0).get(ch)
                    : regNext("acc_picked" + n, select(accPe, accReadValue.stream().map(ofPe -> ofPe.get(channel)).toList()));
            SInt shifted = regNext("acc_shifted" + n, shiftRight(shiftLeft(accValue, 1), shiftQ));
            SInt z = named("z" + n, mux(accValidQ, saturate(shiftKeepingWidth(add(shifted.resize(accBits + 2),
                    sintConst(1, accBits + 2)), 1), actBits), sintConst(0, actBits)));
            SInt cOld = loadAt("c_old" + n, latency + 1, asSInt(slice(cWord, ch * actBits, actBits)));

            if (ch % 2 == 0) {
                int ports = Math.min(2, channels - ch);
                rom = child("activation_rom" + n, new LookupRom(ports == 2 ? "ActivationRom2" : "ActivationRom", tables,
                        actBits, lutIndexBits(arithmetic) + 1, ports));
            }
            UInt romIndex = rom.indexes.get(ch % 2);
            SInt looked = rom.values.get(ch % 2);

            // the multiplier: operands at t, product register at t + 1, rounded product read at t + 2
            int sumBits = actBits + 2;
            SInt sum = reg("sum" + n, sint(sumBits));
            SInt cNext = named("c_next" + n, saturate(sum, actBits));
            SInt mulA = reg("mul_a" + n, sint(actBits));
            SInt mulB = reg("mul_b" + n, sint(actBits));
            int productBits = 2 * actBits + 1;
            SInt product = regNext("product" + n, add(mul(mulA, mulB).resize(productBits),
                    sintConst(1L << (arithmetic.actFracBits() - 1), productBits)));
            SInt rounded = named("product_rounded" + n,
                    saturate(shiftKeepingWidth(product, arithmetic.actFracBits()), actBits));

            // the adder: sum = x + y + w, exact; read in the next cycle
            SInt x = named("sum_x" + n, sint(sumBits));
            SInt y = named("sum_y" + n, sint(actBits));
            SInt w = named("sum_w" + n, sint(actBits));
            assign(x, sintConst(0, sumBits));
            assign(y, sintConst(0, actBits));
            assign(w, sintConst(0, actBits));
            if (gru) {
                gruSteps(n, t0, latency, z, cOld, looked, cNext, rounded, bias, mulA, mulB, x, y, w);
                mWrites.add(cNext);
            } else {
                lstmSteps(n, t0, latency, z, cOld, looked, sum, cNext, rounded, bias, peep, mulA, mulB, x, y, w);
                mWrites.add(rounded);
            }
            assign(sum, add(add(x, y.resize(sumBits)), w.resize(sumBits)));

            assign(romIndex, concat(tanhLookup, lutIndex(sum, arithmetic)));

            cWrites.add(mux(clearing, sintConst(0, actBits), cNext));
            for (int port = 0; port < mReadPorts; port++) {
                assign(mReadValue.get(port).get(ch), asSInt(slice(mWords.get(port), ch * actBits, actBits)));
            }
        }
        write(stateRam, cWriteAddr, concatLowFirst(cWrites), cWrite);
        write(outputRam, mWriteAddr, concatLowFirst(mWrites), mWrite);
    }

    /** The LSTM cell's steps (the schedule in the class comment). */
    private void lstmSteps(String n, int t0, int latency, SInt z, SInt cOld, SInt looked, SInt sum, SInt cNext,
                           SInt rounded, SInt bias, SInt peep, SInt mulA, SInt mulB, SInt x, SInt y, SInt w) {
        int sumBits = x.getWidth();
        SInt zG = loadAt("z_g" + n, latency + 1, z);
        SInt zF = loadAt("z_f" + n, latency + 2, z);
        SInt zI = loadAt("z_i" + n, latency + 3, z);
        SInt zO = loadAt("z_o" + n, latency + 4, z);
        SInt gateG = loadAt("gate_g" + n, t0 + 2, looked);
        SInt tanhC = loadAt("tanh_c" + n, t0 + 10, looked);
        SInt gateO = loadAt("gate_o" + n, t0 + 13, looked);
        // z_o is used after the next slot has loaded its own: hold it one period longer
        SInt zOHeld = loadAt("z_o_held" + n, t0 + 8, zO);
        loadOperands(mulA, mulB, t0 + 1, peep, cOld);
        loadOperands(mulA, mulB, t0 + 2, peep, cOld);
        loadOperands(mulA, mulB, t0 + 5, looked, cOld);
        loadOperands(mulA, mulB, t0 + 6, looked, gateG);
        loadOperands(mulA, mulB, t0 + 9, peep, cNext);
        loadOperands(mulA, mulB, t0 + 16, gateO, tanhC);
        addAt(t0, zG.resize(sumBits), bias, null, x, y, w);
        addAt(t0 + 3, zF.resize(sumBits), bias, rounded, x, y, w);
        addAt(t0 + 4, zI.resize(sumBits), bias, rounded, x, y, w);
        addAt(t0 + 7, null, null, rounded, x, y, w);
        addAt(t0 + 8, sum, null, rounded, x, y, w);
        addAt(t0 + 11, zOHeld.resize(sumBits), bias, rounded, x, y, w);
    }

    /**
     * The GRU cell's steps (the GRU schedule in the class comment): rows r, n_h, u, n_x arrive in
     * that order; h is read from and written to the c RAM.
     */
    private void gruSteps(String n, int t0, int latency, SInt z, SInt cOld, SInt looked, SInt cNext, SInt rounded,
                          SInt bias, SInt mulA, SInt mulB, SInt x, SInt y, SInt w) {
        int sumBits = x.getWidth();
        SInt zR = loadAt("z_r" + n, latency + 1, z);
        SInt zNh = loadAt("z_nh" + n, latency + 2, z);
        SInt zU = loadAt("z_u" + n, latency + 3, z);
        SInt zNx = loadAt("z_nx" + n, latency + 4, z);
        SInt gateU = loadAt("gate_u" + n, t0 + 4, looked);
        SInt gateN = loadAt("gate_n" + n, t0 + 6, looked);
        SInt hHeld = loadAt("h_held" + n, t0 + 5, cOld);
        SInt uHeld = loadAt("u_held" + n, t0 + 9, gateU);
        SInt nHeld = loadAt("n_held" + n, t0 + 11, gateN);
        // n is a tanh table value, within [-2^F, 2^F] and F <= A - 2, so -n fits A bits
        SInt minusN = named("minus_n" + n, sub(sintConst(0, gateN.getWidth()), gateN));
        loadOperands(mulA, mulB, t0 + 2, looked, cNext);
        loadOperands(mulA, mulB, t0 + 12, uHeld, cNext);
        addAt(t0, zR.resize(sumBits), bias, null, x, y, w);
        addAt(t0 + 1, zNh.resize(sumBits), bias, null, x, y, w);
        addAt(t0 + 2, zU.resize(sumBits), bias, null, x, y, w);
        addAt(t0 + 4, zNx.resize(sumBits), bias, rounded, x, y, w);
        addAt(t0 + 11, hHeld.resize(sumBits), minusN, null, x, y, w);
        addAt(t0 + 15, nHeld.resize(sumBits), null, rounded, x, y, w);
    }

    /**
     * L', the age at which the accumulator of the row shown at age 0 reaches the rescaler: the read
     * latency, plus one register after the PE select when {@code pes} &gt; 1 (the select and the
     * rescaling shift in one cone of logic map to about half as many LUTs again as the two apart).
     */
    public static int scheduleLatency(int pes, int accReadLatency) {
        return accReadLatency + (pes > 1 ? 1 : 0);
    }

    /** At age {@code age} the adder takes x, y and w (null: 0). */
    private void addAt(int age, SInt xValue, SInt yValue, SInt wValue, SInt x, SInt y, SInt w) {
        when(at(age), () -> {
            if (xValue != null) {
                assign(x, xValue);
            }
            if (yValue != null) {
                assign(y, yValue);
            }
            if (wValue != null) {
                assign(w, wValue);
            }
        });
    }

    /** True in the cycles where a cell of age {@code age} is in the schedule (valid or not). */
    private Bool at(int age) {
        int step = age + 1;
        return and(running, equal(phase, uintConst(step % CYCLES_PER_CELL, phase.getWidth())));
    }

    /** The cell whose age is {@code age} in the cycles {@link #at} selects. */
    private UInt cellAt(int age) {
        return slotCell.get((age + 1) / CYCLES_PER_CELL);
    }

    /** Whether the cell {@link #cellAt} names is one of the run's cells. */
    private Bool validAt(int age) {
        return slotValid.get((age + 1) / CYCLES_PER_CELL);
    }

    /** The local cell (within its PE) of slot {@code slot}: slot / pes. */
    private UInt localCellOf(UInt slot) {
        return peBits == 0 ? slot : shiftRight(slot, peBits);
    }

    /** The PE (within the group) of slot {@code slot}: slot mod pes, {@code bits} wide. */
    private UInt peOf(UInt slot, int bits) {
        return peBits == 0 ? uintConst(0, bits) : slot.resize(peBits).resize(bits);
    }

    /** Lane {@code index} of {@code word}, {@code lanes} lanes of {@code bits} bits, as an SInt. */
    private static SInt lane(Bits word, UInt index, int lanes, int bits) {
        List<SInt> options = new ArrayList<>();
        for (int j = 0; j < lanes; j++) {
            options.add(asSInt(slice(word, j * bits, bits)));
        }
        return lanes == 1 ? options.get(0) : select(index, options);
    }

    /** {@link #loadRow}, and {@code pe} with the slot's PE (the lane of the word read at that row). */
    private void loadParameterRow(UInt address, UInt pe, int age, UInt offset) {
        loadRow(address, age, offset);
        when(at(age), () -> assign(pe, peOf(cellAt(age), pe.getWidth())));
    }

    /** At age {@code age}, loads {@code address} with row local cell + offset (truncated to its width). */
    private void loadRow(UInt address, int age, UInt offset) {
        UInt row = add(localCellOf(cellAt(age)).resize(offset.getWidth()), offset);
        int width = address.getWidth();
        if (row.getWidth() > width) {
            unused(address.getName() + "_row_at_" + (age < 0 ? "minus_" + -age : age) + "_high",
                    slice(row, width, row.getWidth() - width));
        }
        when(at(age), () -> assign(address, row.resize(width)));
    }

    /** A register named {@code name} that loads {@code source} at age {@code age} and holds otherwise. */
    private SInt loadAt(String name, int age, SInt source) {
        SInt register = reg(name, sint(source.getWidth()));
        when(at(age), () -> assign(register, source));
        return register;
    }

    private void loadOperands(SInt mulA, SInt mulB, int age, SInt a, SInt b) {
        when(at(age), () -> {
            assign(mulA, a);
            assign(mulB, b);
        });
    }

    /** The table index of {@code value}: clamp((value + R 2^F) &gt;&gt; s, 0, E-1). */
    private static UInt lutIndex(SInt value, Arithmetic arithmetic) {
        int indexBits = lutIndexBits(arithmetic);
        int entries = arithmetic.sigmoid().length;
        int width = value.getWidth() + 1;
        SInt biased = add(value.resize(width), sintConst(arithmetic.lutInputOffsetRaw(), width));
        SInt scaled = shiftKeepingWidth(biased, arithmetic.lutStepShift());
        return mux(lessThan(scaled, sintConst(0, width)), uintConst(0, indexBits),
                mux(greaterThan(scaled, sintConst(entries - 1, width)), uintConst(entries - 1, indexBits),
                        scaled.resize(indexBits).asUInt()));
    }

    /**
     * Arithmetic {@code value >> n}, as wide as {@code value}: every bit of {@code value} stays
     * used, so the Verilog lints clean where a narrowing slice of an intermediate would not.
     */
    private static SInt shiftKeepingWidth(SInt value, int n) {
        return n == 0 ? value : shiftRight(value, uintConst(n, bitsFor(n + 1)));
    }

    private static int lutIndexBits(Arithmetic arithmetic) {
        return Integer.numberOfTrailingZeros(arithmetic.sigmoid().length);
    }

    /** Bits of an address into {@code words} words (at least 1). */
    private static int bitsFor(int words) {
        return Math.max(1, 32 - Integer.numberOfLeadingZeros(words - 1));
    }

    private static String validated(int channels, int pes, int cellsPerPeMax, int accBits, int fracShiftBits,
                                    int accReadLatency, Arithmetic a, int mReadPorts) {
        String name = "Elementwise";
        check(mReadPorts == 1 || mReadPorts == 2, name + ": mReadPorts " + mReadPorts + " is neither 1 nor 2");
        check(channels >= 1 && channels <= 64, name + ": channels " + channels + " is outside 1..64");
        check(pes >= 1 && pes <= 64 && Integer.bitCount(pes) == 1,
                name + ": pes " + pes + " is not a power of two in 1..64");
        check((long) pes * cellsPerPeMax <= 65536,
                name + ": pes x cellsPerPeMax = " + (long) pes * cellsPerPeMax + " exceeds 65536");
        check(cellsPerPeMax >= 1 && cellsPerPeMax <= 65536,
                name + ": cellsPerPeMax " + cellsPerPeMax + " is outside 1..65536");
        check(a.actBits() >= 4 && a.actBits() <= 24, name + ": actBits " + a.actBits() + " is outside 4..24");
        check(a.actFracBits() >= 1 && a.actFracBits() <= a.actBits() - 2,
                name + ": actFracBits " + a.actFracBits() + " is outside 1.." + (a.actBits() - 2));
        check(accBits >= a.actBits() && accBits <= 62,
                name + ": accBits " + accBits + " is outside " + a.actBits() + "..62");
        check(fracShiftBits >= 1 && fracShiftBits <= 6, name + ": fracShiftBits " + fracShiftBits + " is outside 1..6");
        check(accReadLatency >= 0 && accReadLatency <= 32,
                name + ": accReadLatency " + accReadLatency + " is outside 0..32");
        int entries = a.sigmoid().length;
        check(Integer.bitCount(entries) == 1 && entries >= 2 && entries <= 1 << 19,
                name + ": the tables have " + entries + " entries; need a power of two in 2..2^19");
        check(a.tanh().length == entries,
                name + ": the tanh table has " + a.tanh().length + " entries, the sigmoid table " + entries);
        check(a.lutInputOffsetRaw() >= 1 && a.lutInputOffsetRaw() <= 1L << (a.actBits() - 1),
                name + ": lutInputOffsetRaw " + a.lutInputOffsetRaw() + " is outside 1..2^(actBits-1)");
        check(a.lutStepShift() >= 0 && a.lutStepShift() < a.actBits()
                        && (long) entries << a.lutStepShift() == 2 * a.lutInputOffsetRaw(),
                name + ": E 2^lutStepShift = " + entries + " * 2^" + a.lutStepShift()
                        + " must equal 2 lutInputOffsetRaw = " + 2 * a.lutInputOffsetRaw());
        return name;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new EsegenException(message);
        }
    }
}
