package org.esegen.golden;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Error of fixed-point outputs against a float reference.
 *
 * @param snrDb       10 log10(sum ref^2 / sum (out - ref)^2), decibels (infinite when exact)
 * @param maxAbsError largest |out - ref|
 * @param values      values compared
 */
public record Accuracy(@JsonProperty("snr_db") double snrDb, @JsonProperty("max_abs_error") double maxAbsError,
                       @JsonProperty("values") long values) {

    /** Compare outputs (T x P) against the reference (T x P). */
    public static Accuracy of(double[][] outputs, double[][] reference) {
        double signal = 0;
        double noise = 0;
        double maxErr = 0;
        long count = 0;
        for (int t = 0; t < reference.length; t++) {
            for (int j = 0; j < reference[t].length; j++) {
                double e = outputs[t][j] - reference[t][j];
                signal += reference[t][j] * reference[t][j];
                noise += e * e;
                maxErr = Math.max(maxErr, Math.abs(e));
                count++;
            }
        }
        double snr = noise == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(signal / noise);
        return new Accuracy(snr, maxErr, count);
    }
}
