package org.esegen.circulant;

import org.esegen.EsegenException;
import org.esegen.fixed.FixedFormat;

/**
 * The fixed-point b-point FFT of the circulant engine, defined once (the hardware is its twin):
 * radix 2, decimation in time (input in bit-reversed order, log2 b stages of butterflies of span
 * 2, 4, .., b), complex values as raw two's complement pairs of {@code dataBits} bits.
 *
 * <p><b>Twiddles</b> ({@link #twiddles}): W_b^n = exp(-2 pi i n / b) for n &lt; b / 2, each part
 * rounded to the nearest multiple of 2^-F, F = twiddleBits - 2 (so that 1.0 fits a signed
 * twiddleBits-bit word); stage s uses W_b^(k b / 2^s). The inverse transform uses the conjugates.
 *
 * <p><b>Butterfly</b> of (a, c) with twiddle w: t = (w c) with each part computed exactly and
 * rounded once to the data's LSB (shift by F, round half up); a' = (a + t) / 2 and
 * c' = (a - t) / 2, each part rounded half up. The halving in every stage makes the forward
 * transform give FFT(x) / b and the inverse exactly IFFT(X) = (1 / b) sum X_k exp(+2 pi i k n / b)
 * (up to rounding), so nothing grows: with inputs of at most half the data range (|re|, |im| &lt;=
 * 2^(dataBits-2), one guard bit, {@link #requireInput}), no stage can leave the format.
 *
 * <p><b>Error bound</b> ({@link #errorBound}), in data LSBs, on the modulus of each output's error
 * against the exact scaled transform of the same input: with E_0 = 0, tau = sqrt(2) 2^-(F+1) (the
 * twiddle rounding) and B the largest modulus of the exact values (at most that of the inputs, as
 * each stage averages), E_(s+1) = E_s (2 + tau) / 2 + (tau B + sqrt(2)/2) / 2 + sqrt(2)/2: the
 * error of c carried through |w~| &lt;= 1 + tau, the twiddle error on c, the product's rounding,
 * halved, plus the halving's own rounding.
 */
public final class FixedFft {
    private final int points;
    private final int stages;
    private final int dataBits;
    private final int twiddleFracBits;
    private final long[][] twiddles;

    /**
     * @param points      b, a power of two in {@link BlockCirculant#MIN_BLOCK}..{@link BlockCirculant#MAX_BLOCK}
     * @param dataBits    width of each part of a value, 4..32
     * @param twiddleBits width of each part of a twiddle, 4..24
     */
    public FixedFft(int points, int dataBits, int twiddleBits) {
        BlockCirculant.requireBlock(points);
        if (dataBits < 4 || dataBits > 32) {
            throw new EsegenException("FFT data width " + dataBits + " is outside 4..32");
        }
        if (twiddleBits < 4 || twiddleBits > 24) {
            throw new EsegenException("FFT twiddle width " + twiddleBits + " is outside 4..24");
        }
        this.points = points;
        this.stages = Integer.numberOfTrailingZeros(points);
        this.dataBits = dataBits;
        this.twiddleFracBits = twiddleBits - 2;
        this.twiddles = twiddles(points, twiddleBits);
    }

    /**
     * The twiddle table: [n][0] and [n][1] the raw real and imaginary parts of exp(-2 pi i n / b)
     * for n = 0 .. b/2 - 1, with twiddleBits - 2 fractional bits, rounded to nearest.
     */
    public static long[][] twiddles(int points, int twiddleBits) {
        long[][] t = new long[points / 2][2];
        double scale = Math.scalb(1.0, twiddleBits - 2);
        for (int n = 0; n < points / 2; n++) {
            double angle = -2 * Math.PI * n / points;
            t[n][0] = Math.round(Math.cos(angle) * scale);
            t[n][1] = Math.round(Math.sin(angle) * scale);
        }
        return t;
    }

    /** Points b. */
    public int points() {
        return points;
    }

    /** Refuses an input part outside the guarded range |v| &lt;= 2^(dataBits - 2). */
    public void requireInput(long[] re, long[] im) {
        long limit = 1L << (dataBits - 2);
        if (re.length != points || im.length != points) {
            throw new EsegenException("FFT input: " + re.length + " / " + im.length + " values, expected " + points);
        }
        for (int n = 0; n < points; n++) {
            if (Math.abs(re[n]) > limit || Math.abs(im[n]) > limit) {
                throw new EsegenException("FFT input " + n + " = (" + re[n] + ", " + im[n] + ") is outside +-" + limit
                        + " (half the " + dataBits + "-bit range: the guard bit that keeps every stage in range)");
            }
        }
    }

    /** FFT(x) / b of raw parts; returns {re, im}. */
    public long[][] forward(long[] re, long[] im) {
        return transform(re, im, false);
    }

    /** IFFT(X) = (1 / b) sum X_k exp(+2 pi i k n / b) of raw parts; returns {re, im}. */
    public long[][] inverse(long[] re, long[] im) {
        return transform(re, im, true);
    }

    private long[][] transform(long[] inRe, long[] inIm, boolean inverse) {
        requireInput(inRe, inIm);
        long[] re = new long[points];
        long[] im = new long[points];
        for (int n = 0; n < points; n++) {
            int r = Integer.reverse(n) >>> (32 - stages);
            re[r] = inRe[n];
            im[r] = inIm[n];
        }
        for (int s = 1; s <= stages; s++) {
            int span = 1 << s;
            int half = span / 2;
            int step = points / span;
            for (int base = 0; base < points; base += span) {
                for (int k = 0; k < half; k++) {
                    long wr = twiddles[k * step][0];
                    long wi = inverse ? -twiddles[k * step][1] : twiddles[k * step][1];
                    int a = base + k;
                    int c = a + half;
                    long tr = FixedFormat.shiftRound(wr * re[c] - wi * im[c], twiddleFracBits);
                    long ti = FixedFormat.shiftRound(wr * im[c] + wi * re[c], twiddleFracBits);
                    long ar = re[a];
                    long ai = im[a];
                    re[a] = FixedFormat.shiftRound(ar + tr, 1);
                    im[a] = FixedFormat.shiftRound(ai + ti, 1);
                    re[c] = FixedFormat.shiftRound(ar - tr, 1);
                    im[c] = FixedFormat.shiftRound(ai - ti, 1);
                }
            }
        }
        return new long[][]{re, im};
    }

    /**
     * The bound of the class comment on |output error| in data LSBs for inputs whose exact values
     * keep a modulus of at most {@code maxModulus} LSBs (e.g. sqrt(2) x the largest part).
     */
    public double errorBound(double maxModulus) {
        double tau = Math.sqrt(2) * Math.scalb(1.0, -(twiddleFracBits + 1));
        double e = 0;
        for (int s = 0; s < stages; s++) {
            e = e * (2 + tau) / 2 + (tau * maxModulus + Math.sqrt(2) / 2) / 2 + Math.sqrt(2) / 2;
        }
        return e;
    }
}
