package org.esegen.synth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The resource model: the fit itself, and the fit to the measured Yosys runs shipped with esegen. */
class ResourceModelTest {

    /** Exactly linear data with known coefficients: the fit recovers them and predicts new sizes exactly. */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void aLinearFamilyIsRecoveredExactly(long seed) {
        System.out.println("seed " + seed);
        Random rnd = new Random(seed);
        double[][] k = new double[4][8];
        for (double[] row : k) {
            for (int j = 0; j < row.length; j++) {
                row[j] = 1 + rnd.nextInt(500);
            }
        }
        List<ResourceModel.Measurement> ms = new ArrayList<>();
        for (int p : new int[]{4, 8, 16, 32, 64}) {
            for (int c : new int[]{1, 2, 4}) {
                for (int w : new int[]{8, 16}) {
                    for (int a : new int[]{12, 16}) {
                        double[] v = new double[4];
                        for (int r = 0; r < 4; r++) {
                            v[r] = k[r][0] + k[r][1] * p + k[r][2] * c + k[r][3] * p * c + k[r][4] * p * p
                                    + k[r][5] * p * p * c + k[r][6] * p * c * w + k[r][7] * p * c * a;
                        }
                        ms.add(new ResourceModel.Measurement(p, c, w, a, v[0], v[1], v[2], v[3]));
                    }
                }
            }
        }
        ResourceModel model = ResourceModel.fit(ms);
        assertTrue(model.maxRelativeError() < 1e-9, "error " + model.maxRelativeError());
        ResourceModel.Prediction p = model.predict(64, 8, 12, 14);
        double expected = k[0][0] + k[0][1] * 64 + k[0][2] * 8 + k[0][3] * 512 + k[0][4] * 64 * 64
                + k[0][5] * 64 * 64 * 8 + k[0][6] * 512 * 12 + k[0][7] * 512 * 14;
        assertEquals(expected, p.lut(), 1e-6 * expected);
    }

    @Test
    void tooFewOrDegenerateMeasurementsAreRefused() {
        List<ResourceModel.Measurement> few = List.of(new ResourceModel.Measurement(8, 1, 8, 16, 1, 1, 1, 1),
                new ResourceModel.Measurement(16, 1, 8, 16, 2, 2, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> ResourceModel.fit(few));
        List<ResourceModel.Measurement> oneChannel = new ArrayList<>();
        for (int p = 1; p <= 8; p++) {
            oneChannel.add(new ResourceModel.Measurement(p, 1, 8, 16, p, p, p, p));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ResourceModel.fit(oneChannel));
        assertTrue(e.getMessage().contains("vary PEs and channels"), e.getMessage());
    }

    /**
     * The shipped fit reproduces its own Yosys measurements within 15 % (the margin a search allows is
     * its actual worst error, printed here), and grows with PEs and channels.
     */
    @Test
    void theShippedFitMatchesItsMeasurements() {
        ResourceModel model = ResourceModel.fitted();
        System.out.printf("resource model: %d measurements, worst relative error %.3f%n",
                model.measurements().size(), model.maxRelativeError());
        assertTrue(model.measurements().size() >= 10, "measurements: " + model.measurements().size());
        assertTrue(model.maxRelativeError() < 0.15, "worst error " + model.maxRelativeError());
        for (ResourceModel.Measurement m : model.measurements()) {
            ResourceModel.Prediction p = model.predict(m.pes(), m.channels(), m.weightBits(), m.actBits());
            assertEquals(m.lut(), p.lut(), model.maxRelativeError() * m.lut() + 1, m.toString());
            assertEquals(m.dsp(), p.dsp(), model.maxRelativeError() * m.dsp() + 1, m.toString());
        }
        ResourceModel.Prediction small = model.predict(16, 1, 12, 16);
        ResourceModel.Prediction morePes = model.predict(64, 1, 12, 16);
        ResourceModel.Prediction moreChannels = model.predict(16, 8, 12, 16);
        for (ResourceModel.Prediction bigger : List.of(morePes, moreChannels)) {
            assertTrue(bigger.lut() > small.lut() && bigger.ff() > small.ff() && bigger.dsp() > small.dsp(),
                    small + " vs " + bigger);
        }
        ResourceModel.Prediction ese32x32 = model.predict(32, 32, 12, 16);
        assertTrue(ese32x32.worstPercentOf(Device.XCKU060) < 100 * (1 + model.maxRelativeError()),
                "32 x 32 ese is measured to fit: " + ese32x32);
    }
}
