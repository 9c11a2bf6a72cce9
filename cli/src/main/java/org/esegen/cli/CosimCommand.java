package org.esegen.cli;

import org.esegen.io.Json;
import org.esegen.config.AcceleratorConfig;
import org.esegen.io.OutputFolder;
import org.esegen.rnn.LayerStack;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code esegen cosim}: compile, generate, run under Verilator, compare bit for bit with the golden model. */
@Command(name = "cosim", mixinStandardHelpOptions = true,
        description = "Compile the model, generate the accelerator, co-simulate it under Verilator with the "
                + "ADM-PCIE-KU3 DDR3 model and compare every output bit with the golden model. Exit 0 when "
                + "bit-exact, 3 on a mismatch (the first one is reported by frame, stage, index, expected, actual).")
public final class CosimCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Mixin
    ModelOptions model;

    @Option(names = "--frames", paramLabel = "T|X.npy", defaultValue = "4",
            description = "synthetic input frames per channel (default ${DEFAULT-VALUE}), or a T x I .npy of real "
                    + "frames (e.g. from esegen features) run in every channel")
    String frames;

    @Option(names = "--trace", description = "write an FST waveform (cosim/waves.fst)")
    boolean trace;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "out/cosim",
            description = "output folder, replaced (default ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--json", description = "print one JSON object with the figures")
    boolean json;

    @Mixin
    ForceOption force;

    @Override
    public Integer call() {
        AcceleratorConfig cfg = config.resolve();
        if (cfg.circulantEngine()) {
            CirculantFlow.Outcome c;
            LayerStack weights;
            try (OutputFolder folder = force.create("--out", out, "cosim", model.file(), framesFile())) {
                weights = model.load(cfg);
                c = CirculantFlow.cosim(cfg, weights, model, framesFile(), syntheticFrames(), "--frames", trace, folder);
            }
            System.out.print(json ? Json.line(c.figures()) + "\n" : CirculantFlow.summary(c, weights));
            return c.bitExact() ? 0 : CosimFlow.EXIT_MISMATCH;
        }
        CosimFlow.Outcome o;
        try (OutputFolder folder = force.create("--out", out, "cosim", model.file(), framesFile())) {
            o = CosimFlow.run(cfg, model.load(cfg), model, framesFile(), syntheticFrames(), "--frames", trace, folder);
        }
        System.out.print(json ? Json.line(o.figures()) + "\n" : CosimFlow.summary(o));
        return o.cosim().bitExact() ? 0 : CosimFlow.EXIT_MISMATCH;
    }

    /** {@code --frames} as a file, or null when it is a count. */
    private Path framesFile() {
        return frames.strip().matches("-?\\d+") ? null : Path.of(frames.strip());
    }

    /** {@code --frames} as a count (0 when it is a file). */
    private int syntheticFrames() {
        return framesFile() == null ? Integer.parseInt(frames.strip()) : 0;
    }
}
