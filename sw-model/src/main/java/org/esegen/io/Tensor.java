package org.esegen.io;

import org.esegen.EsegenException;

import java.util.Arrays;
import java.util.Objects;

/**
 * A named dense tensor of real numbers in row-major (C) order, as stored in a safetensors file.
 *
 * <p>The shape is copied on construction and on access, so it cannot change. The data array is
 * shared, not copied (tensors can be large): callers must not modify it after handing it over.
 * Equality compares name, shape and data element by element ({@link Double#equals} semantics, so
 * NaN equals NaN and 0.0 differs from -0.0).
 *
 * @param name  tensor name, not null
 * @param shape dimensions, each at least 0; an empty shape is a scalar holding one element
 * @param data  the elements, row-major; its length is the product of the dimensions
 */
public record Tensor(String name, long[] shape, double[] data) {

    public Tensor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(data, "data");
        shape = shape.clone();
        long elements = 1;
        for (long dimension : shape) {
            if (dimension < 0) {
                throw new EsegenException("tensor '" + name + "': shape " + shapeText(shape)
                        + " has a negative dimension");
            }
            elements = multiplyOrMax(elements, dimension);
        }
        if (elements != data.length) {
            throw new EsegenException("tensor '" + name + "': shape " + shapeText(shape) + " holds " + elements
                    + " elements but " + data.length + " values were given");
        }
    }

    /** A rank-2 tensor from a rectangular row-major matrix with at least one row. */
    public static Tensor ofMatrix(String name, double[][] matrix) {
        if (matrix.length == 0) {
            throw new EsegenException("tensor '" + name + "': a matrix needs at least one row");
        }
        int columns = matrix[0].length;
        double[] flat = new double[Math.multiplyExact(matrix.length, columns)];
        for (int row = 0; row < matrix.length; row++) {
            if (matrix[row].length != columns) {
                throw new EsegenException("tensor '" + name + "': row " + row + " has " + matrix[row].length
                        + " columns but row 0 has " + columns);
            }
            System.arraycopy(matrix[row], 0, flat, row * columns, columns);
        }
        return new Tensor(name, new long[] {matrix.length, columns}, flat);
    }

    /** A rank-1 tensor holding a copy of {@code values}. */
    public static Tensor ofVector(String name, double[] values) {
        return new Tensor(name, new long[] {values.length}, values.clone());
    }

    /** The dimensions (a copy). */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** Size of dimension {@code axis}. */
    public long dimension(int axis) {
        return shape[axis];
    }

    /** The shape as text, e.g. {@code [16, 3]}. */
    public String shapeText() {
        return shapeText(shape);
    }

    /** A rank-2 tensor as a fresh {@code double[rows][cols]}. */
    public double[][] toMatrix() {
        if (shape.length != 2) {
            throw new EsegenException("tensor '" + name + "' has shape " + shapeText() + "; expected a matrix (rank 2)");
        }
        int rows = (int) shape[0];
        int columns = (int) shape[1];
        double[][] matrix = new double[rows][];
        for (int row = 0; row < rows; row++) {
            matrix[row] = Arrays.copyOfRange(data, row * columns, (row + 1) * columns);
        }
        return matrix;
    }

    /** A rank-1 tensor's elements (a copy). */
    public double[] toVector() {
        if (shape.length != 1) {
            throw new EsegenException("tensor '" + name + "' has shape " + shapeText() + "; expected a vector (rank 1)");
        }
        return data.clone();
    }

    /** Shape as text, e.g. {@code [16, 3]}; {@code []} for a scalar. */
    static String shapeText(long[] shape) {
        StringBuilder text = new StringBuilder("[");
        for (int axis = 0; axis < shape.length; axis++) {
            text.append(axis == 0 ? "" : ", ").append(shape[axis]);
        }
        return text.append(']').toString();
    }

    private static long multiplyOrMax(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE;
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Tensor that && name.equals(that.name) && Arrays.equals(shape, that.shape)
                && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.hashCode(shape), Arrays.hashCode(data));
    }

    @Override
    public String toString() {
        return "Tensor[" + name + " " + shapeText() + "]";
    }
}
