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
        FixedFormat act = compiled.config().activationFormat();
        int channels = frames.length;
        int t = frames[0].length;
        double[][] out = new double[channels * t][];
        double[][] refPruned = new double[channels * t][];
        double[][] refDense = new double[channels * t][];
        double[][][] outputs = new double[channels][][];
        for (int ch = 0; ch < channels; ch++) {
            double[][] rp = FloatReference.run(compiled.pruned(), frames[ch]);
            double[][] rd = FloatReference.run(dense, frames[ch]);
            outputs[ch] = Quantizer.dequantize(result.outputs()[ch], act);
            for (int k = 0; k < t; k++) {
                out[ch * t + k] = outputs[ch][k];
                refPruned[ch * t + k] = rp[k];
                refDense[ch * t + k] = rd[k];
            }
        }
        return new Evaluation(result, outputs, Accuracy.of(out, refPruned), Accuracy.of(out, refDense));
    }
}
