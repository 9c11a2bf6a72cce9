package org.esegen.fixed;

import org.esegen.EsegenException;

/**
 * A signed two's-complement fixed-point format: {@code totalBits} bits of which {@code fracBits}
 * are fractional, so a raw integer r stands for r / 2^fracBits.
 *
 * <p>Every conversion in esegen goes through this class, and the hardware does exactly the same:
 * <ul>
 *   <li><b>Rounding</b>: round to nearest, ties toward +infinity ("round half up"), i.e.
 *       floor(x + 1/2). In hardware: add 2^(s-1), then arithmetic shift right by s.</li>
 *   <li><b>Saturation</b>: results outside [{@link #minRaw()}, {@link #maxRaw()}] clamp to the
 *       nearest end. Nothing wraps.</li>
 * </ul>
 *
 * @param totalBits total width including the sign bit, 2..62
 * @param fracBits  fractional bits, 0..62; may exceed totalBits-1 for a purely fractional format
 *                  whose scale is finer than its width (small weights)
 */
public record FixedFormat(int totalBits, int fracBits) {

    public FixedFormat {
        if (totalBits < 2 || totalBits > 62) {
            throw new EsegenException("fixed-point format: totalBits " + totalBits + " is outside 2..62");
        }
        if (fracBits < 0 || fracBits > 62) {
            throw new EsegenException("fixed-point format: fracBits " + fracBits + " is outside 0..62");
        }
    }

    /** Smallest raw value, -2^(totalBits-1). */
    public long minRaw() {
        return -(1L << (totalBits - 1));
    }

    /** Largest raw value, 2^(totalBits-1) - 1. */
    public long maxRaw() {
        return (1L << (totalBits - 1)) - 1;
    }

    /** Value of one least significant bit, 2^-fracBits. */
    public double lsb() {
        return Math.scalb(1.0, -fracBits);
    }

    /** Clamp a raw value into range. */
    public long saturate(long raw) {
        return Math.max(minRaw(), Math.min(maxRaw(), raw));
    }

    /**
     * A raw value taken modulo 2^totalBits into range (two's complement wrap-around), as an adder of
     * totalBits bits without saturation gives it; totalBits at most 64.
     */
    public long wrap(long raw) {
        int unused = Long.SIZE - totalBits;
        return (raw << unused) >> unused;
    }

    /** True when raw lies in range. */
    public boolean holds(long raw) {
        return raw >= minRaw() && raw <= maxRaw();
    }

    /** Quantize a real number: scale, round half up, saturate. NaN is rejected. */
    public long quantize(double value) {
        if (Double.isNaN(value)) {
            throw new EsegenException("fixed-point quantize: NaN has no fixed-point value");
        }
        double scaled = Math.floor(Math.scalb(value, fracBits) + 0.5);
        if (scaled >= (double) maxRaw()) {
            return maxRaw();
        }
        if (scaled <= (double) minRaw()) {
            return minRaw();
        }
        return saturate((long) scaled);
    }

    /** The real number a raw value stands for. */
    public double toDouble(long raw) {
        return Math.scalb((double) raw, -fracBits);
    }

    /** This format as "Qi.f" (i integer bits including sign). */
    @Override
    public String toString() {
        return "Q" + (totalBits - fracBits) + "." + fracBits + " (" + totalBits + " bits)";
    }

    /**
     * Arithmetic shift right by {@code shift} with round half up; a negative shift is an exact left
     * shift. The result is not saturated. |value| must stay below 2^62.
     */
    public static long shiftRound(long value, int shift) {
        if (shift > 0) {
            return (value + (1L << (shift - 1))) >> shift;
        }
        return value << -shift;
    }

    /**
     * Rescale a raw value from {@code fromFracBits} to this format (round half up, saturate).
     * This is the hardware's accumulator-to-activation conversion.
     */
    public long rescale(long raw, int fromFracBits) {
        int shift = fromFracBits - fracBits;
        if (shift < 0 && raw != 0 && Long.numberOfLeadingZeros(Math.abs(raw)) <= -shift + 1) {
            return raw > 0 ? maxRaw() : minRaw();
        }
        return saturate(shiftRound(raw, shift));
    }

    /**
     * Product of two raw values in formats with {@code aFrac} and {@code bFrac} fractional bits,
     * returned in this format (round half up, saturate). The full product is exact before rounding.
     */
    public long multiply(long a, int aFrac, long b, int bFrac) {
        return rescale(a * b, aFrac + bFrac);
    }

    /** Saturating addition of two raw values of this format. */
    public long add(long a, long b) {
        return saturate(a + b);
    }

    /** Width in bits of the unsigned field that holds a value of this format in memory. */
    public int storageBits() {
        return totalBits;
    }

    /** Sign-extend the low {@code bits} bits of {@code raw}. */
    public static long signExtend(long raw, int bits) {
        int unused = 64 - bits;
        return (raw << unused) >> unused;
    }
}
