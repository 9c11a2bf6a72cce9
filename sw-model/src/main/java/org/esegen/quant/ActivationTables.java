package org.esegen.quant;

import org.esegen.config.AcceleratorConfig;
import org.esegen.fixed.FixedFormat;

import java.util.function.DoubleUnaryOperator;

/**
 * The sigmoid and tanh lookup tables: the one function that fills them, read by the golden model
 * and burned into ROMs by hdl-gen.
 *
 * <p>Let A = activation format (actBits, F = actFracBits), R = lutInputRange, E = lutEntries.
 * The tables cover inputs [-R, R). One table step is 2^s activation LSBs with
 * s = log2(2 R 2^F / E) (a whole number because R, E are powers of two and the config checks
 * 2 R 2^F &gt;= E).
 * <ul>
 *   <li><b>Index</b> of a raw input x: i = (x + R 2^F) &gt;&gt; s, clamped to [0, E-1]. Inputs below -R
 *       read entry 0, inputs at or above R read entry E-1.</li>
 *   <li><b>Entry</b> i holds f(c_i) quantized to A (round half up, saturate), where c_i is the
 *       midpoint of the raw inputs the entry covers: c_i = (i 2^s - R 2^F + (2^s - 1)/2) / 2^F.</li>
 * </ul>
 * Hardware cost: one adder, one shift (wiring), a clamp, and a synchronous ROM of E x actBits.
 */
public final class ActivationTables {
    private ActivationTables() {
    }

    /** Sigmoid table, E raw values in the activation format. */
    public static long[] sigmoid(AcceleratorConfig config) {
        return fill(config, x -> 1.0 / (1.0 + Math.exp(-x)));
    }

    /** Tanh table, E raw values in the activation format. */
    public static long[] tanh(AcceleratorConfig config) {
        return fill(config, Math::tanh);
    }

    /** log2 of the table step in activation LSBs (s above). */
    public static int stepShift(AcceleratorConfig config) {
        long span = (long) config.lut().lutInputRange() * 2 << config.formats().actFracBits();
        return Long.numberOfTrailingZeros(span / config.lut().lutEntries());
    }

    /** Raw offset added before the shift: R 2^F. */
    public static long inputOffsetRaw(AcceleratorConfig config) {
        return (long) config.lut().lutInputRange() << config.formats().actFracBits();
    }

    /** Table index of a raw activation-format input, per the formula above. */
    public static int index(AcceleratorConfig config, long rawInput) {
        long shifted = (rawInput + inputOffsetRaw(config)) >> stepShift(config);
        return (int) Math.max(0, Math.min(config.lut().lutEntries() - 1, shifted));
    }

    /** Bits of a table index, log2(E). */
    public static int indexBits(AcceleratorConfig config) {
        return Integer.numberOfTrailingZeros(config.lut().lutEntries());
    }

    private static long[] fill(AcceleratorConfig config, DoubleUnaryOperator f) {
        FixedFormat act = config.activationFormat();
        int entries = config.lut().lutEntries();
        int s = stepShift(config);
        long offset = inputOffsetRaw(config);
        long[] table = new long[entries];
        for (int i = 0; i < entries; i++) {
            double midpointRaw = ((long) i << s) - offset + ((1L << s) - 1) / 2.0;
            table[i] = act.quantize(f.applyAsDouble(midpointRaw * act.lsb()));
        }
        return table;
    }
}
