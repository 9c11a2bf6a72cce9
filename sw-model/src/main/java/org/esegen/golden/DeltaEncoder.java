package org.esegen.golden;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.esegen.EsegenException;

/**
 * The delta unit of the column-balanced delta engine (DESIGN.md section 3), and the twin of
 * {@code org.esegen.hdl.units.DeltaUnit}: it keeps the last value sent of each column of a layer's
 * SpMV 1 vector v = [x_t; y_(t-1)] (v^, raw activation format, zero at the start) and, for a vector
 * given in column order, fires each column c whose delta d = v[c] - v^[c] is nonzero and has
 * |d| >= theta, theta the input threshold for c &lt; inputSize and the recurrent threshold for the
 * rest; a fired column sets v^[c] = v[c]. A delta needs actBits + 1 bits. Thresholds are raw
 * activation-format values, at least 1.
 */
public final class DeltaEncoder {
    /** A fired column and its delta (raw activation-format units). */
    public record Fired(int column, long delta) {
    }

    private final int inputSize;
    private final long inputTheta;
    private final long recurrentTheta;
    private final long[] sent;
    private long firedInputs;
    private long firedRecurrent;

    /**
     * @param columns        columns of the vector, at least 1
     * @param inputSize      columns that are inputs (the rest are recurrent), 0..columns
     * @param inputTheta     threshold of the input columns, at least 1
     * @param recurrentTheta threshold of the recurrent columns, at least 1
     */
    public DeltaEncoder(int columns, int inputSize, long inputTheta, long recurrentTheta) {
        if (columns < 1 || inputSize < 0 || inputSize > columns) {
            throw new EsegenException("delta encoder: " + columns + " columns with " + inputSize
                    + " inputs: need columns >= 1 and 0 <= inputs <= columns");
        }
        if (inputTheta < 1 || recurrentTheta < 1) {
            throw new EsegenException("delta encoder: thresholds " + inputTheta + ", " + recurrentTheta
                    + " must be at least 1 (a delta of 0 never fires)");
        }
        this.inputSize = inputSize;
        this.inputTheta = inputTheta;
        this.recurrentTheta = recurrentTheta;
        this.sent = new long[columns];
    }

    /** Whether a delta of column {@code column} fires (nonzero and at least its threshold in magnitude). */
    public boolean fires(int column, long delta) {
        return delta != 0 && Math.abs(delta) >= (column < inputSize ? inputTheta : recurrentTheta);
    }

    /**
     * Runs one vector (one value per column) through the unit.
     *
     * @return the fired columns in column order, with their deltas
     */
    public List<Fired> fire(long[] vector) {
        if (vector.length != sent.length) {
            throw new EsegenException("delta encoder: vector of " + vector.length + " values for " + sent.length + " columns");
        }
        List<Fired> fired = new ArrayList<>();
        for (int c = 0; c < vector.length; c++) {
            offer(c, vector[c]).ifPresent(fired::add);
        }
        return fired;
    }

    /**
     * Runs one element (any column, in any order, any number of times) through the unit.
     *
     * @return the column and its delta if it fired
     */
    public Optional<Fired> offer(int column, long value) {
        long delta = value - sent[column];
        if (!fires(column, delta)) {
            return Optional.empty();
        }
        sent[column] = value;
        if (column < inputSize) {
            firedInputs++;
        } else {
            firedRecurrent++;
        }
        return Optional.of(new Fired(column, delta));
    }

    /**
     * A lower bound on the cycles the delta engine's SpMV takes for one frame with A arrays (array a
     * owns the columns c = j A + a): each array decides one of its elements a cycle and its store reads
     * K words per fired column, one a cycle, so a frame takes at least max over arrays of
     * max(its elements, K x its fired columns) cycles (pipeline fill not counted).
     *
     * @param fired   the frame's fired columns ({@link #fire})
     * @param columns the columns of the frame's vector
     */
    public static long cycleBound(List<Fired> fired, int columns, int arrays, int k) {
        if (arrays < 1 || k < 1) {
            throw new EsegenException("delta cycle bound: " + arrays + " arrays, K " + k + ": both must be at least 1");
        }
        long[] firedPerArray = new long[arrays];
        fired.forEach(f -> firedPerArray[f.column() % arrays]++);
        long bound = 0;
        for (int a = 0; a < arrays; a++) {
            long elements = columns > a ? (columns - a + arrays - 1) / arrays : 0;
            bound = Math.max(bound, Math.max(elements, k * firedPerArray[a]));
        }
        return bound;
    }

    /** Input columns fired so far. */
    public long firedInputs() {
        return firedInputs;
    }

    /** Recurrent columns fired so far. */
    public long firedRecurrent() {
        return firedRecurrent;
    }

    /** The last values sent, by column (a copy). */
    public long[] sent() {
        return Arrays.copyOf(sent, sent.length);
    }
}
