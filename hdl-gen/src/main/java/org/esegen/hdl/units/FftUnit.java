package org.esegen.hdl.units;

import static org.esegen.hdl.spinal.Hdl.add;
import static org.esegen.hdl.spinal.Hdl.assign;
import static org.esegen.hdl.spinal.Hdl.asSInt;
import static org.esegen.hdl.spinal.Hdl.boolConst;
import static org.esegen.hdl.spinal.Hdl.inBool;
import static org.esegen.hdl.spinal.Hdl.inSInt;
import static org.esegen.hdl.spinal.Hdl.mul;
import static org.esegen.hdl.spinal.Hdl.mux;
import static org.esegen.hdl.spinal.Hdl.named;
import static org.esegen.hdl.spinal.Hdl.outBool;
import static org.esegen.hdl.spinal.Hdl.outSInt;
import static org.esegen.hdl.spinal.Hdl.regNext;
import static org.esegen.hdl.spinal.Hdl.sintConst;
import static org.esegen.hdl.spinal.Hdl.slice;
import static org.esegen.hdl.spinal.Hdl.sub;
import static org.esegen.hdl.spinal.Hdl.unused;

import java.util.ArrayList;
import java.util.List;

import org.esegen.EsegenException;
import org.esegen.circulant.BlockCirculant;
import org.esegen.circulant.FixedFft;
import org.esegen.hdl.spinal.JavaComponent;
import spinal.core.Bool;
import spinal.core.SInt;

/**
 * The circulant engine's b-point FFT, fully parallel and pipelined: the twin of
 * {@link FixedFft} bit for bit (radix 2, decimation in time, its twiddle table as constants, each
 * butterfly product rounded once, every stage halving with rounding), forward or inverse (the
 * conjugate twiddles), fixed when the unit is built. Stage s has b / 2 butterflies; each takes two cycles:
 * the real products of w c registered (the DSP48E2s' M registers), then t = w c rounded, a + t and
 * a - t halved with rounding, registered. A butterfly multiplies by constants, as few as its twiddle
 * needs: none for w = +-1 or +-i (a shift or a negation), two when |re w| = |im w| (w_r (c_r -+ c_i) and
 * w_r (c_i +- c_r)), three otherwise (Gauss: w_r (c_r + c_i), c_r (w_i - w_r), c_i (w_r + w_i)); every
 * one gives the same integers as the four products.
 *
 * <p>Ports: {@code in_valid} in Bool; {@code in_re_<n>}, {@code in_im_<n>} in SInt
 * dataBits (n &lt; b, natural order; every part within +-2^(dataBits-2), {@link FixedFft#requireInput},
 * else the output is undefined); {@code out_valid} out Bool; {@code out_re_<n>}, {@code out_im_<n>}
 * out SInt dataBits, natural order: FFT(x) / b, or IFFT(X) when built inverse.
 *
 * <p>Timing: a vector presented with {@code in_valid} at edge t appears with {@code out_valid} after
 * edge t + 2 log2 b; one vector a cycle, no stall (the caller keeps the pace).
 */
public final class FftUnit extends JavaComponent {
    public final Bool inValid;
    public final List<SInt> inRe;
    public final List<SInt> inIm;
    public final Bool outValid;
    public final List<SInt> outRe;
    public final List<SInt> outIm;

    /** Cycles from a vector in to its transform out, for {@code points}. */
    public static int latency(int points) {
        return 2 * Integer.numberOfTrailingZeros(points);
    }

    /**
     * @param points      b, a power of two in 2..32
     * @param dataBits    width of each part, 4..32
     * @param twiddleBits width of each twiddle part, 4..24
     * @param inverse     the inverse transform (conjugate twiddles) instead of the forward one
     * @throws EsegenException if a parameter is out of range
     */
    public FftUnit(int points, int dataBits, int twiddleBits, boolean inverse) {
        super(validated(points, dataBits, twiddleBits));
        int stages = Integer.numberOfTrailingZeros(points);
        long[][] twiddles = FixedFft.twiddles(points, twiddleBits);
        inValid = inBool("in_valid");
        inRe = new ArrayList<>();
        inIm = new ArrayList<>();
        outRe = new ArrayList<>();
        outIm = new ArrayList<>();
        for (int n = 0; n < points; n++) {
            inRe.add(inSInt("in_re_" + n, dataBits));
            inIm.add(inSInt("in_im_" + n, dataBits));
        }
        outValid = outBool("out_valid");
        for (int n = 0; n < points; n++) {
            outRe.add(outSInt("out_re_" + n, dataBits));
            outIm.add(outSInt("out_im_" + n, dataBits));
        }

        SInt[] re = new SInt[points];
        SInt[] im = new SInt[points];
        for (int n = 0; n < points; n++) {
            int r = Integer.reverse(n) >>> (32 - stages);
            re[r] = inRe.get(n);
            im[r] = inIm.get(n);
        }
        Bool valid = inValid;
        for (int s = 1; s <= stages; s++) {
            int span = 1 << s;
            int half = span / 2;
            int step = points / span;
            Bool validProducts = regNext("valid_" + s + "_products", valid, boolConst(false));
            SInt[] nextRe = new SInt[points];
            SInt[] nextIm = new SInt[points];
            for (int base = 0; base < points; base += span) {
                for (int k = 0; k < half; k++) {
                    int a = base + k;
                    int c = a + half;
                    long[] w = twiddles[k * step];
                    Butterfly b = new Butterfly("s" + s + "_" + a, w[0], inverse ? -w[1] : w[1], twiddleBits,
                            dataBits, re[a], im[a], re[c], im[c]);
                    nextRe[a] = b.aRe;
                    nextIm[a] = b.aIm;
                    nextRe[c] = b.cRe;
                    nextIm[c] = b.cIm;
                }
            }
            valid = regNext("valid_" + s, validProducts, boolConst(false));
            re = nextRe;
            im = nextIm;
        }
        assign(outValid, valid);
        for (int n = 0; n < points; n++) {
            assign(outRe.get(n), re[n]);
            assign(outIm.get(n), im[n]);
        }
    }

