package org.esegen.golden;

import org.esegen.compile.CompiledModel;
import org.esegen.fixed.FixedFormat;
import org.esegen.quant.Quantizer;
import org.esegen.rnn.FloatReference;
import org.esegen.rnn.LayerStack;

/**
 * Golden-model outputs of an image and their error against the float reference, over all channels.
 *
 * @param golden    golden-model result
 * @param outputs   golden outputs as real numbers [channel][frame][P]
 * @param vsPruned  accuracy against the float reference of the pruned model (quantization error)
 * @param vsDense   accuracy against the float reference of the unpruned model (pruning + quantization)
 */
public record Evaluation(GoldenModel.Result golden, double[][][] outputs, Accuracy vsPruned, Accuracy vsDense) {

    /**
     * Run the golden model on an image and the float references on the same (unquantized) frames.
     *
     * @param compiled  the compiled model the image was built from
     * @param image     DDR image
     * @param dense     the float model before pruning
     * @param frames    [channel][frame][I] float inputs the image's frames were quantized from
     * @param trace     keep per-stage traces
     */
    public static Evaluation run(CompiledModel compiled, byte[] image, LayerStack dense, double[][][] frames,
                                 boolean trace) {
        GoldenModel.Result result = new GoldenModel(compiled.config(), image).run(trace);
        double[][][] outputs = dequantized(result.outputs(), compiled.config().activationFormat());
        return new Evaluation(result, outputs, against(outputs, compiled.pruned(), frames),
                against(outputs, dense, frames));
    }

    /** Raw outputs [channel][frame][P] as real numbers. */
    public static double[][][] dequantized(long[][][] raw, FixedFormat act) {
        double[][][] outputs = new double[raw.length][][];
        for (int ch = 0; ch < raw.length; ch++) {
            outputs[ch] = Quantizer.dequantize(raw[ch], act);
        }
        return outputs;
    }

    /**
     * The error of {@code outputs} [channel][frame][P] against {@code reference}'s float run on the same
     * (unquantized) {@code frames}, over every channel and frame.
     */
    public static Accuracy against(double[][][] outputs, LayerStack reference, double[][][] frames) {
        int t = frames[0].length;
        double[][] out = new double[frames.length * t][];
        double[][] ref = new double[frames.length * t][];
        for (int ch = 0; ch < frames.length; ch++) {
            double[][] r = FloatReference.run(reference, frames[ch]);
            for (int k = 0; k < t; k++) {
                out[ch * t + k] = outputs[ch][k];
                ref[ch * t + k] = r[k];
            }
        }
        return Accuracy.of(out, ref);
    }
}
