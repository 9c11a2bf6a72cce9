package org.esegen.compile;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Figures of a compiled model (DESIGN.md section 3, performance accounting).
 *
 * @param density                         real nonzeros / dense matrix weights (both matrices)
 * @param compressionRatio                dense fp32 bits / (stored entries x entryBits + column pointers x ptrBits)
 * @param paddingFraction                 padding entries / stored entries
 * @param peLoadMaxOverMean               per-PE stored entries (both matrices): busiest / mean
 * @param idealCyclesPerFrame             sum over both matrices of the busiest PE's cycles as the PE
 *                                        takes them ({@link SparseMatrixEncoding#maxCycles}: padding
 *                                        folded into the next entry, empty columns free)
 * @param idealCyclesPerFramePadded       the same at one cycle per stored entry (padding costing a cycle)
 * @param idealCyclesPerFrameNoPadding    the same counting real nonzeros only
 * @param idealLatencyUs                  idealCyclesPerFrame at the configured clock, microseconds
 * @param idealLatencyUsPadded            idealCyclesPerFramePadded at the configured clock
 * @param idealLatencyUsNoPadding         idealCyclesPerFrameNoPadding at the configured clock
 * @param nonzeros                        real nonzeros stored
 * @param paddingEntries                  padding entries stored
 * @param compressedBytes                 bytes of entries and pointers
 * @param waMaxEntries                    W_a busiest PE's entries
 * @param whrMaxEntries                   W_hr busiest PE's entries
 * @param maxPointerSkew                  largest pointer skew of both matrices (entry FIFO depth needed)
 * @param idealCyclesPerLayer             per layer, its part of idealCyclesPerFrame
 *
 * <p>Over a stack every figure sums (or, for the maxima, takes the largest) over the layers. A cell
 * without projection carries W_hr = I: its H entries are stored and take their cycles, but they are
 * not weights, so {@code nonzeros} and {@code density} leave them out.</p>
 */
public record Metrics(
        @JsonProperty("density") double density,
        @JsonProperty("compression_ratio") double compressionRatio,
        @JsonProperty("padding_fraction") double paddingFraction,
        @JsonProperty("pe_load_max_over_mean") double peLoadMaxOverMean,
        @JsonProperty("ideal_cycles_per_frame") long idealCyclesPerFrame,
        @JsonProperty("ideal_cycles_per_frame_padded") long idealCyclesPerFramePadded,
        @JsonProperty("ideal_cycles_per_frame_no_padding") long idealCyclesPerFrameNoPadding,
        @JsonProperty("ideal_latency_us") double idealLatencyUs,
        @JsonProperty("ideal_latency_us_padded") double idealLatencyUsPadded,
        @JsonProperty("ideal_latency_us_no_padding") double idealLatencyUsNoPadding,
        @JsonProperty("nonzeros") long nonzeros,
        @JsonProperty("padding_entries") long paddingEntries,
        @JsonProperty("compressed_bytes") long compressedBytes,
        @JsonProperty("wa_max_entries") long waMaxEntries,
        @JsonProperty("whr_max_entries") long whrMaxEntries,
        @JsonProperty("max_pointer_skew") long maxPointerSkew,
        @JsonProperty("ideal_cycles_per_layer") java.util.List<Long> idealCyclesPerLayer) {

    /** Metrics of a compiled model. */
    public static Metrics of(CompiledModel model) {
        int n = model.config().pes();
        long dense = model.pruned().matrixWeights();
        long nonzeros = 0;
        long entries = 0;
        long padding = 0;
        long pointers = 0;
        long[] load = new long[n];
        long ideal = 0;
        long padded = 0;
        long idealNoPad = 0;
        long waMax = 0;
        long whrMax = 0;
        long skew = 0;
        java.util.List<Long> perLayer = new java.util.ArrayList<>();
        for (CompiledLayer layer : model.layers()) {
            long layerIdeal = 0;
            for (SparseMatrixEncoding m : java.util.List.of(layer.wa(), layer.whr())) {
                boolean weights = m == layer.wa() || layer.pruned().cell().hasProjection();
                nonzeros += weights ? m.totalNonzeros() : 0;
                entries += m.totalEntries();
                padding += m.totalPadding();
                pointers += m.cols() + 1;
                for (int p = 0; p < n; p++) {
                    load[p] += m.entries(p);
                }
                layerIdeal += m.maxCycles();
                padded += m.maxEntries();
                idealNoPad += m.maxNonzeros();
                skew = Math.max(skew, m.pointerSkew());
            }
            waMax = Math.max(waMax, layer.wa().maxEntries());
            whrMax = Math.max(whrMax, layer.whr().maxEntries());
            ideal += layerIdeal;
            perLayer.add(layerIdeal);
        }
        long compressedBits = entries * model.config().entryBits() + (long) n * pointers * model.config().formats().ptrBits();
        long maxLoad = java.util.Arrays.stream(load).max().orElse(0);
        double meanLoad = (double) entries / n;
        double mhz = model.config().clockMhz();
        return new Metrics((double) nonzeros / dense, 32.0 * dense / compressedBits,
                entries == 0 ? 0 : (double) padding / entries, meanLoad == 0 ? 1 : maxLoad / meanLoad, ideal,
                padded, idealNoPad, ideal / mhz, padded / mhz, idealNoPad / mhz, nonzeros, padding, (compressedBits + 7) / 8,
                waMax, whrMax, skew, perLayer);
    }
}
