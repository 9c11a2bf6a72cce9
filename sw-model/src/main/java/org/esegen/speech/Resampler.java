package org.esegen.speech;

/**
 * Sample-rate conversion by windowed-sinc interpolation (Blackman window, {@value #HALF_TAPS} zero
 * crossings each side), low-pass at the lower of the two Nyquist frequencies so nothing aliases.
 * Deterministic: the same input gives the same bytes on every machine (plain double arithmetic in a
 * fixed order).
 */
public final class Resampler {
    /** Zero crossings of the sinc kernel on each side of a sample. */
    public static final int HALF_TAPS = 16;

    private Resampler() {
    }

    /** {@code samples} at {@code fromRate} resampled to {@code toRate}; length round(n toRate / fromRate). */
    public static double[] resample(double[] samples, int fromRate, int toRate) {
        if (fromRate == toRate) {
            return samples.clone();
        }
        double ratio = (double) toRate / fromRate;
        double cutoff = Math.min(1.0, ratio);
        int outLength = (int) Math.round(samples.length * ratio);
        double[] out = new double[outLength];
        double reach = HALF_TAPS / cutoff;
        for (int k = 0; k < outLength; k++) {
            double center = k / ratio;
            int first = (int) Math.ceil(center - reach);
            int last = (int) Math.floor(center + reach);
            double sum = 0;
            for (int j = Math.max(0, first); j <= Math.min(samples.length - 1, last); j++) {
                double x = (j - center) * cutoff;
                sum += samples[j] * cutoff * sinc(x) * blackman((j - center) / reach);
            }
            out[k] = sum;
        }
        return out;
    }

    private static double sinc(double x) {
        return x == 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
    }

    /** Blackman window on [-1, 1]. */
    private static double blackman(double t) {
        return 0.42 + 0.5 * Math.cos(Math.PI * t) + 0.08 * Math.cos(2 * Math.PI * t);
    }
}
