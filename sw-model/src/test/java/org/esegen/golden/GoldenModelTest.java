package org.esegen.golden;

import org.esegen.compile.CompiledLayer;
import org.esegen.compile.CompiledModel;
import org.esegen.compile.Compiler;
import org.esegen.config.AcceleratorConfig;
import org.esegen.config.Presets;
import org.esegen.fixed.FixedFormat;
import org.esegen.rnn.CellKind;
import org.esegen.rnn.LayerStack;
import org.esegen.rnn.LayerWeights;
import org.esegen.prune.PruningMethod;
import org.esegen.quant.ActivationTables;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The golden model, which walks the DDR image per PE, against a direct dense fixed-point evaluation
 * of the quantized matrices held by the compiler (no image, no per-PE walk), for every cell and
 * stacks of one to three layers.
 */
class GoldenModelTest {

    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> b = Stream.builder();
        int id = 0;
        for (int pes : new int[]{1, 2, 3, 4, 5, 8}) {
            for (PruningMethod m : PruningMethod.PRUNING) {
                for (CellKind cell : CellKind.values()) {
                    b.add(Arguments.of(id, pes, m, cell, 1 + id % 3));
                    id++;
                }
            }
        }
        return b.build();
    }

    static Stream<Arguments> longCases() {
        return IntStream.range(0, 400).mapToObj(id -> Arguments.of(1000 + id, 1 + id % 16,
                PruningMethod.PRUNING.get(id % 3), CellKind.values()[(id / 3) % 3], 1 + (id / 9) % 3));
    }

    @ParameterizedTest(name = "case {0}: pes={1} pruning={2} cell={3} layers={4}")
    @MethodSource("cases")
    void goldenModelMatchesDenseFixedPointEvaluation(int id, int pes, PruningMethod method, CellKind cell, int layers) {
        check(id, pes, method, cell, layers);
    }

    /** The long tier: 400 more random configurations (scripts/test.sh -Plong). */
    @Tag("long")
    @ParameterizedTest(name = "case {0}: pes={1} pruning={2} cell={3} layers={4}")
    @MethodSource("longCases")
    void goldenModelMatchesDenseFixedPointEvaluationLong(int id, int pes, PruningMethod method, CellKind cell,
                                                         int layers) {
        check(id, pes, method, cell, layers);
    }

    private static void check(int id, int pes, PruningMethod method, CellKind cell, int depth) {
        long seed = 7000L + id;
        System.out.println("GoldenModelTest case " + id + " seed=" + seed + " cell=" + cell + " layers=" + depth);
        SplittableRandom rnd = new SplittableRandom(seed);
        int in = 1 + rnd.nextInt(12);
        AcceleratorConfig cfg = Presets.resolve("tiny", List.of("pesPerChannel=" + pes, "channels=2",
                "indexBits=" + (1 + rnd.nextInt(4)), "weightBits=" + (4 + rnd.nextInt(10)), "accBits=30",
                "entryFifoDepth=4096", "maxLayers=3"));
        List<LayerWeights> layers = new java.util.ArrayList<>();
        int layerInput = in;
        for (int k = 0; k < depth; k++) {
            int hidden = 1 + rnd.nextInt(20);
            int proj = cell.hasProjection() ? 1 + rnd.nextInt(12) : hidden;
            layers.add(randomLayer(rnd, k, cell, layerInput, hidden, proj, cell.allowsPeepholes() && id % 2 == 0,
                    id % 3 == 0 ? 3.0 : 1.0));
            layerInput = proj;
        }
        CompiledModel compiled = Compiler.compile(cfg, new LayerStack(layers), method, 0.05 + rnd.nextDouble() * 0.95);
        FixedFormat act = cfg.activationFormat();
        int frames = 6;
        long[][][] x = new long[2][frames][in];
        for (long[][] ch : x) {
            for (long[] frame : ch) {
                for (int k = 0; k < in; k++) {
                    frame[k] = act.quantize(rnd.nextGaussian() * (id % 3 == 0 ? 20 : 1.5));
                }
            }
        }
        GoldenModel golden = new GoldenModel(cfg, compiled.image(x));
        GoldenModel.Result result = golden.run(true);
        for (int ch = 0; ch < 2; ch++) {
            long[][] expected = x[ch];
            for (int k = 0; k < depth; k++) {
                expected = denseReference(cfg, compiled.layer(k), expected);
            }
            long[][] sequence = golden.run(x[ch]);
            for (int t = 0; t < frames; t++) {
                assertArrayEquals(expected[t], result.outputs()[ch][t], "channel " + ch + " frame " + t);
                assertArrayEquals(expected[t], sequence[t], "run(inputs): channel " + ch + " frame " + t);
            }
        }
        assertEquals(2 * frames * depth, result.traces().size());
    }

    /** One layer in dense fixed point, straight from the equations of {@link ElementwiseTwin}'s comment. */
    static long[][] denseReference(AcceleratorConfig cfg, CompiledLayer layer, long[][] x) {
        FixedFormat act = cfg.activationFormat();
        FixedFormat acc = new FixedFormat(cfg.pe().accBits(), 0);
        int f = act.fracBits();
        long[][] wa = layer.wa().decode();
        int h = layer.pruned().hiddenSize();
        int p = layer.pruned().projSize();
        int in = layer.pruned().inputSize();
        long[] sig = ActivationTables.sigmoid(cfg);
        long[] tanh = ActivationTables.tanh(cfg);
        long[] b = layer.bias();
        long[] pp = layer.peep();
        long[] c = new long[h];
        long[] y = new long[p];
        long[][] out = new long[x.length][];
        for (int t = 0; t < x.length; t++) {
            long[] v = new long[in + p];
            System.arraycopy(x[t], 0, v, 0, in);
            System.arraycopy(y, 0, v, in, p);
            long[] z = new long[4 * h];
            for (int r = 0; r < 4 * h; r++) {
                long a = 0;
                for (int col = 0; col < v.length; col++) {
                    a = acc.saturate(a + wa[r][col] * v[col]);
                }
                z[r] = act.rescale(a, layer.wa().fracBits() + f);
            }
            if (layer.pruned().cell() == CellKind.GRU) {
                long[] hNew = new long[h];
                for (int k = 0; k < h; k++) {
                    long r = sig[ActivationTables.index(cfg, act.saturate(z[k] + b[k]))];
                    long u = sig[ActivationTables.index(cfg, act.saturate(z[h + k] + b[h + k]))];
                    long nh = act.saturate(z[3 * h + k] + b[3 * h + k]);
                    long n = tanh[ActivationTables.index(cfg,
                            act.saturate(z[2 * h + k] + b[2 * h + k] + act.multiply(r, f, nh, f)))];
                    hNew[k] = act.saturate(n + act.multiply(u, f, act.saturate(y[k] - n), f));
                }
                y = hNew;
                out[t] = y;
                continue;
            }
            long[] m = new long[h];
            for (int k = 0; k < h; k++) {
                long gi = sig[ActivationTables.index(cfg, act.saturate(z[k] + b[k] + act.multiply(pp[k], f, c[k], f)))];
                long gf = sig[ActivationTables.index(cfg,
                        act.saturate(z[h + k] + b[h + k] + act.multiply(pp[h + k], f, c[k], f)))];
                long gg = tanh[ActivationTables.index(cfg, act.saturate(z[2 * h + k] + b[2 * h + k]))];
                c[k] = act.saturate(act.multiply(gf, f, c[k], f) + act.multiply(gi, f, gg, f));
                long go = sig[ActivationTables.index(cfg,
                        act.saturate(z[3 * h + k] + b[3 * h + k] + act.multiply(pp[2 * h + k], f, c[k], f)))];
                m[k] = act.multiply(go, f, tanh[ActivationTables.index(cfg, c[k])], f);
            }
            if (layer.pruned().cell() != CellKind.LSTMP) {
                y = m;
            } else {
                long[][] whr = layer.whr().decode();
                y = new long[p];
                for (int j = 0; j < p; j++) {
                    long a = 0;
                    for (int k = 0; k < h; k++) {
                        a = acc.saturate(a + whr[j][k] * m[k]);
                    }
                    y[j] = act.rescale(a, layer.whr().fracBits() + f);
                }
            }
            out[t] = y;
        }
        return out;
    }

    static LayerWeights randomModel(SplittableRandom rnd, int in, int hidden, int proj, boolean peepholes,
                                    double scale) {
        return randomLayer(rnd, 0, CellKind.LSTMP, in, hidden, proj, peepholes, scale);
    }

    static LayerWeights randomLayer(SplittableRandom rnd, int layer, CellKind cell, int in, int hidden, int proj,
                                    boolean peepholes, double scale) {
        int rows = cell.gates() * hidden;
        double[][] wIh = gaussian(rnd, rows, in, scale / Math.sqrt(in + proj));
        double[][] wHh = gaussian(rnd, rows, proj, scale / Math.sqrt(in + proj));
        double[][] wHr = cell.hasProjection() ? gaussian(rnd, proj, hidden, scale / Math.sqrt(hidden)) : null;
        double[] bIh = gaussian(rnd, 1, rows, 0.5)[0];
        double[] bHh = gaussian(rnd, 1, rows, 0.5)[0];
        double[][] peep = gaussian(rnd, 3, hidden, 0.3);
        return new LayerWeights(layer, cell, in, hidden, proj, wIh, wHh, bIh, bHh, wHr, peepholes ? peep[0] : null,
                peepholes ? peep[1] : null, peepholes ? peep[2] : null);
    }

    static double[][] gaussian(SplittableRandom rnd, int rows, int cols, double std) {
        double[][] m = new double[rows][cols];
        for (double[] row : m) {
            for (int c = 0; c < cols; c++) {
                row[c] = rnd.nextGaussian() * std;
            }
        }
        return m;
    }

}
