package org.esegen.compile;

/**
 * Which PE owns each row of a matrix, and at which local row of that PE's slice.
 * Every PE's slice has the same number of local rows, {@link #localRows()}; local rows beyond a
 * PE's share of real rows are ghost rows (never stored, bias 0, output ignored).
 *
 * @param rows      rows of the matrix
 * @param pes       N
 * @param pe        owning PE of each row
 * @param localRow  local row of each row within its PE's slice
 * @param localRows local rows per PE
 */
public record RowMapping(int rows, int pes, int[] pe, int[] localRow, int localRows) {

    /** Row j on PE j mod N at local row j / N (the projection matrix W_hr). */
    public static RowMapping interleaved(int rows, int pes) {
        int[] pe = new int[rows];
        int[] local = new int[rows];
        for (int r = 0; r < rows; r++) {
            pe[r] = r % pes;
            local[r] = r / pes;
        }
        return new RowMapping(rows, pes, pe, local, ceilDiv(rows, pes));
    }

    /**
     * The gate matrix W_a (4H rows, gate order i, f, g, o): cell k and all four of its gate rows on
     * PE k mod N; gate g of local cell l = k / N sits at local row g * cellsPerPe + l, with
     * cellsPerPe = ceil(H / N).
     */
    public static RowMapping gates(int hidden, int pes) {
        int cellsPerPe = ceilDiv(hidden, pes);
        int[] pe = new int[4 * hidden];
        int[] local = new int[4 * hidden];
        for (int g = 0; g < 4; g++) {
            for (int k = 0; k < hidden; k++) {
                pe[g * hidden + k] = k % pes;
                local[g * hidden + k] = g * cellsPerPe + k / pes;
            }
        }
        return new RowMapping(4 * hidden, pes, pe, local, 4 * cellsPerPe);
    }

    /** The global row at (pe, localRow), or -1 for a ghost row. */
    public int[][] globalRows() {
        int[][] g = new int[pes][localRows];
        for (int[] row : g) {
            java.util.Arrays.fill(row, -1);
        }
        for (int r = 0; r < rows; r++) {
            g[pe[r]][localRow[r]] = r;
        }
        return g;
    }

    static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