    /**
     * One butterfly by w = wr + i wi: the products registered, then t = w c rounded and the halved sum and
     * difference registered.
     */
    private static final class Butterfly {
        final SInt aRe;
        final SInt aIm;
        final SInt cRe;
        final SInt cIm;

        Butterfly(String name, long wr, long wi, int twiddleBits, int dataBits, SInt aRe0, SInt aIm0, SInt cRe0,
                  SInt cIm0) {
            int fracBits = twiddleBits - 2;
            int productBits = dataBits + twiddleBits + 2;
            SInt[] t = product(name, wr, wi, twiddleBits, dataBits, cRe0, cIm0, productBits);
            SInt ar = regNext(name + "_a_re", aRe0);
            SInt ai = regNext(name + "_a_im", aIm0);
            SInt tr = named(name + "_t_re", rounded(name + "_t_re", t[0], fracBits));
            SInt ti = named(name + "_t_im", rounded(name + "_t_im", t[1], fracBits));
            aRe = regNext(name + "_sum_re", halved(name + "_sum_re", ar, tr, false, dataBits));
            aIm = regNext(name + "_sum_im", halved(name + "_sum_im", ai, ti, false, dataBits));
            cRe = regNext(name + "_diff_re", halved(name + "_diff_re", ar, tr, true, dataBits));
            cIm = regNext(name + "_diff_im", halved(name + "_diff_im", ai, ti, true, dataBits));
        }

        /**
         * {re, im} of w c, exact, productBits wide, from products of constants registered: two when wi = 0, wr = 0
         * or |wr| = |wi|, else Gauss's three.
         */
        private static SInt[] product(String name, long wr, long wi, int twiddleBits, int dataBits, SInt cr, SInt ci,
                                      int productBits) {
            int wideBits = dataBits + 1;
            if (wi == 0 || wr == 0) {
                long w = wi == 0 ? wr : wi;
                SInt byRe = regNext(name + "_w_cre", mul(cr, sintConst(w, twiddleBits))).resize(productBits);
                SInt byIm = regNext(name + "_w_cim", mul(ci, sintConst(w, twiddleBits))).resize(productBits);
                return wi == 0 ? new SInt[] {byRe, byIm} : new SInt[] {sub(sintConst(0, productBits), byIm), byRe};
            }
            if (Math.abs(wr) == Math.abs(wi)) {
                boolean same = wr == wi;
                SInt reSum = named(name + "_re_pre", same ? sub(cr.resize(wideBits), ci.resize(wideBits))
                        : add(cr.resize(wideBits), ci.resize(wideBits)));
                SInt imSum = named(name + "_im_pre", same ? add(ci.resize(wideBits), cr.resize(wideBits))
                        : sub(ci.resize(wideBits), cr.resize(wideBits)));
                return new SInt[] {regNext(name + "_wr_re_pre", mul(reSum, sintConst(wr, twiddleBits))).resize(productBits),
                        regNext(name + "_wr_im_pre", mul(imSum, sintConst(wr, twiddleBits))).resize(productBits)};
            }
            SInt sum = named(name + "_c_sum", add(cr.resize(wideBits), ci.resize(wideBits)));
            SInt k1 = regNext(name + "_k1", mul(sum, sintConst(wr, twiddleBits))).resize(productBits);
            SInt k2 = regNext(name + "_k2", mul(cr, sintConst(wi - wr, twiddleBits + 1))).resize(productBits);
            SInt k3 = regNext(name + "_k3", mul(ci, sintConst(wr + wi, twiddleBits + 1))).resize(productBits);
            return new SInt[] {sub(k1, k3), add(k1, k2)};
        }

        /** (v + 2^(shift-1)) >> shift, arithmetic: FixedFormat.shiftRound; keeps every bit of the result. */
        private static SInt rounded(String name, SInt value, int shift) {
            SInt sum = add(value, sintConst(1L << (shift - 1), value.getWidth()));
            unused(name + "_low", slice(sum, 0, shift));
            return asSInt(slice(sum, shift, value.getWidth() - shift).asBits());
        }

        /** (a +- t + 1) >> 1 in dataBits (in range by the guard bit of the input contract). */
        private static SInt halved(String name, SInt a, SInt t, boolean difference, int dataBits) {
            int w = Math.max(a.getWidth(), t.getWidth()) + 1;
            SInt sum = difference ? sub(a.resize(w), t.resize(w)) : add(a.resize(w), t.resize(w));
            SInt round = add(sum, sintConst(1, w));
            unused(name + "_low", slice(round, 0, 1));
            if (w - 1 > dataBits) {
                unused(name + "_high", slice(round, 1 + dataBits, w - 1 - dataBits));
            }
            return asSInt(slice(round, 1, dataBits).asBits());
        }
    }

    private static String validated(int points, int dataBits, int twiddleBits) {
        BlockCirculant.requireBlock(points);
        if (dataBits < 4 || dataBits > 32) {
            throw new EsegenException("FftUnit: dataBits " + dataBits + " is outside 4..32");
        }
        if (twiddleBits < 4 || twiddleBits > 24) {
            throw new EsegenException("FftUnit: twiddleBits " + twiddleBits + " is outside 4..24");
        }
        return "FftUnit";
    }
}
