package org.esegen.speech;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The front end against its definitions: power spectrum, mel filterbank, tones, differences. */
class FeaturesTest {
    private static final int RATE = 8000;

    @ParameterizedTest
    @ValueSource(ints = {1, 5, 17, 64, 127})
    void powerSpectrumOfABinCenteredCosineIsAQuarterOfNSquaredAtItsBinOnly(int bin) {
        int n = 256;
        double[] frame = new double[n];
        for (int i = 0; i < n; i++) {
            frame[i] = Math.cos(2 * Math.PI * bin * i / n);
        }
        double[] power = Features.powerSpectrum(frame);
        assertEquals(n / 2 + 1, power.length);
        for (int k = 0; k < power.length; k++) {
            assertEquals(k == bin ? n * n / 4.0 : 0, power[k], 1e-6 * n * n, "bin " + k);
        }
    }

    @Test
    void melScaleIsHtksAndTheFiltersAreUnitTrianglesEquallySpacedInMel() {
        assertEquals(999.99, Features.hzToMel(1000), 0.01, "HTK: 1000 Hz is about 1000 mel");
        for (double hz : new double[]{0, 20, 440, 3999}) {
            assertEquals(hz, Features.melToHz(Features.hzToMel(hz)), 1e-9);
        }
        int n = Features.fftSize(RATE);
        assertEquals(256, n, "200-sample window at 8 kHz, next power of two");
        double[][] bank = Features.melFilterbank(RATE, n, Features.BANDS);
        double lowMel = Features.hzToMel(Features.LOW_HZ);
        double step = (Features.hzToMel(RATE / 2.0) - lowMel) / (Features.BANDS + 1);
        for (int m = 0; m < Features.BANDS; m++) {
            double lo = Features.melToHz(lowMel + m * step);
            double center = Features.melToHz(lowMel + (m + 1) * step);
            double hi = Features.melToHz(lowMel + (m + 2) * step);
            for (int k = 0; k < bank[m].length; k++) {
                double f = (double) k * RATE / n;
                double expected = f <= lo || f >= hi ? 0 : f <= center ? (f - lo) / (center - lo) : (hi - f) / (hi - center);
                assertEquals(expected, bank[m][k], 1e-12, "filter " + m + " bin " + k);
            }
        }
    }

    /** A tone puts the most energy into the band whose triangle holds its frequency highest. */
    @ParameterizedTest
    @ValueSource(doubles = {250, 500, 1000, 2000, 3000})
    void aToneLightsTheBandWhoseFilterPeaksNearItsFrequency(double hz) {
        double[] samples = new double[RATE / 2];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = 0.5 * Math.sin(2 * Math.PI * hz * i / RATE);
        }
        double[][] logMel = Features.logMel(samples, RATE);
        assertEquals(1 + (samples.length - 200) / 80, logMel.length, "frames of 25 ms every 10 ms");
        double[][] bank = Features.melFilterbank(RATE, Features.fftSize(RATE), Features.BANDS);
        int bin = (int) Math.round(hz * Features.fftSize(RATE) / RATE);
        int expected = 0;
        for (int m = 1; m < Features.BANDS; m++) {
            if (bank[m][bin] > bank[expected][bin]) {
                expected = m;
            }
        }
        double[] frame = logMel[logMel.length / 2];
        int loudest = 0;
        for (int m = 1; m < Features.BANDS; m++) {
            if (frame[m] > frame[loudest]) {
                loudest = m;
            }
        }
        System.out.printf("tone %.0f Hz: loudest band %d, expected %d (%.2f vs next %.2f)%n", hz, loudest, expected,
                frame[loudest], frame[Math.min(Features.BANDS - 1, loudest + 1)]);
        assertTrue(Math.abs(loudest - expected) <= 1, "band " + loudest + " for a tone nearest band " + expected);
        assertTrue(frame[loudest] > frame[(loudest + Features.BANDS / 2) % Features.BANDS] + 5,
                "a tone stands far above a band away from it");
    }

    @Test
    void silenceIsTheFloorAndAShortSignalIsOneFrame() {
        double[][] f = Features.logMel(new double[50], RATE);
        assertEquals(1, f.length);
        for (double v : f[0]) {
            assertEquals(Math.log(Features.FLOOR), v, 1e-12);
        }
    }

    @Test
    void differencesOfARampAreItsSlopeInsideAndSecondDifferencesZero() {
        int frames = 20;
        double[][] ramp = new double[frames][2];
        for (int t = 0; t < frames; t++) {
            ramp[t][0] = 3 * t + 1;
            ramp[t][1] = -0.5 * t;
        }
        double[][] all = Features.withDifferences(ramp);
        assertEquals(6, all[0].length);
        for (int t = 2; t < frames - 2; t++) {
            assertEquals(3, all[t][2], 1e-12, "first difference at " + t);
            assertEquals(-0.5, all[t][3], 1e-12);
        }
        for (int t = 4; t < frames - 4; t++) {
            assertEquals(0, all[t][4], 1e-12, "second difference at " + t);
            assertEquals(0, all[t][5], 1e-12);
        }
        // at t = 0 the earlier frames repeat frame 0: (1 (c1 - c0) + 2 (c2 - c0)) / 10 = (3 + 12) / 10
        assertEquals(1.5, all[0][2], 1e-12);
        assertEquals(1.5, all[frames - 1][2], 1e-12);
    }
}
