package org.esegen.hdl;

import static org.esegen.hdl.spinal.Hdl.add;
import static org.esegen.hdl.spinal.Hdl.allOf;
import static org.esegen.hdl.spinal.Hdl.and;
import static org.esegen.hdl.spinal.Hdl.assign;
import static org.esegen.hdl.spinal.Hdl.bool;
import static org.esegen.hdl.spinal.Hdl.boolConst;
import static org.esegen.hdl.spinal.Hdl.clampToWidth;
import static org.esegen.hdl.spinal.Hdl.equal;
import static org.esegen.hdl.spinal.Hdl.lessThan;
import static org.esegen.hdl.spinal.Hdl.mul;
import static org.esegen.hdl.spinal.Hdl.mux;
import static org.esegen.hdl.spinal.Hdl.named;
import static org.esegen.hdl.spinal.Hdl.not;
import static org.esegen.hdl.spinal.Hdl.or;
import static org.esegen.hdl.spinal.Hdl.regInit;
import static org.esegen.hdl.spinal.Hdl.regNext;
import static org.esegen.hdl.spinal.Hdl.shiftLeft;
import static org.esegen.hdl.spinal.Hdl.slice;
import static org.esegen.hdl.spinal.Hdl.sub;
import static org.esegen.hdl.spinal.Hdl.uint;
import static org.esegen.hdl.spinal.Hdl.uintConst;
import static org.esegen.hdl.spinal.Hdl.unused;
import static org.esegen.hdl.spinal.Hdl.when;
import static org.esegen.hdl.spinal.Hdl.widthFor;

import java.util.List;

import org.esegen.compile.RegisterMap;
import org.esegen.hdl.units.AxiLiteRegisters;
import org.esegen.hdl.units.ChunkPacker;
import org.esegen.hdl.units.DdrCommand;
import spinal.core.Bool;
import spinal.core.UInt;

/**
 * The run control the tops with weights on chip share ({@link DeltaAccelerator}, {@link CirculantAccelerator}):
 * one layer a run, started by CONTROL; its store and parameter reads issued once, its frames read and
 * written a row a frame, done once every frame is out and written. Each method builds its logic in the
 * calling component.
 */
final class LayerRuns {
    /** Width of the word and chunk counts. */
    static final int COUNT_BITS = 24;
    /** Width of a frame interval (MAX_FRAME_CYCLES): a frame takes fewer than 2^32 cycles. */
    private static final int INTERVAL_BITS = 32;

    private LayerRuns() {
    }

    /** One command on {@code port} after each launch: the words from {@code base}; true once it is taken. */
    static Bool once(String name, Bool launch, DdrCommand port, UInt base, UInt beats) {
        Bool pending = regInit(name + "_pending", bool(), boolConst(false));
        assign(port.valid(), pending);
        assign(port.address(), base.resize(port.address().getWidth()));
        assign(port.beats(), clampToWidth(beats, port.beats().getWidth()));
        when(port.ready(), () -> assign(pending, boolConst(false)));
        when(launch, () -> assign(pending, boolConst(true)));
        return named(name + "_issued", not(pending));
    }

    /**
     * After each launch, the BIAS section's 4 rows a cell, then the PEEPHOLES section's 3, on {@code port};
     * true once both are taken.
     */
    static Bool parameters(Bool launch, DdrCommand port, UInt biasBase, UInt peepholesBase, UInt beatsPerRows) {
        Bool bias = regInit("bias_pending", bool(), boolConst(false));
        Bool peepholes = regInit("peepholes_pending", bool(), boolConst(false));
        assign(port.valid(), or(bias, peepholes));
        assign(port.address(), mux(bias, biasBase, peepholesBase).resize(port.address().getWidth()));
        int beatBits = port.beats().getWidth();
        assign(port.beats(), mux(bias, clampToWidth(mul(beatsPerRows, uintConst(4, 3)), beatBits),
                clampToWidth(mul(beatsPerRows, uintConst(3, 3)), beatBits)));
        when(port.ready(), () -> {
            when(bias, () -> assign(bias, boolConst(false))).otherwise(() -> assign(peepholes, boolConst(false)));
        });
        when(launch, () -> {
            assign(bias, boolConst(true));
            assign(peepholes, boolConst(true));
        });
        return named("params_issued", not(or(bias, peepholes)));
    }

    /**
     * A command of {@code words} words a frame on {@code port}, {@code frames} of them after each launch, frame t
     * at {@code base} + t rows, issued while {@code allowed}; true while commands of the run are left.
     */
    static Bool perFrame(String name, Bool launch, UInt frames, Bool allowed, DdrCommand port, UInt base, UInt words,
                         int wordBits) {
        int addrBits = port.address().getWidth();
        UInt left = regInit(name + "_commands_left", uint(32), uintConst(0, 32));
        UInt address = regInit(name + "_address", uint(addrBits), uintConst(0, addrBits));
        Bool remain = named(name + "_commands_remain", not(equal(left, uintConst(0, 32))));
        int byteBits = Integer.numberOfTrailingZeros(wordBits / 8);
        UInt rowBytes = named(name + "_row_bytes", shiftLeft(words.resize(addrBits - byteBits), byteBits));
        assign(port.valid(), and(remain, allowed));
        assign(port.address(), address);
        assign(port.beats(), words.resize(port.beats().getWidth()));
        when(and(port.valid(), port.ready()), () -> {
            assign(left, sub(left, uintConst(1, 32)));
            assign(address, add(address, rowBytes));
        });
        when(launch, () -> {
            assign(left, frames);
            assign(address, base.resize(addrBits));
        });
        return remain;
    }

