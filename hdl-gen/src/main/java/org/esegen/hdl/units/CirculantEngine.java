package org.esegen.hdl.units;

import static org.esegen.hdl.spinal.Hdl.add;
import static org.esegen.hdl.spinal.Hdl.and;
import static org.esegen.hdl.spinal.Hdl.asSInt;
import static org.esegen.hdl.spinal.Hdl.assign;
import static org.esegen.hdl.spinal.Hdl.bits;
import static org.esegen.hdl.spinal.Hdl.blockRam;
import static org.esegen.hdl.spinal.Hdl.bool;
import static org.esegen.hdl.spinal.Hdl.boolConst;
import static org.esegen.hdl.spinal.Hdl.child;
import static org.esegen.hdl.spinal.Hdl.concatLowFirst;
import static org.esegen.hdl.spinal.Hdl.equal;
import static org.esegen.hdl.spinal.Hdl.greaterThan;
import static org.esegen.hdl.spinal.Hdl.hardType;
import static org.esegen.hdl.spinal.Hdl.inUInt;
import static org.esegen.hdl.spinal.Hdl.lessThan;
import static org.esegen.hdl.spinal.Hdl.masterStream;
import static org.esegen.hdl.spinal.Hdl.mul;
import static org.esegen.hdl.spinal.Hdl.mux;
import static org.esegen.hdl.spinal.Hdl.named;
import static org.esegen.hdl.spinal.Hdl.not;
import static org.esegen.hdl.spinal.Hdl.or;
import static org.esegen.hdl.spinal.Hdl.outBool;
import static org.esegen.hdl.spinal.Hdl.outUInt;
import static org.esegen.hdl.spinal.Hdl.ram;
import static org.esegen.hdl.spinal.Hdl.readSync;
import static org.esegen.hdl.spinal.Hdl.reg;
import static org.esegen.hdl.spinal.Hdl.regInit;
import static org.esegen.hdl.spinal.Hdl.regNext;
import static org.esegen.hdl.spinal.Hdl.shiftLeftKeepWidth;
import static org.esegen.hdl.spinal.Hdl.shiftRight;
import static org.esegen.hdl.spinal.Hdl.saturate;
import static org.esegen.hdl.spinal.Hdl.sint;
import static org.esegen.hdl.spinal.Hdl.sintConst;
import static org.esegen.hdl.spinal.Hdl.slaveStream;
import static org.esegen.hdl.spinal.Hdl.slice;
import static org.esegen.hdl.spinal.Hdl.sub;
import static org.esegen.hdl.spinal.Hdl.uint;
import static org.esegen.hdl.spinal.Hdl.uintConst;
import static org.esegen.hdl.spinal.Hdl.unused;
import static org.esegen.hdl.spinal.Hdl.when;
import static org.esegen.hdl.spinal.Hdl.widthFor;
import static org.esegen.hdl.spinal.Hdl.write;

import java.util.ArrayList;
import java.util.List;

import org.esegen.EsegenException;
import org.esegen.circulant.FixedCirculant;
import org.esegen.hdl.spinal.JavaComponent;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.Mem;
import spinal.core.SInt;
import spinal.core.UInt;
import spinal.lib.Stream;

/**
 * One block-circulant matrix-vector product z = sat_A(W x), the twin of {@link FixedCirculant}
 * bit for bit: the input blocks x_j through a forward {@link FftUnit} into the spectrum RAM (bins 0 ..
 * b/2), then for each output block i a complex multiply-accumulate per bin over j of the stored
 * weights W_ij (a word a cycle from the weight RAM, {@link FixedCirculant#storeWord} at i colBlocks +
 * j) with X_j, the scaling to U (round, saturate), and an inverse {@link FftUnit} over U and its
 * conjugates, saturated to A.
 *
 * <p>Ports: stream {@code load} (slave, the weight words in address order, after reset); stream
 * {@code blocks} (slave, b actBits values: x_j, j = 0 .. col_blocks - 1 of one vector, value n at bits
 * [n actBits, ...), zero past the last column); {@code col_blocks}, {@code row_blocks} in UInt (1 ..
 * the maxima), {@code scale_shift} in UInt 6 (G - log2 b, {@link FixedCirculant#scaleShift}, at least 0),
 * held during a product; stream {@code outputs} (master, b actBits values of z_i, in i order: the
 * consumer must take one a cycle when offered, a FIFO's worth of slack is not kept) ; {@code busy} out;
 * {@code mac_cycles} out UInt 32 (cycles the MAC array worked, since reset).
 *
 * <p>Timing: a vector's blocks are taken one a cycle; col_blocks + 2 log2 b cycles later the MACs
 * start; each output block takes col_blocks cycles of MACs, then 2 log2 b + 3 cycles to come out, the
 * next block's MACs overlapping. The next vector's blocks are taken once the last block's MACs are issued.
 */
