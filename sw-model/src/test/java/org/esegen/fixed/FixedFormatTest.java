package org.esegen.fixed;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** FixedFormat against an exact BigInteger / BigDecimal oracle. */
class FixedFormatTest {

    static Stream<FixedFormat> formats() {
        return Stream.of(new FixedFormat(2, 0), new FixedFormat(2, 1), new FixedFormat(8, 4), new FixedFormat(12, 11),
                new FixedFormat(16, 11), new FixedFormat(16, 15), new FixedFormat(17, 3), new FixedFormat(24, 20),
                new FixedFormat(32, 0), new FixedFormat(12, 20));
    }

    private static BigInteger oracleSaturate(BigInteger v, FixedFormat f) {
        BigInteger min = BigInteger.valueOf(f.minRaw());
        BigInteger max = BigInteger.valueOf(f.maxRaw());
        return v.max(min).min(max);
    }

    /** Round half up (toward +infinity) of v / 2^shift, exactly. */
    private static BigInteger oracleShiftRound(BigInteger v, int shift) {
        if (shift <= 0) {
            return v.shiftLeft(-shift);
        }
        return new BigDecimal(v).divide(new BigDecimal(BigInteger.ONE.shiftLeft(shift)))
                .add(new BigDecimal("0.5")).setScale(0, RoundingMode.FLOOR).toBigIntegerExact();
    }

    @ParameterizedTest
    @MethodSource("formats")
    void quantizeMatchesOracleOnRandomAndExtremeValues(FixedFormat f) {
        long seed = 0x5EED0000L + f.totalBits() * 100L + f.fracBits();
        System.out.println("FixedFormatTest.quantize seed=" + seed + " format=" + f);
        SplittableRandom rnd = new SplittableRandom(seed);
        double range = f.toDouble(f.maxRaw()) * 1.5 + 1;
        for (int k = 0; k < 20000; k++) {
            double x = k < 10000 ? (rnd.nextDouble() * 2 - 1) * range
                    // exact ties: (integer + 0.5) LSBs, including just outside the range
                    : Math.scalb(rnd.nextLong(2 * f.minRaw() - 2, 2 * f.maxRaw() + 4) + 0.5, -f.fracBits());
            BigInteger expected = oracleSaturate(new BigDecimal(x).multiply(new BigDecimal(
                    BigInteger.ONE.shiftLeft(f.fracBits()))).add(new BigDecimal("0.5"))
                    .setScale(0, RoundingMode.FLOOR).toBigIntegerExact(), f);
            assertEquals(expected.longValueExact(), f.quantize(x), "quantize(" + x + ") in " + f);
        }
        double[] extremes = {Double.MAX_VALUE, -Double.MAX_VALUE, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
                0.0, -0.0, f.lsb() / 2, -f.lsb() / 2, f.toDouble(f.maxRaw()) + f.lsb() / 2,
                f.toDouble(f.minRaw()) - f.lsb() / 2};
        long[] expectedExtremes = {f.maxRaw(), f.minRaw(), f.maxRaw(), f.minRaw(), 0, 0, 1, 0, f.maxRaw(), f.minRaw()};
        for (int k = 0; k < extremes.length; k++) {
            assertEquals(expectedExtremes[k], f.quantize(extremes[k]), "quantize(" + extremes[k] + ") in " + f);
        }
    }

    @ParameterizedTest
    @MethodSource("formats")
    void rescaleAndMultiplyMatchOracle(FixedFormat f) {
        long seed = 0xABCD0000L + f.totalBits() * 100L + f.fracBits();
        System.out.println("FixedFormatTest.rescale seed=" + seed + " format=" + f);
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int k = 0; k < 20000; k++) {
            int from = rnd.nextInt(0, 40);
            long raw = rnd.nextLong(-(1L << 45), 1L << 45);
            if (k % 4 == 0) {
                int shift = Math.max(from - f.fracBits(), 0);
                raw = ((raw >> 20) << shift) + (shift > 0 ? (1L << (shift - 1)) : 0);
            }
            BigInteger expected = oracleSaturate(oracleShiftRound(BigInteger.valueOf(raw), from - f.fracBits()), f);
            assertEquals(expected.longValueExact(), f.rescale(raw, from), "rescale(" + raw + ", " + from + ") in " + f);

            long a = rnd.nextLong(f.minRaw(), f.maxRaw() + 1);
            long b = rnd.nextLong(-(1L << 20), 1L << 20);
            int bFrac = rnd.nextInt(0, 24);
            BigInteger product = BigInteger.valueOf(a).multiply(BigInteger.valueOf(b));
            BigInteger expectedProduct = oracleSaturate(oracleShiftRound(product, bFrac), f);
            assertEquals(expectedProduct.longValueExact(), f.multiply(a, f.fracBits(), b, bFrac),
                    "multiply(" + a + ", " + b + ") in " + f);
        }
        assertEquals(f.maxRaw(), f.saturate(Long.MAX_VALUE / 2));
        assertEquals(f.minRaw(), f.saturate(Long.MIN_VALUE / 2));
        assertEquals(f.maxRaw(), f.add(f.maxRaw(), 1));
        assertEquals(f.minRaw(), f.add(f.minRaw(), -1));
    }
}
