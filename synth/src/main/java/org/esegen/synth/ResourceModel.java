package org.esegen.synth;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.commons.math3.linear.SingularMatrixException;
import org.apache.commons.math3.stat.regression.OLSMultipleLinearRegression;
import org.esegen.config.AcceleratorConfig;
import org.esegen.io.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A quick prediction of a design's whole-chip Yosys estimate from its configuration, for pruning a
 * design search before running Yosys: each resource is a least-squares fit, over measured Yosys runs
 * of the generated design (the resource file {@value #CALIBRATION}, with the command that measured
 * them), of
 * {@code r = k0 + k1 P + k2 C + k3 P C + k4 P^2 + k5 P^2 C + k6 P C w + k7 P C a}, P PEs per channel,
 * C channels, w the weight width and a the activation width (a width term only when the measurements
 * vary that width; the P^2 terms are the column-value and gather multiplexers, which grow with PEs
 * squared). The measurements are of the {@code ese} preset's buffer
 * sizes and its DDR-streamed sparse-column engine; other buffer sizes are extrapolated, and every
 * figure is a prediction, never a substitute for the Yosys run that confirms a design.
 * {@link #maxRelativeError()} is the largest error of the fit on its own measurements, the margin a
 * search allows before it believes a design does not fit.
 */
public final class ResourceModel {
    /** The measured Yosys runs the fit is made from (class-path resource next to this class). */
    public static final String CALIBRATION = "resource-calibration.json";


    /** The model fitted to {@value #CALIBRATION}, loaded once. */
    private static final ResourceModel FITTED = fit(readCalibration());

    /**
     * One measured design.
     *
     * @param pes        PEs per channel
     * @param channels   channels
     * @param weightBits weight width
     * @param actBits    activation width
     * @param lut        CLB LUTs, logic plus memory
     * @param ff         flip-flops
     * @param dsp        DSP48E2
     * @param bram36     block RAM in 36 Kb equivalents
     */
    public record Measurement(int pes, int channels, int weightBits, int actBits, double lut, double ff, double dsp,
                              double bram36) {
    }

    /**
     * A predicted whole-design estimate.
     *
     * @param lut    CLB LUTs, logic plus memory
     * @param ff     flip-flops
     * @param dsp    DSP48E2
     * @param bram36 block RAM in 36 Kb equivalents
     */
    public record Prediction(double lut, double ff, double dsp, double bram36) {
        /** Percent of {@code device} per resource: LUT, FF, DSP, BRAM36. */
        public double[] percentOf(Device device) {
            return new double[]{100 * lut / device.luts(), 100 * ff / device.ffs(), 100 * dsp / device.dsps(),
                    100 * bram36 / device.bram36()};
        }

        /** The largest of the four percentages of {@code device}. */
        public double worstPercentOf(Device device) {
            double worst = 0;
            for (double p : percentOf(device)) {
                worst = Math.max(worst, p);
            }
            return worst;
        }
    }

    private final List<Measurement> measurements;
    private final double[][] coefficients;
    private final double maxRelativeError;

    private final boolean weightTerm;
    private final boolean actTerm;

    private ResourceModel(List<Measurement> measurements, double[][] coefficients, boolean weightTerm,
                          boolean actTerm) {
        this.measurements = List.copyOf(measurements);
        this.coefficients = coefficients;
        this.weightTerm = weightTerm;
        this.actTerm = actTerm;
        double worst = 0;
        for (Measurement m : measurements) {
            double[] actual = {m.lut(), m.ff(), m.dsp(), m.bram36()};
            double[] predicted = values(predict(m.pes(), m.channels(), m.weightBits(), m.actBits()));
            for (int r = 0; r < 4; r++) {
                worst = Math.max(worst, Math.abs(predicted[r] - actual[r]) / Math.max(1, actual[r]));
            }
        }
        this.maxRelativeError = worst;
    }

    /** The model fitted to the measurements shipped with esegen. */
    public static ResourceModel fitted() {
        return FITTED;
    }

    /**
     * Fit the model to {@code measurements}: more of them than coefficients, spanning PEs and channels.
     *
     * @throws IllegalArgumentException when the measurements cannot determine the coefficients
     */
    public static ResourceModel fit(List<Measurement> measurements) {
        boolean weightTerm = measurements.stream().map(Measurement::weightBits).distinct().count() > 1;
        boolean actTerm = measurements.stream().map(Measurement::actBits).distinct().count() > 1;
        int features = regressors(1, 1, 1, 1, weightTerm, actTerm).length;
        if (measurements.size() <= features) {
            throw new IllegalArgumentException("a resource fit of " + features + " coefficients needs more "
                    + "measurements than that, got " + measurements.size());
        }
        double[][] x = new double[measurements.size()][];
        for (int i = 0; i < x.length; i++) {
            Measurement m = measurements.get(i);
            x[i] = regressors(m.pes(), m.channels(), m.weightBits(), m.actBits(), weightTerm, actTerm);
        }
        double[][] k = new double[4][];
        for (int r = 0; r < 4; r++) {
            double[] y = new double[x.length];
            for (int i = 0; i < y.length; i++) {
                y[i] = values(measurements.get(i))[r];
            }
            OLSMultipleLinearRegression ols = new OLSMultipleLinearRegression();
            ols.setNoIntercept(true);
            ols.newSampleData(y, x);
            try {
                k[r] = ols.estimateRegressionParameters();
            } catch (SingularMatrixException e) {
                throw new IllegalArgumentException("the measurements do not vary enough to fit " + features
                        + " coefficients (vary PEs and channels independently)", e);
            }
        }
        return new ResourceModel(measurements, k, weightTerm, actTerm);
    }

    /**
     * Predicted whole-design estimate of {@code config}: the fit, plus with the on-chip weight store its
     * block RAM as {@link AcceleratorConfig#onchipStoreBram36()} computes it from the store's geometry.
     */
    public Prediction predict(AcceleratorConfig config) {
        Prediction p = predict(config.pes(), config.channels(), config.formats().weightBits(),
                config.formats().actBits());
        return new Prediction(p.lut(), p.ff(), p.dsp(), p.bram36() + config.onchipStoreBram36());
    }

    /** Predicted whole-design estimate at these sizes; no resource is predicted below 0. */
    public Prediction predict(int pes, int channels, int weightBits, int actBits) {
        double[] f = regressors(pes, channels, weightBits, actBits, weightTerm, actTerm);
        double[] r = new double[4];
        for (int k = 0; k < 4; k++) {
            double sum = 0;
            for (int j = 0; j < f.length; j++) {
                sum += coefficients[k][j] * f[j];
            }
            r[k] = Math.max(0, sum);
        }
        return new Prediction(r[0], r[1], r[2], r[3]);
    }

    /** The largest |predicted - measured| / measured of any resource over the fit's own measurements. */
    public double maxRelativeError() {
        return maxRelativeError;
    }

    /** The measurements the model was fitted to. */
    public List<Measurement> measurements() {
        return measurements;
    }

    private static double[] regressors(int p, int c, int w, int a, boolean weightTerm, boolean actTerm) {
        double pc = (double) p * c;
        List<Double> f = new ArrayList<>(List.of(1.0, (double) p, (double) c, pc, (double) p * p, pc * p));
        if (weightTerm) {
            f.add(pc * w);
        }
        if (actTerm) {
            f.add(pc * a);
        }
        return f.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static double[] values(Measurement m) {
        return new double[]{m.lut(), m.ff(), m.dsp(), m.bram36()};
    }

    private static double[] values(Prediction p) {
        return new double[]{p.lut(), p.ff(), p.dsp(), p.bram36()};
    }

    private static List<Measurement> readCalibration() {
        try (InputStream in = ResourceModel.class.getResourceAsStream(CALIBRATION)) {
            if (in == null) {
                throw new IllegalStateException(CALIBRATION + " is missing from the class path");
            }
            List<Measurement> out = new ArrayList<>();
            for (JsonNode n : Json.mapper().readTree(in).get("measurements")) {
                out.add(new Measurement(n.get("pes").asInt(), n.get("channels").asInt(), n.get("weight_bits").asInt(),
                        n.get("act_bits").asInt(), n.get("lut").asDouble(), n.get("ff").asDouble(),
                        n.get("dsp").asDouble(), n.get("bram36").asDouble()));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(CALIBRATION + ": cannot read", e);
        }
    }
}
