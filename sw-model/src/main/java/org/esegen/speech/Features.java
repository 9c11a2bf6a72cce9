package org.esegen.speech;

import org.apache.commons.math3.complex.Complex;
import org.apache.commons.math3.transform.DftNormalization;
import org.apache.commons.math3.transform.FastFourierTransformer;
import org.apache.commons.math3.transform.TransformType;

/**
 * The speech front end of DESIGN.md section 4 (Spartus's TIMIT front end): {@value #BANDS} log-mel
 * band energies of {@value #WINDOW_MS} ms windows every {@value #HOP_MS} ms, with their first and
 * second differences: {@value #DIMENSION} features per frame, in that order.
 *
 * <p>Per frame: pre-emphasis y[i] = x[i] - {@value #PRE_EMPHASIS} x[i-1] (over the whole signal),
 * a Hamming window of round(sampleRate {@value #WINDOW_MS} / 1000) samples, zero-padded to the next
 * power of two, the power spectrum |X_k|^2 (commons-math3's FFT), {@value #BANDS} triangular filters
 * equally spaced on the HTK mel scale (mel = 2595 log10(1 + f / 700)) from {@value #LOW_HZ} Hz to
 * the Nyquist frequency, each weight the triangle's height at the bin's frequency, and the natural
 * log of each band's energy (at least {@value #FLOOR}). A signal shorter than a window is one frame,
 * zero-padded. Differences: d_t = sum_{n=1..2} n (c_{t+n} - c_{t-n}) / 10, frames past either end
 * taken as the end frame (HTK's regression formula); second differences are the differences of d.
 */
public final class Features {
    /** Mel bands. */
    public static final int BANDS = 40;
    /** Features per frame: bands, their first and their second differences. */
    public static final int DIMENSION = 3 * BANDS;
    /** Window length, milliseconds. */
    public static final int WINDOW_MS = 25;
    /** Frame step, milliseconds. */
    public static final int HOP_MS = 10;
    /** Pre-emphasis coefficient. */
    public static final double PRE_EMPHASIS = 0.97;
    /** Lower edge of the first mel filter, Hz. */
    public static final double LOW_HZ = 20;
    /** Smallest band energy before the log. */
    public static final double FLOOR = 1e-10;
    /** Frames on each side in the difference formula. */
    public static final int DELTA_REACH = 2;

    private static final FastFourierTransformer FFT = new FastFourierTransformer(DftNormalization.STANDARD);

    private Features() {
    }

    /** Window length in samples at {@code sampleRate}. */
    public static int windowSamples(int sampleRate) {
        return (int) Math.round(sampleRate * WINDOW_MS / 1000.0);
    }

    /** Frame step in samples at {@code sampleRate}. */
    public static int hopSamples(int sampleRate) {
        return (int) Math.round(sampleRate * HOP_MS / 1000.0);
    }

    /** FFT length: the next power of two at or above the window. */
    public static int fftSize(int sampleRate) {
        return Integer.highestOneBit(windowSamples(sampleRate) - 1) << 1;
    }

    /** The T x {@value #DIMENSION} features of a recording. */
    public static double[][] of(Wav wav) {
        return withDifferences(logMel(wav.samples(), wav.sampleRate()));
    }

    /** HTK mel of a frequency in Hz. */
    public static double hzToMel(double hz) {
        return 2595 * Math.log10(1 + hz / 700);
    }

    /** Inverse of {@link #hzToMel}. */
    public static double melToHz(double mel) {
        return 700 * (Math.pow(10, mel / 2595) - 1);
    }

