package org.esegen.hdl.units;

import static org.esegen.hdl.spinal.Hdl.add;
import static org.esegen.hdl.spinal.Hdl.allOf;
import static org.esegen.hdl.spinal.Hdl.and;
import static org.esegen.hdl.spinal.Hdl.asSInt;
import static org.esegen.hdl.spinal.Hdl.assign;
import static org.esegen.hdl.spinal.Hdl.bits;
import static org.esegen.hdl.spinal.Hdl.bitsConst;
import static org.esegen.hdl.spinal.Hdl.blockRam;
import static org.esegen.hdl.spinal.Hdl.bool;
import static org.esegen.hdl.spinal.Hdl.boolConst;
import static org.esegen.hdl.spinal.Hdl.child;
import static org.esegen.hdl.spinal.Hdl.concatLowFirst;
import static org.esegen.hdl.spinal.Hdl.equal;
import static org.esegen.hdl.spinal.Hdl.greaterThan;
import static org.esegen.hdl.spinal.Hdl.hardType;
import static org.esegen.hdl.spinal.Hdl.inBool;
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
import static org.esegen.hdl.spinal.Hdl.select;
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
 * bit for bit, with {@code lanes} output blocks worked on at once: the input blocks x_j through a
 * forward {@link FftUnit} into the spectrum RAM (bins 0 .. b/2); then the row blocks in groups of L =
 * lanes (group g holds row blocks g L .. g L + L - 1), and for each group, one column block j a cycle, X_j
 * read once and broadcast to the L lanes, each lane a complex multiply-accumulate per bin of its weight
 * W_ij ({@link FixedCirculant#storeWord}) with X_j; when a group's last column is in, the L sums are held
 * and one output block a cycle is selected from them, to the scaling to U (round, saturate) and the inverse
 * {@link FftUnit} over U and its conjugates, saturated to A. The accumulates are in fabric or, with
 * {@code dspAccumulate}, in the DSP48E2s' post-adders (one {@link DspMac} a product: Gauss's three sums a complex
 * bin, combined into re and im once per output block after the selection). One lane is the single-block engine.
 * {@code channels} C vectors go through at once in lockstep, sharing every weight read: per channel a
 * forward FFT, a spectrum RAM, the lanes' multiply-accumulates and held sums, a scaling and an inverse FFT.
 *
 * <p>Ports: stream {@code load} (slave, the weight words in row-block-major order, word (i, j) at i col_blocks + j,
 * after reset or {@code restart}; lane i mod L keeps it at (i / L) col_blocks + j); {@code restart} in (a pulse while
 * no word is offered: the next load word is (0, 0) again, a new matrix follows); stream {@code blocks} (slave, C b actBits values:
 * x_j of every channel, j = 0 .. col_blocks - 1 of one vector, value n of channel ch at bits [(ch b + n) actBits,
 * ...), zero past the last column); {@code col_blocks}, {@code row_blocks} in UInt (1 .. the maxima;
 * col_blocks 0, as before a host sets the sizes, keeps the engine idle: no vector of no blocks completes), {@code
 * scale_shift} in UInt 6 (G - log2 b, {@link FixedCirculant#scaleShift}, at least 0), held during the load and the
 * products; stream {@code outputs} (master, z_i of every channel packed as the blocks, in i order: the consumer
 * must take one a cycle when offered, a FIFO's worth of slack is not kept); {@code busy} out; {@code mac_cycles}
 * out UInt 32 (cycles in which the lanes took a column block, since reset).
 *
 * <p>Timing: a vector's blocks are taken one a cycle; col_blocks + 2 log2 b cycles later the MACs
 * start; a group takes col_blocks MAC cycles (ceil(row_blocks / L) col_blocks a vector), and its L
 * blocks come out one a cycle 2 log2 b + 5 cycles after its last MAC (+ 6 with {@code dspAccumulate}), the next group's MACs
 * overlapping; a group starts at least L cycles after the one before (the held sums drain one block
 * a cycle), so with col_blocks &lt; L the lanes wait L - col_blocks cycles a group. The next vector's
 * blocks are taken once the last group's MACs are issued.
 *
 * <p>Cost: per lane a weight RAM of ceil(maxRowBlocks / L) maxColBlocks words of 2 (b/2 + 1) weightBits
 * bits and, per channel, 3 (b/2 - 1) + 2 multipliers (DSP48E2s) with 2 b/2 accumulators and held sums in fabric
 * (with {@code dspAccumulate}: the accumulates in those DSP48E2s, 3 (b/2 - 1) + 2 held sums); per channel one
 * forward and one inverse FFT, one spectrum RAM, one L-way selection and one scaling for all lanes.
 */
public final class CirculantEngine extends JavaComponent {
    /** Width of {@code scale_shift}. */
    public static final int SCALE_SHIFT_BITS = 6;
    public final Stream<Bits> load;
    public final Bool restart;
    public final Stream<Bits> blocks;
    public final UInt colBlocks;
    public final UInt rowBlocks;
    public final UInt scaleShift;
    public final Stream<Bits> outputs;
    public final Bool busy;
    public final UInt macCycles;

    private final int block;
    private final int bins;
    private final int weightBits;
    private final int forwardBits;
    private final int accBits;
    private final int colBits;
    private final int rowBits;
    private final int lanes;
    private final int laneWords;
    private final int laneAddrBits;
    private final int channels;
    private final boolean dspAccumulate;

    /** The spectrum RAM once every block of a vector is in it, and the input counters the issue resets. */
    private record Spectra(List<Mem<Bits>> rams, Bool inputting, Bool complete, UInt taken, UInt written) {
    }

    /**
     * The MAC issue: each channel's broadcast spectrum word, the lane address, the per-group flags down the pipeline
     * ({@code addValid}/{@code addFirst}: the cycle the accumulators add a product, the product cycle in fabric, the
     * cycle after it in the DSP48E2s).
     */
    private record Issue(Bool fire, UInt laneAddress, List<Bits> spectra, Bool macing, Bool addValid, Bool addFirst,
                         Bool sumsReady, UInt sumsBase) {
    }

    /**
     * @param block        b, a power of two in 2..32
     * @param actBits      activation width, 2..24
     * @param weightBits   stored weight part width, 4..32
     * @param twiddleBits  FFT twiddle width, 4..24
     * @param maxColBlocks largest colBlocks, 1..65536
     * @param maxRowBlocks largest rowBlocks, 1..65536
     * @param lanes        L, output blocks accumulated at once, 1..maxRowBlocks (at most 256)
     * @param channels     C, vectors multiplied at once with the same weights, 1..64
     * @param dspAccumulate each product accumulates in an instantiated DSP48E2 ({@link DspMac}: weightBits + 1 &lt;=
     *                     18, FixedCirculant.forwardBits(actBits) + 1 &lt;= 27, the sums within 48 bits); false: the
     *                     multipliers' products are added in fabric
     * @throws EsegenException if a parameter is out of range
     */
    public CirculantEngine(int block, int actBits, int weightBits, int twiddleBits, int maxColBlocks, int maxRowBlocks,
                           int lanes, int channels, boolean dspAccumulate) {
        super(validated(actBits, weightBits, maxColBlocks, maxRowBlocks, lanes, channels, dspAccumulate));
        this.channels = channels;
        this.dspAccumulate = dspAccumulate;
        this.block = block;
        this.bins = FixedCirculant.bins(block);
        this.weightBits = weightBits;
        this.forwardBits = FixedCirculant.forwardBits(actBits);
        this.accBits = weightBits + forwardBits + 1 + widthFor(maxColBlocks);
        this.colBits = widthFor(maxColBlocks);
        this.rowBits = widthFor(maxRowBlocks + lanes);
        this.lanes = lanes;
        this.laneWords = (maxRowBlocks + lanes - 1) / lanes * maxColBlocks;
        this.laneAddrBits = widthFor(laneWords - 1);
        int wordBits = 2 * bins * weightBits;

        load = slaveStream("load", hardType(() -> bits(wordBits)));
        restart = inBool("restart");
        blocks = slaveStream("blocks", hardType(() -> bits(channels * block * actBits)));
        colBlocks = inUInt("col_blocks", widthFor(maxColBlocks));
        rowBlocks = inUInt("row_blocks", widthFor(maxRowBlocks));
        scaleShift = inUInt("scale_shift", SCALE_SHIFT_BITS);
        outputs = masterStream("outputs", hardType(() -> bits(channels * block * actBits)));
        busy = outBool("busy");
        macCycles = outUInt("mac_cycles", 32);
        UInt rowBlocksWide = rowBlocks.resize(rowBits);

        List<Mem<Bits>> weights = loadWeights(load, colBlocks, wordBits);
        Spectra spectra = inputSpectra(blocks, colBlocks, actBits, twiddleBits, maxColBlocks);
        Issue issue = issue(spectra, colBlocks, rowBlocksWide);
        List<List<List<SInt>>> sums = new ArrayList<>();
        for (int ch = 0; ch < channels; ch++) {
            sums.add(new ArrayList<>());
        }
        for (int lane = 0; lane < lanes; lane++) {
            List<BinWeights> parts = binWeights("lane_" + lane + "_bin_", readSync(weights.get(lane),
                    issue.laneAddress(), issue.fire()));
            for (int ch = 0; ch < channels; ch++) {
                String name = "lane_" + lane + "_ch_" + ch + "_bin_";
                Bits spectrum = issue.spectra().get(ch);
                sums.get(ch).add(dspAccumulate ? dspLaneSums(name, parts, spectrum, issue)
                        : laneSums(name, parts, spectrum, issue));
            }
        }
        UInt cycles = regInit("mac_cycles_count", uint(32), uintConst(0, 32));
        when(issue.fire(), () -> assign(cycles, add(cycles, uintConst(1, 32))));
        assign(macCycles, cycles);
        Bool drainBusy = drainThroughInverseFfts(sums, issue, rowBlocksWide, scaleShift, actBits, twiddleBits, outputs);
        assign(busy, or(or(or(issue.macing(), drainBusy), or(issue.addValid(), issue.sumsReady())),
                or(not(spectra.inputting()), not(equal(spectra.taken(), uintConst(0, colBits))))));
    }

    /** The lanes' weight RAMs, written from {@code load}: word (i, j) to lane i mod L at (i / L) col_blocks + j. */
    private List<Mem<Bits>> loadWeights(Stream<Bits> load, UInt colBlocks, int wordBits) {
        int laneBits = widthFor(lanes - 1);
        UInt j = regInit("load_col_block", uint(colBits), uintConst(0, colBits));
        UInt lane = regInit("load_lane", uint(laneBits), uintConst(0, laneBits));
        UInt base = regInit("load_base", uint(laneAddrBits), uintConst(0, laneAddrBits));
        Bool loaded = named("load_taken", and(load.valid(), load.ready()));
        Bool lastJ = named("load_last_col_block", equal(add(j, uintConst(1, colBits)), colBlocks));
        Bool lastLane = named("load_last_lane", equal(lane, uintConst(lanes - 1, laneBits)));
        UInt address = named("load_address", add(base, j.resize(laneAddrBits)));
        List<Mem<Bits>> rams = new ArrayList<>();
        for (int l = 0; l < lanes; l++) {
            Mem<Bits> ram = blockRam("weights_" + l, hardType(() -> bits(wordBits)), laneWords);
            write(ram, address, load.payload(), and(loaded, equal(lane, uintConst(l, laneBits))));
            rams.add(ram);
        }
        when(loaded, () -> {
            assign(j, mux(lastJ, uintConst(0, colBits), add(j, uintConst(1, colBits))));
            when(lastJ, () -> {
                assign(lane, mux(lastLane, uintConst(0, laneBits), add(lane, uintConst(1, laneBits))));
                when(lastLane, () -> assign(base, add(base, colBlocks.resize(laneAddrBits))));
            });
        });
        when(restart, () -> {
            assign(j, uintConst(0, colBits));
            assign(lane, uintConst(0, laneBits));
            assign(base, uintConst(0, laneAddrBits));
        });
        assign(load.ready(), boolConst(true));
        return rams;
    }

    /**
     * Each channel's x_j through its forward FFT into its spectrum RAM at word j (bins 0 .. b/2, real and
     * imaginary, forwardBits each).
     */
    private Spectra inputSpectra(Stream<Bits> blocks, UInt colBlocks, int actBits, int twiddleBits, int maxColBlocks) {
        Bool inputting = regInit("inputting", bool(), boolConst(true));
        UInt taken = regInit("blocks_taken", uint(colBits), uintConst(0, colBits));
        UInt written = regInit("blocks_written", uint(colBits), uintConst(0, colBits));
        Bool allTaken = named("all_taken", equal(taken, colBlocks));
        assign(blocks.ready(), and(inputting, not(allTaken)));
        Bool blockTaken = named("block_taken", and(blocks.valid(), blocks.ready()));
        when(blockTaken, () -> assign(taken, add(taken, uintConst(1, colBits))));
        List<Mem<Bits>> rams = new ArrayList<>();
        Bool spectrumValid = null;
        for (int ch = 0; ch < channels; ch++) {
            FftUnit forward = child("forward_fft_" + ch, new FftUnit(block, forwardBits, twiddleBits, false));
            Mem<Bits> spectra = ram("spectra_" + ch, hardType(() -> bits(2 * bins * forwardBits)), maxColBlocks);
            assign(forward.inValid, blockTaken);
            for (int n = 0; n < block; n++) {
                assign(forward.inRe.get(n), asSInt(slice(blocks.payload(), (ch * block + n) * actBits, actBits))
                        .resize(forwardBits));
                assign(forward.inIm.get(n), sintConst(0, forwardBits));
            }
            List<SInt> spectrumParts = new ArrayList<>();
            for (int k = 0; k < block; k++) {
                if (k < bins) {
                    spectrumParts.add(forward.outRe.get(k));
                    spectrumParts.add(forward.outIm.get(k));
                } else {
                    unused("forward_" + ch + "_re_" + k, forward.outRe.get(k));
                    unused("forward_" + ch + "_im_" + k, forward.outIm.get(k));
                }
            }
            write(spectra, written.resize(widthFor(maxColBlocks - 1)), concatLowFirst(spectrumParts), forward.outValid);
            rams.add(spectra);
            if (ch == 0) {
                spectrumValid = forward.outValid;
            } else {
                unused("forward_" + ch + "_valid", forward.outValid);
            }
        }
        when(spectrumValid, () -> assign(written, add(written, uintConst(1, colBits))));
        Bool sized = named("col_blocks_set", not(equal(colBlocks, uintConst(0, colBlocks.getWidth()))));
        Bool complete = named("spectra_complete", allOf(List.of(inputting, allTaken, equal(written, colBlocks), sized)));
        return new Spectra(rams, inputting, complete, taken, written);
    }

    /**
     * One column block a cycle for the current group once the spectra are complete: X_j read and the lane
     * address g col_blocks + j; a group's first column waits until L cycles have passed since the previous
     * group's first (the drain's pace). Flags go down the MAC pipeline: read (1), products registered (2),
     * accumulated (3); {@code sumsReady} is high in the cycle the lanes hold a group's sums.
     */
    private Issue issue(Spectra spectra, UInt colBlocks, UInt rowBlocks) {
        int ageBits = widthFor(lanes);
        Bool macing = regInit("macing", bool(), boolConst(false));
        UInt groupBase = regInit("group_base", uint(rowBits), uintConst(0, rowBits));
        UInt j = regInit("col_block", uint(colBits), uintConst(0, colBits));
        UInt laneAddress = regInit("lane_address", uint(laneAddrBits), uintConst(0, laneAddrBits));
        UInt groupAge = regInit("group_age", uint(ageBits), uintConst(lanes, ageBits));
        Bool firstJ = named("first_col_block", equal(j, uintConst(0, colBits)));
        Bool lastJ = named("last_col_block", equal(add(j, uintConst(1, colBits)), colBlocks));
        UInt nextBase = named("next_group_base", add(groupBase, uintConst(lanes, rowBits)));
        Bool lastGroup = named("last_group", not(lessThan(nextBase, rowBlocks)));
        Bool fire = named("mac_issue", and(macing, or(not(firstJ), not(lessThan(groupAge, uintConst(lanes, ageBits))))));
        when(spectra.complete(), () -> {
            assign(spectra.inputting(), boolConst(false));
            assign(macing, boolConst(true));
        });
        List<Bits> spectrumWords = new ArrayList<>();
        for (Mem<Bits> ram : spectra.rams()) {
            spectrumWords.add(readSync(ram, j.resize(widthFor(ram.wordCount() - 1)), fire));
        }
        when(and(fire, firstJ), () -> assign(groupAge, uintConst(1, ageBits)))
                .elseWhen(lessThan(groupAge, uintConst(lanes, ageBits)), () -> assign(groupAge, add(groupAge,
                        uintConst(1, ageBits))));
        when(fire, () -> {
            assign(laneAddress, add(laneAddress, uintConst(1, laneAddrBits)));
            assign(j, mux(lastJ, uintConst(0, colBits), add(j, uintConst(1, colBits))));
            when(lastJ, () -> {
                assign(groupBase, nextBase);
                when(lastGroup, () -> {
                    assign(macing, boolConst(false));
                    assign(spectra.inputting(), boolConst(true));
                    assign(spectra.taken(), uintConst(0, colBits));
                    assign(spectra.written(), uintConst(0, colBits));
                    assign(groupBase, uintConst(0, rowBits));
                    assign(laneAddress, uintConst(0, laneAddrBits));
                });
            });
        });
        Bool readValid = regNext("read_valid", fire, boolConst(false));
        Bool readFirst = regNext("read_first", firstJ);
        Bool readLast = regNext("read_last", lastJ);
        UInt readBase = regNext("read_base", groupBase);
        Bool productValid = regNext("product_valid", readValid, boolConst(false));
        Bool productFirst = regNext("product_first", readFirst);
        Bool productLast = regNext("product_last", readLast);
        UInt productBase = regNext("product_base", readBase);
        Bool addValid = productValid;
        Bool addFirst = productFirst;
        Bool addLast = productLast;
        UInt addBase = productBase;
        if (dspAccumulate) {
            addValid = regNext("add_valid", productValid, boolConst(false));
            addFirst = regNext("add_first", productFirst);
            addLast = regNext("add_last", productLast);
            addBase = regNext("add_base", productBase);
        }
        Bool sumsReady = regNext("sums_ready", and(addValid, addLast), boolConst(false));
        UInt sumsBase = regNext("sums_base", addBase);
        return new Issue(fire, laneAddress, spectrumWords, or(or(macing, readValid), productValid), addValid, addFirst,
                sumsReady, sumsBase);
    }

    /**
     * One weight word's parts per bin k: the real part c, and for the complex bins (0 &lt; k &lt; b/2) d - c and
     * c + d (d the imaginary part), Gauss's pre-additions, made once per lane for every channel.
     */
    private record BinWeights(SInt real, SInt imagMinusReal, SInt realPlusImag) {
    }

    private List<BinWeights> binWeights(String name, Bits weight) {
        List<BinWeights> parts = new ArrayList<>();
        for (int k = 0; k < bins; k++) {
            SInt wr = asSInt(slice(weight, 2 * k * weightBits, weightBits));
            SInt wi = asSInt(slice(weight, (2 * k + 1) * weightBits, weightBits));
            if (k == 0 || k == block / 2) {
                unused(name + k + "_imaginary", wi);
                parts.add(new BinWeights(wr, null, null));
            } else {
                parts.add(new BinWeights(wr, named(name + k + "_d_minus_c", sub(wi.resize(weightBits + 1),
                        wr.resize(weightBits + 1))), named(name + k + "_c_plus_d", add(wi.resize(weightBits + 1),
                        wr.resize(weightBits + 1)))));
            }
        }
        return parts;
    }

    /**
     * A lane's sums for one channel in fabric, P[k] = sum_j W_ij[k] X_j[k], complex per bin k = 0 .. b/2, exact, as
     * the parts {@link #binSums} reads: {re} for bins 0 and b/2 (w and X real there: the twin uses only their real
     * parts), {re, im} for the others. A complex bin takes three products (Gauss: k1 = c (a + b), k2 = a (d - c),
     * k3 = b (c + d) for w = c + di, X = a + bi; re = k1 - k3, im = k1 + k2, the same integers as ac - bd and ad + bc),
     * registered, then added to the sums.
     */
    private List<SInt> laneSums(String name, List<BinWeights> weights, Bits spectrum, Issue issue) {
        List<SInt> sums = new ArrayList<>();
        for (int k = 0; k < bins; k++) {
            BinWeights w = weights.get(k);
            SInt xr = spectrumPart(spectrum, k, 0);
            SInt xi = spectrumPart(spectrum, k, 1);
            SInt accRe = reg(name + k + "_acc_re", sint(accBits));
            sums.add(accRe);
            if (w.imagMinusReal() == null) {
                unused(name + k + "_spectrum_imaginary", xi);
                SInt re = regNext(name + k + "_wr_xr", mul(w.real(), xr)).resize(accBits);
                when(issue.addValid(), () -> assign(accRe, mux(issue.addFirst(), re, add(accRe, re))));
                continue;
            }
            SInt sum = named(name + k + "_a_plus_b", add(xr.resize(forwardBits + 1), xi.resize(forwardBits + 1)));
            SInt k1 = regNext(name + k + "_k1", mul(w.real(), sum)).resize(accBits);
            SInt k2 = regNext(name + k + "_k2", mul(xr, w.imagMinusReal())).resize(accBits);
            SInt k3 = regNext(name + k + "_k3", mul(xi, w.realPlusImag())).resize(accBits);
            SInt re = sub(k1, k3);
            SInt im = add(k1, k2);
            SInt accIm = reg(name + k + "_acc_im", sint(accBits));
            sums.add(accIm);
            when(issue.addValid(), () -> {
                assign(accRe, mux(issue.addFirst(), re, add(accRe, re)));
                assign(accIm, mux(issue.addFirst(), im, add(accIm, im)));
            });
        }
        return sums;
    }

    /**
     * A lane's sums for one channel in DSP48E2s, one {@link DspMac} a product with its accumulate in the
     * post-adder: {K} for bins 0 and b/2, {K1, K2, K3} (the sums of Gauss's k1, k2, k3, see {@link #laneSums}) for
     * the others, each the low accBits bits. A is the spectrum side (a + b, a, b), B the weight side (c, d - c,
     * c + d); both are sampled at the end of the read cycle, the sums hold a cycle later than in fabric.
     */
    private List<SInt> dspLaneSums(String name, List<BinWeights> weights, Bits spectrum, Issue issue) {
        Bits zSelect = mux(issue.addFirst(), bitsConst(Dsp48e2.Z_ZERO, 3), bitsConst(Dsp48e2.Z_P, 3));
        List<SInt> sums = new ArrayList<>();
        for (int k = 0; k < bins; k++) {
            BinWeights w = weights.get(k);
            SInt xr = spectrumPart(spectrum, k, 0);
            SInt xi = spectrumPart(spectrum, k, 1);
            if (w.imagMinusReal() == null) {
                unused(name + k + "_spectrum_imaginary", xi);
                sums.add(mac(name + k + "_k", xr, w.real(), zSelect, issue));
                continue;
            }
            SInt sum = named(name + k + "_a_plus_b", add(xr.resize(forwardBits + 1), xi.resize(forwardBits + 1)));
            sums.add(mac(name + k + "_k1", sum, w.real(), zSelect, issue));
            sums.add(mac(name + k + "_k2", xr, w.imagMinusReal(), zSelect, issue));
            sums.add(mac(name + k + "_k3", xi, w.realPlusImag(), zSelect, issue));
        }
        return sums;
    }

    private SInt mac(String name, SInt a, SInt b, Bits zSelect, Issue issue) {
        DspMac mac = child(name, new DspMac(forwardBits + 1, weightBits + 1, accBits));
        assign(mac.a, a.resize(forwardBits + 1));
        assign(mac.b, b.resize(weightBits + 1));
        assign(mac.c, sintConst(0, accBits));
        assign(mac.zSelect, zSelect);
        assign(mac.pEnable, issue.addValid());
        assign(mac.operandEnable, boolConst(true));
        return mac.p;
    }

    private SInt spectrumPart(Bits spectrum, int bin, int part) {
        return asSInt(slice(spectrum, (2 * bin + part) * forwardBits, forwardBits));
    }

    /**
     * Bin k's {re, im} from a lane's parts as {@link #laneSums} or {@link #dspLaneSums} gives them (im 0 for bins 0
     * and b/2).
     */
    private List<SInt[]> binSums(String name, List<SInt> parts) {
        List<SInt[]> binsOut = new ArrayList<>();
        int next = 0;
        for (int k = 0; k < bins; k++) {
            if (k == 0 || k == block / 2) {
                binsOut.add(new SInt[] {parts.get(next++), null});
            } else if (dspAccumulate) {
                SInt k1 = parts.get(next++);
                SInt k2 = parts.get(next++);
                SInt k3 = parts.get(next++);
                binsOut.add(new SInt[] {named(name + k + "_re", sub(k1, k3)), named(name + k + "_im", add(k1, k2))});
            } else {
                binsOut.add(new SInt[] {parts.get(next++), parts.get(next++)});
            }
        }
        return binsOut;
    }

    /**
     * A group's sums held per lane and channel, then one lane a cycle: the lane's sums selected and combined
     * into bins ({@link #binSums}), registered; U = sat(round(P &gt;&gt; shift)), registered; the inverse FFT over U
     * and its conjugates, z = sat_A(re) on {@code outputs}; lanes past row_blocks are skipped. Returns whether
     * anything is still on its way to {@code outputs}.
     */
    private Bool drainThroughInverseFfts(List<List<List<SInt>>> sums, Issue issue, UInt rowBlocks, UInt scaleShift,
                                         int actBits, int twiddleBits, Stream<Bits> outputs) {
        int countBits = widthFor(lanes);
        Bool draining = regInit("draining", bool(), boolConst(false));
        UInt drained = regInit("drained", uint(countBits), uintConst(0, countBits));
        UInt drainBase = reg("drain_base", uint(rowBits));
        List<List<List<SInt>>> held = new ArrayList<>();
        for (int ch = 0; ch < channels; ch++) {
            List<List<SInt>> lanesHeld = new ArrayList<>();
            for (int l = 0; l < lanes; l++) {
                List<SInt> parts = sums.get(ch).get(l);
                List<SInt> lane = new ArrayList<>();
                for (int n = 0; n < parts.size(); n++) {
                    SInt part = reg("held_" + l + "_ch_" + ch + "_part_" + n, sint(accBits));
                    SInt source = parts.get(n);
                    when(issue.sumsReady(), () -> assign(part, source));
                    lane.add(part);
                }
                lanesHeld.add(lane);
            }
            held.add(lanesHeld);
        }
        when(issue.sumsReady(), () -> {
            assign(draining, boolConst(true));
            assign(drained, uintConst(0, countBits));
            assign(drainBase, issue.sumsBase());
        }).elseWhen(draining, () -> {
            assign(drained, add(drained, uintConst(1, countBits)));
            when(equal(drained, uintConst(lanes - 1, countBits)), () -> assign(draining, boolConst(false)));
        });
        Bool drainValid = named("drain_valid", and(draining, lessThan(add(drainBase, drained.resize(rowBits)),
                rowBlocks)));
        Bool headValid = regNext("head_valid", drainValid, boolConst(false));
        Bool scaledValid = regNext("scaled_valid", headValid, boolConst(false));
        UInt laneIndex = drained.resize(widthFor(lanes - 1));
        List<SInt> z = new ArrayList<>();
        Bool outValid = null;
        for (int ch = 0; ch < channels; ch++) {
            List<List<SInt>> lanesHeld = held.get(ch);
            List<SInt> selected = new ArrayList<>();
            for (int n = 0; n < lanesHeld.get(0).size(); n++) {
                int part = n;
                selected.add(named("drain_ch_" + ch + "_part_" + n, select(laneIndex,
                        lanesHeld.stream().map(lane -> lane.get(part)).toList())));
            }
            List<SInt[]> head = new ArrayList<>();
            for (SInt[] bin : binSums("drain_ch_" + ch + "_bin_", selected)) {
                int k = head.size();
                head.add(new SInt[] {regNext("head_ch_" + ch + "_bin_" + k + "_re", bin[0]),
                        bin[1] == null ? null : regNext("head_ch_" + ch + "_bin_" + k + "_im", bin[1])});
            }
            FftUnit inverse = inverseFft(ch, head, scaledValid, scaleShift, actBits, twiddleBits);
            for (int n = 0; n < block; n++) {
                unused("inverse_" + ch + "_im_" + n, inverse.outIm.get(n));
                z.add(named("z_" + ch + "_" + n, saturate(inverse.outRe.get(n), actBits)));
            }
            if (ch == 0) {
                outValid = inverse.outValid;
            } else {
                unused("inverse_" + ch + "_valid", inverse.outValid);
            }
        }
        assign(outputs.valid(), outValid);
        assign(outputs.payload(), concatLowFirst(z));
        unused("outputs_ready", outputs.ready());
        int pendingBits = rowBits + 1;
        UInt pending = regInit("inverse_pending", uint(pendingBits), uintConst(0, pendingBits));
        when(and(scaledValid, not(outValid)), () -> assign(pending, add(pending, uintConst(1, pendingBits))))
                .elseWhen(and(outValid, not(scaledValid)), () -> assign(pending, sub(pending, uintConst(1, pendingBits))));
        return or(or(draining, or(headValid, scaledValid)), not(equal(pending, uintConst(0, pendingBits))));
    }

    /**
     * Channel {@code ch}'s scaling of the chain's head to U (registered; valid with {@code scaledValid}) and its
     * inverse FFT over U and its conjugates.
     */
    private FftUnit inverseFft(int ch, List<SInt[]> head, Bool scaledValid, UInt scaleShift, int actBits,
                               int twiddleBits) {
        int inverseBits = FixedCirculant.inverseBits(actBits, block);
        long limit = 1L << (inverseBits - 2);
        List<SInt[]> scaled = new ArrayList<>();
        for (int k = 0; k < bins; k++) {
            boolean real = k == 0 || k == block / 2;
            String name = "ch_" + ch + "_bin_" + k;
            SInt re = regNext(name + "_u_re", scaledPart(name + "_p_re", head.get(k)[0], scaleShift, limit,
                    inverseBits));
            SInt im = real ? sintConst(0, inverseBits) : regNext(name + "_u_im", scaledPart(name + "_p_im",
                    head.get(k)[1], scaleShift, limit, inverseBits));
            scaled.add(new SInt[] {re, im});
        }
        FftUnit inverse = child("inverse_fft_" + ch, new FftUnit(block, inverseBits, twiddleBits, true));
        assign(inverse.inValid, scaledValid);
        for (int k = 0; k < block; k++) {
            SInt[] source = scaled.get(k < bins ? k : block - k);
            assign(inverse.inRe.get(k), source[0]);
            assign(inverse.inIm.get(k), k < bins ? source[1] : sub(sintConst(0, inverseBits), source[1]));
        }
        return inverse;
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

    private static String validated(int actBits, int weightBits, int maxColBlocks, int maxRowBlocks, int lanes,
                                    int channels, boolean dspAccumulate) {
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
        if (lanes < 1 || lanes > Math.min(256, maxRowBlocks)) {
            throw new EsegenException("CirculantEngine: lanes " + lanes + " is outside 1..min(256, maxRowBlocks = "
                    + maxRowBlocks + ")");
        }
        if (channels < 1 || channels > 64) {
            throw new EsegenException("CirculantEngine: channels " + channels + " is outside 1..64");
        }
        int forwardBits = FixedCirculant.forwardBits(actBits);
        int accBits = weightBits + forwardBits + 1 + widthFor(maxColBlocks);
        if (dspAccumulate && (weightBits + 1 > Dsp48e2.B_BITS || forwardBits + 1 > Dsp48e2.A_MULTIPLIER_BITS
                || accBits > Dsp48e2.P_BITS)) {
            throw new EsegenException("CirculantEngine: with dspAccumulate the weight parts (" + (weightBits + 1)
                    + " bits), the spectrum parts (" + (forwardBits + 1) + " bits) and the sums (" + accBits
                    + " bits) must fit the DSP48E2's " + Dsp48e2.B_BITS + " x " + Dsp48e2.A_MULTIPLIER_BITS
                    + " multiplier and " + Dsp48e2.P_BITS + "-bit adder");
        }
        return "CirculantEngine";
    }
}