public final class CirculantEngine extends JavaComponent {
    public final Bool busy;

    /**
     * @param block        b, a power of two in 2..32
     * @param actBits      activation width, 2..24
     * @param weightBits   stored weight part width, 4..32
     * @param twiddleBits  FFT twiddle width, 4..24
     * @param maxColBlocks largest colBlocks, 1..65536
     * @param maxRowBlocks largest rowBlocks, 1..65536
     * @throws EsegenException if a parameter is out of range
     */
    public CirculantEngine(int block, int actBits, int weightBits, int twiddleBits, int maxColBlocks, int maxRowBlocks) {
        super(validated(actBits, weightBits, maxColBlocks, maxRowBlocks));
        int bins = FixedCirculant.bins(block);
        int forwardBits = FixedCirculant.forwardBits(actBits);
        int inverseBits = FixedCirculant.inverseBits(actBits, block);
        int colBits = widthFor(maxColBlocks);
        int rowBits = widthFor(maxRowBlocks);
        int wordBits = 2 * bins * weightBits;
        int weightWords = maxColBlocks * maxRowBlocks;
        int accBits = weightBits + forwardBits + 1 + widthFor(maxColBlocks);

        Stream<Bits> load = slaveStream("load", hardType(() -> bits(wordBits)));
        Stream<Bits> blocks = slaveStream("blocks", hardType(() -> bits(block * actBits)));
        UInt colBlocks = inUInt("col_blocks", colBits);
        UInt rowBlocks = inUInt("row_blocks", rowBits);
        UInt scaleShift = inUInt("scale_shift", 6);
        Stream<Bits> outputs = masterStream("outputs", hardType(() -> bits(block * actBits)));
        busy = outBool("busy");
        UInt macCycles = outUInt("mac_cycles", 32);

        Mem<Bits> weights = blockRam("weights", hardType(() -> bits(wordBits)), weightWords);
        int weightAddrBits = widthFor(weightWords - 1);
        UInt loadAddress = regInit("load_address", uint(weightAddrBits), uintConst(0, weightAddrBits));
        Bool loaded = named("load_taken", and(load.valid(), load.ready()));
        write(weights, loadAddress, load.payload(), loaded);
        when(loaded, () -> assign(loadAddress, add(loadAddress, uintConst(1, weightAddrBits))));
        assign(load.ready(), boolConst(true));

        // input FFT: x_j -> spectrum RAM word j (bins 0 .. b/2, real and imaginary, forwardBits each)
        FftUnit forward = child("forward_fft", new FftUnit(block, forwardBits, twiddleBits));
        Mem<Bits> spectra = ram("spectra", hardType(() -> bits(2 * bins * forwardBits)), maxColBlocks);
        Bool inputting = regInit("inputting", bool(), boolConst(true));
        UInt taken = regInit("blocks_taken", uint(colBits), uintConst(0, colBits));
        UInt written = regInit("blocks_written", uint(colBits), uintConst(0, colBits));
        Bool allTaken = named("all_taken", equal(taken, colBlocks));
        assign(blocks.ready(), and(inputting, not(allTaken)));
        Bool blockTaken = named("block_taken", and(blocks.valid(), blocks.ready()));
        when(blockTaken, () -> assign(taken, add(taken, uintConst(1, colBits))));
        assign(forward.inValid, blockTaken);
        assign(forward.inverse, boolConst(false));
        for (int n = 0; n < block; n++) {
            assign(forward.inRe.get(n), asSInt(slice(blocks.payload(), n * actBits, actBits)).resize(forwardBits));
            assign(forward.inIm.get(n), sintConst(0, forwardBits));
        }
        List<SInt> spectrumParts = new ArrayList<>();
        for (int k = 0; k < block; k++) {
            if (k < bins) {
                spectrumParts.add(forward.outRe.get(k));
                spectrumParts.add(forward.outIm.get(k));
            } else {
                unused("forward_re_" + k, forward.outRe.get(k));
                unused("forward_im_" + k, forward.outIm.get(k));
            }
        }
        write(spectra, written.resize(widthFor(maxColBlocks - 1)), concatLowFirst(spectrumParts), forward.outValid);
        when(forward.outValid, () -> assign(written, add(written, uintConst(1, colBits))));

        // MAC issue: (i, j) a cycle once every block is in the spectrum RAM
        Bool macing = regInit("macing", bool(), boolConst(false));
        UInt i = regInit("row_block", uint(rowBits), uintConst(0, rowBits));
        UInt j = regInit("col_block", uint(colBits), uintConst(0, colBits));
        UInt weightAddress = regInit("weight_address", uint(weightAddrBits), uintConst(0, weightAddrBits));
        Bool lastJ = named("last_col_block", equal(add(j, uintConst(1, colBits)), colBlocks));
        Bool lastI = named("last_row_block", equal(add(i, uintConst(1, rowBits)), rowBlocks));
        when(and(and(inputting, allTaken), equal(written, colBlocks)), () -> {
            assign(inputting, boolConst(false));
            assign(macing, boolConst(true));
        });
        Bits spectrum = readSync(spectra, j.resize(widthFor(maxColBlocks - 1)), macing);
        Bits weight = readSync(weights, weightAddress, macing);
        when(macing, () -> {
            assign(weightAddress, add(weightAddress, uintConst(1, weightAddrBits)));
            assign(j, mux(lastJ, uintConst(0, colBits), add(j, uintConst(1, colBits))));
            when(lastJ, () -> {
                assign(i, add(i, uintConst(1, rowBits)));
                when(lastI, () -> {
                    assign(macing, boolConst(false));
                    assign(inputting, boolConst(true));
                    assign(taken, uintConst(0, colBits));
                    assign(written, uintConst(0, colBits));
                    assign(i, uintConst(0, rowBits));
                    assign(weightAddress, uintConst(0, weightAddrBits));
                });
            });
        });
        UInt cycles = regInit("mac_cycles_count", uint(32), uintConst(0, 32));
        when(macing, () -> assign(cycles, add(cycles, uintConst(1, 32))));
        assign(macCycles, cycles);

        // MAC pipeline: read (1), products registered (2), accumulate (3)
        Bool readValid = regNext("read_valid", macing, boolConst(false));
        Bool readFirst = regNext("read_first", equal(j, uintConst(0, colBits)));
        Bool readLast = regNext("read_last", lastJ);
        Bool productValid = regNext("product_valid", readValid, boolConst(false));
        Bool productFirst = regNext("product_first", readFirst);
        Bool productLast = regNext("product_last", readLast);
        List<SInt[]> accumulators = new ArrayList<>();
        for (int k = 0; k < bins; k++) {
            SInt wr = asSInt(slice(weight, 2 * k * weightBits, weightBits));
            SInt wi = asSInt(slice(weight, (2 * k + 1) * weightBits, weightBits));
            SInt xr = asSInt(slice(spectrum, 2 * k * forwardBits, forwardBits));
            SInt xi = asSInt(slice(spectrum, (2 * k + 1) * forwardBits, forwardBits));
            SInt rr = regNext("bin_" + k + "_wr_xr", mul(wr, xr));
            SInt ii = regNext("bin_" + k + "_wi_xi", mul(wi, xi));
            SInt ri = regNext("bin_" + k + "_wr_xi", mul(wr, xi));
            SInt ir = regNext("bin_" + k + "_wi_xr", mul(wi, xr));
            SInt re = sub(rr.resize(accBits), ii.resize(accBits));
            SInt im = add(ri.resize(accBits), ir.resize(accBits));
            SInt accRe = reg("bin_" + k + "_acc_re", sint(accBits));
            SInt accIm = reg("bin_" + k + "_acc_im", sint(accBits));
            when(productValid, () -> {
                assign(accRe, mux(productFirst, re, add(accRe, re)));
                assign(accIm, mux(productFirst, im, add(accIm, im)));
            });
            accumulators.add(new SInt[] {accRe, accIm});
        }
        Bool sumsReady = regNext("sums_ready", and(productValid, productLast), boolConst(false));

        // U = sat(round(P >> shift)), registered; inverse FFT over U and its conjugates; z = sat_A(re)
        long limit = 1L << (inverseBits - 2);
        List<SInt[]> scaled = new ArrayList<>();
        for (int k = 0; k < bins; k++) {
            boolean real = k == 0 || k == block / 2;
            SInt re = regNext("bin_" + k + "_u_re", scaledPart("bin_" + k + "_p_re", accumulators.get(k)[0], scaleShift,
                    limit, inverseBits));
            SInt im = real ? sintConst(0, inverseBits) : regNext("bin_" + k + "_u_im", scaledPart("bin_" + k + "_p_im",
                    accumulators.get(k)[1], scaleShift, limit, inverseBits));
            if (real) {
                unused("bin_" + k + "_imaginary", accumulators.get(k)[1]);
            }
            scaled.add(new SInt[] {re, im});
        }
        Bool scaledValid = regNext("scaled_valid", sumsReady, boolConst(false));
        FftUnit inverse = child("inverse_fft", new FftUnit(block, inverseBits, twiddleBits));
        assign(inverse.inValid, scaledValid);
        assign(inverse.inverse, boolConst(true));
        for (int k = 0; k < block; k++) {
            SInt[] source = scaled.get(k < bins ? k : block - k);
            assign(inverse.inRe.get(k), source[0]);
            assign(inverse.inIm.get(k), k < bins ? source[1] : sub(sintConst(0, inverseBits), source[1]));
        }
        List<SInt> z = new ArrayList<>();
        for (int n = 0; n < block; n++) {
            SInt y = inverse.outRe.get(n);
            unused("inverse_im_" + n, inverse.outIm.get(n));
            z.add(named("z_" + n, saturate(y, actBits)));
        }
        assign(outputs.valid(), inverse.outValid);
        assign(outputs.payload(), concatLowFirst(z));
        unused("outputs_ready", outputs.ready());
        int pendingBits = rowBits + 1;
        UInt pending = regInit("inverse_pending", uint(pendingBits), uintConst(0, pendingBits));
        when(and(scaledValid, not(inverse.outValid)), () -> assign(pending, add(pending, uintConst(1, pendingBits))))
                .elseWhen(and(inverse.outValid, not(scaledValid)), () -> assign(pending, sub(pending,
                        uintConst(1, pendingBits))));
        assign(busy, or(or(or(macing, readValid), or(productValid, sumsReady)),
                or(or(scaledValid, not(inputting)), or(not(equal(taken, uintConst(0, colBits))),
                        not(equal(pending, uintConst(0, pendingBits)))))));
    }

