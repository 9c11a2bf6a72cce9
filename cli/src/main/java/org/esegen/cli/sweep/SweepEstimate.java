package org.esegen.cli.sweep;

import org.esegen.rnn.CellKind;
import org.esegen.rnn.LayerStack;

import java.util.List;
import java.util.Map;

/**
 * What one shard of a sweep asks of a cluster node, before it runs: CPUs, memory and wall time, for
 * {@code scripts/slurm-sweep.sh}'s requests. Coarse and on the safe side, from the per-point memory
 * model {@link Sweep} uses to choose its jobs, and stage times fitted to this README's measurements on
 * 2 cores (the ESE model: Verilator build 0.6 to 2 min and Yosys 2.7 to 5.7 min from 8 to 64 PEs, the
 * compile and golden model seconds); every build counts as uncached.
 *
 * @param points    points of the shard
 * @param cpus      CPUs to ask for: two, so a point's Verilator build and Yosys run beside the JVM
 * @param memoryMib memory to ask for: the JVM's base and the largest point's heap and tools, plus 25 %
 * @param seconds   wall time to ask for: every point one after the other, plus 50 % and 10 minutes
 */
public record SweepEstimate(int points, int cpus, long memoryMib, long seconds) {
    /** The JVM without any point. */
    static final long JVM_BASE_BYTES = 768L << 20;
    /** Compile and golden model: a base and a time per dense weight (pruning and encoding dominate). */
    static final double COMPILE_SECONDS = 1.0;
    static final double COMPILE_SECONDS_PER_WEIGHT = 2e-6;
    /** Verilator build: a base and a time per PE of the design (PEs per channel x channels). */
    static final double VERILATOR_SECONDS = 25;
    static final double VERILATOR_SECONDS_PER_PE = 1.5;
    /** Simulated cycles a second (the ESE design under Verilator -O2). */
    static final double SIMULATED_CYCLES_PER_SECOND = 200_000;
    /** Yosys: a base and a time per PE of the design. */
    static final double YOSYS_SECONDS = 140;
    static final double YOSYS_SECONDS_PER_PE = 3.2;

    /** The estimate of {@code slice}, the points of one shard. */
    public static SweepEstimate of(SweepSpec spec, List<Point> slice, Map<CellKind, LayerStack> weights) {
        long heap = Sweep.pointBytes(spec, weights);
        long memory = 0;
        double seconds = 0;
        for (Point p : slice) {
            LayerStack model = weights.get(p.cell());
            int pes = p.config().pes() * p.config().channels();
            long nativeBytes = spec.cosim() || spec.synth()
                    ? Sweep.NATIVE_BYTES_PER_POINT + Sweep.NATIVE_BYTES_PER_PE * pes : 0;
            memory = Math.max(memory, JVM_BASE_BYTES + heap + nativeBytes);
            seconds += COMPILE_SECONDS + COMPILE_SECONDS_PER_WEIGHT * model.matrixWeights();
            if (spec.cosim()) {
                double cyclesPerFrame = model.matrixWeights() * spec.model().density() / p.config().pes();
                seconds += VERILATOR_SECONDS + VERILATOR_SECONDS_PER_PE * pes
                        + cyclesPerFrame * spec.frames() * p.config().channels() / SIMULATED_CYCLES_PER_SECOND;
            }
            if (spec.synth()) {
                seconds += YOSYS_SECONDS + YOSYS_SECONDS_PER_PE * pes;
            }
        }
        return new SweepEstimate(slice.size(), 2, (long) Math.ceil(memory * 1.25 / (1 << 20)),
                (long) Math.ceil(seconds * 1.5 + 600));
    }
}
