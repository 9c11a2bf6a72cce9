package org.esegen.cli.sweep;

import org.esegen.EsegenException;

import java.util.List;

/**
 * A deterministic slice of a grid: shard k of n holds the points whose index i has
 * {@code i mod n == k - 1}. Round-robin, so every shard gets a mix of small and large points;
 * the n shards are disjoint and together hold the whole grid.
 *
 * @param k 1-based shard number, 1..n
 * @param n number of shards, at least 1
 */
public record Shard(int k, int n) {
    /** The whole grid. */
    public static final Shard ALL = new Shard(1, 1);

    public Shard {
        if (n < 1 || k < 1 || k > n) {
            throw new EsegenException("--shard " + k + "/" + n + ": need 1 <= k <= n (k is 1-based, n at least 1)");
        }
    }

    /**
     * Parse {@code k/n}.
     *
     * @throws EsegenException when the text is not two whole numbers k/n with 1 <= k <= n
     */
    public static Shard parse(String text) {
        String[] parts = text.split("/", -1);
        if (parts.length == 2) {
            try {
                return new Shard(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
            } catch (NumberFormatException e) {
                // reported below with the expected form
            }
        }
        throw new EsegenException("--shard '" + text + "': expected k/n with whole numbers 1 <= k <= n, e.g. 2/8");
    }

    /** Whether the point with this grid index is in this shard. */
    public boolean contains(int index) {
        return index % n == k - 1;
    }

    /** This shard's points, in grid order. */
    public List<Point> select(List<Point> points) {
        return points.stream().filter(p -> contains(p.index())).toList();
    }

    @Override
    public String toString() {
        return k + "/" + n;
    }
}
