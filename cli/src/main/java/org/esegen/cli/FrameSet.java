package org.esegen.cli;

import org.esegen.EsegenException;
import org.esegen.compile.CompiledModel;
import org.esegen.config.AcceleratorConfig;
import org.esegen.config.MemoryBudget;
import org.esegen.fixed.FixedFormat;
import org.esegen.golden.Evaluation;
import org.esegen.io.Npy;
import org.esegen.io.SyntheticModel;
import org.esegen.rnn.LayerStack;
import org.esegen.quant.QuantizationLoss;
import org.esegen.quant.Quantizer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Input frames for every channel: one .npy file for all channels, or seeded synthetic frames
 * (channel ch uses seed + ch, so channels run different utterances).
 *
 * @param real [channel][frame][I] real inputs
 * @param raw  the same quantized to the activation format
 */
public record FrameSet(double[][][] real, long[][][] raw) {

    /**
     * Frames for every channel of {@code cfg}.
     *
     * @param file      one .npy file for all channels, or null for synthetic frames
     * @param numFrames synthetic frames per channel (when {@code file} is null)
     * @param option    the option that gave {@code numFrames}, for messages ({@code --num-frames}, {@code --frames})
     * @param seed      seed of channel 0's synthetic frames
     */
    public static FrameSet load(AcceleratorConfig cfg, LayerStack weights, Path file, int numFrames, String option,
                                long seed) {
        int inputSize = weights.inputSize();
        double[][][] real = new double[cfg.channels()][][];
        if (file != null) {
            double[][] frames = Npy.read(file);
            Quantizer.requireFrameWidth(frames, inputSize, file.toString());
            java.util.Arrays.fill(real, frames);
        } else {
            if (numFrames < 1) {
                throw new EsegenException(option + " " + numFrames + " must be at least 1");
            }
            MemoryBudget.require(option + " " + numFrames + " (x " + cfg.channels() + " channels)",
                    MemoryBudget.frameBytes(cfg.channels(), numFrames, inputSize, weights.totalHiddenSize(),
                            weights.totalOutputSize()));
            for (int ch = 0; ch < real.length; ch++) {
                real[ch] = SyntheticModel.frames(numFrames, inputSize, seed + ch);
            }
        }
        FixedFormat act = cfg.activationFormat();
        long[][][] raw = new long[real.length][][];
        for (int ch = 0; ch < real.length; ch++) {
            raw[ch] = Quantizer.quantize(real[ch], act);
        }
        return new FrameSet(real, raw);
    }

    /** What quantizing the input frames (every channel) to the activation format zeroed and saturated. */
    public QuantizationLoss quantizationLoss(AcceleratorConfig cfg) {
        return QuantizationLoss.of("input frames", java.util.Arrays.stream(real).flatMap(java.util.Arrays::stream)
                .toArray(double[][]::new), cfg.activationFormat());
    }

    /**
     * The quantization warnings of a compile on these frames, each printed to stderr as it is found
     * and returned for the report.
     */
    public List<String> quantizationWarnings(CompiledModel compiled) {
        List<QuantizationLoss> losses = new ArrayList<>(compiled.quantizationLosses());
        losses.add(quantizationLoss(compiled.config()));
        List<String> warnings = QuantizationLoss.warnings(losses);
        warnings.forEach(w -> System.err.println("esegen: warning: " + w));
        return warnings;
    }

    /** Frames per channel. */
    public int frames() {
        return real[0].length;
    }

    /** Golden model on the image and float references on the same frames. */
    public Evaluation evaluate(CompiledModel compiled, byte[] image, LayerStack dense) {
        return Evaluation.run(compiled, image, dense, real, false);
    }
}