    /**
     * shiftRound(value, shift) clamped to [-limit, limit] (symmetric, as {@code FixedCirculant} clamps U),
     * as {@code bits} bits.
     */
    private static SInt scaledPart(String name, SInt value, UInt shift, long limit, int bits) {
        int w = value.getWidth();
        UInt power = named(name + "_power", shiftLeftKeepWidth(uintConst(1, w), shift));
        unused(name + "_power_low", slice(power, 0, 1));
        SInt half = named(name + "_half", asSInt(slice(power, 1, w - 1).resize(w).asBits()));
        SInt rounded = named(name + "_rounded", shiftRight(add(value, half), shift));
        SInt top = sintConst(limit, w);
        SInt bottom = sintConst(-limit, w);
        SInt clamped = named(name + "_clamped", mux(greaterThan(rounded, top), top, mux(lessThan(rounded, bottom), bottom,
                rounded)));
        if (w > bits) {
            unused(name + "_high", slice(clamped, bits, w - bits));
        }
        return slice(clamped, 0, bits);
    }

    private static String validated(int actBits, int weightBits, int maxColBlocks, int maxRowBlocks) {
        if (actBits < 2 || actBits > 24) {
            throw new EsegenException("CirculantEngine: actBits " + actBits + " is outside 2..24");
        }
        if (weightBits < 4 || weightBits > 32) {
            throw new EsegenException("CirculantEngine: weightBits " + weightBits + " is outside 4..32");
        }
        if (maxColBlocks < 1 || maxColBlocks > 65536 || maxRowBlocks < 1 || maxRowBlocks > 65536) {
            throw new EsegenException("CirculantEngine: block counts " + maxColBlocks + " x " + maxRowBlocks
                    + " are outside 1..65536");
        }
        return "CirculantEngine";
    }
}
