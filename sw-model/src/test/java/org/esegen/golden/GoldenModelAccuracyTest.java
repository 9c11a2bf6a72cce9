package org.esegen.golden;

import org.esegen.compile.CompiledModel;
import org.esegen.compile.Compiler;
import org.esegen.config.AcceleratorConfig;
import org.esegen.config.Presets;
import org.esegen.fixed.FixedFormat;
import org.esegen.io.SyntheticModel;
import org.esegen.rnn.FloatReference;
import org.esegen.rnn.LayerStack;
import org.esegen.rnn.LayerWeights;
import org.esegen.prune.PruningMethod;
import org.esegen.quant.Quantizer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The golden model against the float reference of the same pruned model on ESE's dimensions
 * (I = 153, H = 1024, P = 512, density 0.112) with ESE's formats (12-bit weights, 16-bit
 * activations Q5.11, 2048-entry tables over [-8, 8)).
 *
 * <p><b>Derivation of the bound.</b> The dominant error is the table step: an entry stands for every
 * input in a bin of width D = 2R/E = 2^-7, so a lookup is off by f'(x) u with u uniform in
 * [-D/2, D/2): variance at most D^2/12 for tanh (f' &lt;= 1) and D^2/192 for sigmoid (f' &lt;= 1/4).
 * Everything else is 2^-11-LSB rounding (16x smaller in amplitude, 256x in power) and 12-bit weight
 * rounding with the per-matrix binary point (relative error below 2^-11 of the largest weight).
 * Per cell, m = o tanh(c') collects at most: the tanh(c') lookup (D^2/12), the o lookup (D^2/192),
 * and c' = f c + i g carries the g lookup scaled by i &lt;= 1 (D^2/12), the i and f lookups
 * (2 D^2/192) and c's own past error, which decays by f &lt; 1 per frame; we allow 2 D^2/12 for it.
 * That is at most 4 D^2/12 per m. The recurrent input y_(t-1) brings its own error through W_hh
 * into every gate; we double the budget for it: 8 D^2/12, and once more for all the LSB-level
 * rounding: 16 D^2/12 = var_m. With errors independent across cells, y = W_hr m has error variance
 * E[|w_row|^2] var_m, so SNR_y &gt;= 10 log10(E[y^2] / (E[|w_row|^2] var_m)), computed below from the
 * float reference's E[y^2] and the pruned W_hr.
 */
class GoldenModelAccuracyTest {

    @ParameterizedTest
    @EnumSource(value = PruningMethod.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void snrOnEseDimensionsMeetsTheDerivedBound(PruningMethod method) {
        long seed = 2017;
        System.out.println("GoldenModelAccuracyTest seed=" + seed + " pruning=" + method);
        AcceleratorConfig cfg = Presets.get("ese");
        LayerWeights model = SyntheticModel.generate(153, 1024, 512, true, seed);
        CompiledModel compiled = Compiler.compile(cfg, model, method, 0.112);
        int frames = 12;
        double[][] x = SyntheticModel.frames(frames, 153, seed + 1);
        FixedFormat act = cfg.activationFormat();
        byte[] image = compiled.image(new long[][][]{Quantizer.quantize(x, act)});
        Evaluation e = Evaluation.run(compiled, image, LayerStack.of(model), new double[][][]{x}, false);

        double[][] reference = FloatReference.run(compiled.pruned(), x);
        double signal = 0;
        long count = 0;
        for (double[] row : reference) {
            for (double v : row) {
                signal += v * v;
                count++;
            }
        }
        signal /= count;
        double rowNorm = 0;
        for (double[] row : compiled.layer(0).pruned().wHr()) {
            for (double w : row) {
                rowNorm += w * w;
            }
        }
        rowNorm /= compiled.layer(0).pruned().wHr().length;
        double step = 2.0 * cfg.lut().lutInputRange() / cfg.lut().lutEntries();
        double varM = 16 * step * step / 12;
        double bound = 10 * Math.log10(signal / (rowNorm * varM));
        System.out.printf("pruning %s: SNR %.2f dB, derived bound %.2f dB, max abs error %.5f%n", method,
                e.vsPruned().snrDb(), bound, e.vsPruned().maxAbsError());
        assertTrue(e.vsPruned().snrDb() >= bound, "SNR " + e.vsPruned().snrDb() + " dB below the bound " + bound);
    }
}