    /**
     * The filterbank: {@code bands} x (fftSize / 2 + 1) weights; filter m rises linearly from the
     * (m)th to the (m+1)th of bands + 2 mel-equally spaced edge frequencies and falls to the (m+2)th.
     */
    public static double[][] melFilterbank(int sampleRate, int fftSize, int bands) {
        double lowMel = hzToMel(LOW_HZ);
        double highMel = hzToMel(sampleRate / 2.0);
        double[] edges = new double[bands + 2];
        for (int i = 0; i < edges.length; i++) {
            edges[i] = melToHz(lowMel + (highMel - lowMel) * i / (bands + 1));
        }
        double[][] weights = new double[bands][fftSize / 2 + 1];
        for (int m = 0; m < bands; m++) {
            for (int k = 0; k <= fftSize / 2; k++) {
                double f = (double) k * sampleRate / fftSize;
                double w = 0;
                if (f > edges[m] && f <= edges[m + 1]) {
                    w = (f - edges[m]) / (edges[m + 1] - edges[m]);
                } else if (f > edges[m + 1] && f < edges[m + 2]) {
                    w = (edges[m + 2] - f) / (edges[m + 2] - edges[m + 1]);
                }
                weights[m][k] = w;
            }
        }
        return weights;
    }

    /** Power spectrum |X_k|^2, k = 0 .. n/2, of {@code frame} (length n, a power of two). */
    public static double[] powerSpectrum(double[] frame) {
        Complex[] x = FFT.transform(frame, TransformType.FORWARD);
        double[] power = new double[frame.length / 2 + 1];
        for (int k = 0; k < power.length; k++) {
            power[k] = x[k].getReal() * x[k].getReal() + x[k].getImaginary() * x[k].getImaginary();
        }
        return power;
    }

    /** The T x {@value #BANDS} log-mel energies of {@code samples} at {@code sampleRate}. */
    public static double[][] logMel(double[] samples, int sampleRate) {
        int window = windowSamples(sampleRate);
        int hop = hopSamples(sampleRate);
        int n = fftSize(sampleRate);
        double[][] filters = melFilterbank(sampleRate, n, BANDS);
        double[] emphasized = new double[samples.length];
        for (int i = 0; i < samples.length; i++) {
            emphasized[i] = samples[i] - (i > 0 ? PRE_EMPHASIS * samples[i - 1] : 0);
        }
        int frames = samples.length <= window ? 1 : 1 + (samples.length - window) / hop;
        double[] hamming = new double[window];
        for (int i = 0; i < window; i++) {
            hamming[i] = 0.54 - 0.46 * Math.cos(2 * Math.PI * i / (window - 1));
        }
        double[][] out = new double[frames][BANDS];
        double[] frame = new double[n];
        for (int t = 0; t < frames; t++) {
            java.util.Arrays.fill(frame, 0);
            for (int i = 0; i < window && t * hop + i < emphasized.length; i++) {
                frame[i] = emphasized[t * hop + i] * hamming[i];
            }
            double[] power = powerSpectrum(frame);
            for (int m = 0; m < BANDS; m++) {
                double energy = 0;
                for (int k = 0; k < power.length; k++) {
                    energy += filters[m][k] * power[k];
                }
                out[t][m] = Math.log(Math.max(energy, FLOOR));
            }
        }
        return out;
    }

    /** HTK regression differences of every column of {@code c} (T x d), ends repeated. */
    public static double[][] differences(double[][] c) {
        int frames = c.length;
        int d = c[0].length;
        double norm = 0;
        for (int n = 1; n <= DELTA_REACH; n++) {
            norm += 2.0 * n * n;
        }
        double[][] out = new double[frames][d];
        for (int t = 0; t < frames; t++) {
            for (int j = 0; j < d; j++) {
                double sum = 0;
                for (int n = 1; n <= DELTA_REACH; n++) {
                    sum += n * (c[Math.min(frames - 1, t + n)][j] - c[Math.max(0, t - n)][j]);
                }
                out[t][j] = sum / norm;
            }
        }
        return out;
    }

    /** {@code base} (T x d) with its first and second differences: T x 3d. */
    public static double[][] withDifferences(double[][] base) {
        double[][] first = differences(base);
        double[][] second = differences(first);
        int d = base[0].length;
        double[][] out = new double[base.length][3 * d];
        for (int t = 0; t < base.length; t++) {
            System.arraycopy(base[t], 0, out[t], 0, d);
            System.arraycopy(first[t], 0, out[t], d, d);
            System.arraycopy(second[t], 0, out[t], 2 * d, d);
        }
        return out;
    }
}