    /** Words of a row of {@code lanes} values of {@code laneBits}: ceil(lanes laneBits / wordBits), registered. */
    static UInt wordsPerRow(String name, UInt lanes, int laneBits, int wordBits) {
        int productBits = lanes.getWidth() + widthFor(laneBits);
        int bits = Math.max(productBits, widthFor(wordBits)) + 1;
        UInt rowBits = mul(lanes, uintConst(laneBits, widthFor(laneBits))).resize(bits);
        UInt rounded = named(name + "_rounded", add(rowBits, uintConst(wordBits - 1, bits)));
        int wordShift = Integer.numberOfTrailingZeros(wordBits);
        unused(name + "_fraction", slice(rounded, 0, wordShift));
        return regNext(name, slice(rounded, wordShift, bits - wordShift).resize(COUNT_BITS));
    }

    /**
     * A frame's output row at a time into {@code packer} ({@code chunks} chunks into {@code words} words), {@code
     * frames} rows after each launch; true once every row is packed.
     */
    static Bool outputRows(Bool launch, UInt frames, ChunkPacker packer, UInt chunks, UInt words) {
        UInt rowsLeft = regInit("output_rows_left", uint(32), uintConst(0, 32));
        Bool rowStart = named("output_row_start", and(not(packer.busy), not(equal(rowsLeft, uintConst(0, 32)))));
        assign(packer.start, rowStart);
        assign(packer.chunks, chunks.resize(COUNT_BITS));
        assign(packer.words, words);
        when(rowStart, () -> assign(rowsLeft, sub(rowsLeft, uintConst(1, 32))));
        when(launch, () -> assign(rowsLeft, frames));
        return named("output_rows_packed", and(equal(rowsLeft, uintConst(0, 32)), not(packer.busy)));
    }

    /**
     * Busy and done: the run ends in the cycle the layer is {@code ready}, its {@code framesDone} equals FRAME_COUNT
     * and everything is {@code written} (never in the cycle after a launch); STATUS, the done pulse for the
     * interrupt, and CYCLES (returned) from launch to done.
     */
    static UInt finish(AxiLiteRegisters regs, Bool launch, Bool busy, UInt frames, UInt framesDone, Bool ready,
                       Bool written) {
        Bool done = regInit("done", bool(), boolConst(false));
        Bool finished = named("finished", allOf(List.of(busy, ready, written, not(launch),
                equal(framesDone, frames.resize(framesDone.getWidth())))));
        Bool settled = regNext("launch_settled", launch, boolConst(false));
        Bool finish = named("finish", and(finished, not(settled)));
        when(finish, () -> {
            assign(busy, boolConst(false));
            assign(done, boolConst(true));
        });
        when(launch, () -> {
            assign(busy, boolConst(true));
            assign(done, boolConst(false));
        });
        assign(regs.busy, busy);
        assign(regs.done, done);
        assign(regs.donePulse, finish);
        return EseAccelerator.count(regs, RegisterMap.CYCLES, launch, busy);
    }

    /** {@code register} holds {@code value} as it was when the run ended (it follows it while busy). */
    static void held(AxiLiteRegisters regs, RegisterMap.Register register, Bool busy, UInt value) {
        UInt port = regs.port(register);
        UInt held = regInit(register.name().toLowerCase() + "_held", uint(port.getWidth()), uintConst(0, port.getWidth()));
        when(busy, () -> assign(held, value.resize(port.getWidth())));
        assign(port, held);
    }

    /**
     * MAX_FRAME_CYCLES: the longest interval between two frames' last outputs leaving the layer ({@code framesDone}
     * counting up), the first frame's from the cycle the layer became {@code ready} (32 bits, modulo 2^32 of the
     * run's cycles: a frame takes fewer).
     */
    static void worstFrame(AxiLiteRegisters regs, Bool launch, UInt framesDone, Bool ready, UInt cycles) {
        UInt before = regNext("frames_done_q", framesDone, uintConst(0, framesDone.getWidth()));
        Bool frameOut = named("frame_out", equal(framesDone, add(before, uintConst(1, framesDone.getWidth()))));
        Bool loaded = named("loaded_rise", and(ready, not(regNext("ready_q", ready, boolConst(false)))));
        UInt now = named("frame_clock", cycles.resize(INTERVAL_BITS));
        UInt mark = regInit("frame_mark", uint(INTERVAL_BITS), uintConst(0, INTERVAL_BITS));
        UInt worst = regInit("max_frame_cycles_value", uint(INTERVAL_BITS), uintConst(0, INTERVAL_BITS));
        UInt interval = named("frame_interval", sub(now, mark));
        when(loaded, () -> assign(mark, now));
        when(frameOut, () -> {
            assign(mark, now);
            when(lessThan(worst, interval), () -> assign(worst, interval));
        });
        when(launch, () -> {
            assign(worst, uintConst(0, INTERVAL_BITS));
            assign(mark, uintConst(0, INTERVAL_BITS));
        });
        UInt port = regs.port(RegisterMap.MAX_FRAME_CYCLES);
        assign(port, worst.resize(port.getWidth()));
    }
}
