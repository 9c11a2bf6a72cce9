package org.esegen.cli;

import org.esegen.io.Json;
import org.esegen.config.AcceleratorConfig;
import picocli.CommandLine.Mixin;
import org.esegen.io.OutputFolder;
import org.esegen.config.Presets;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code esegen run}: the main job on the built-in default. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "The main job on the built-in default: the tiny preset, a synthetic 16x32x16 model at "
                + "density 0.25 (seed 1), 4 frames: compile, generate, co-simulate, verify bit-exactly. "
                + "Exit 0 when bit-exact, 3 on a mismatch.")
public final class RunCommand implements Callable<Integer> {
    /** The built-in default model. */
    public static final String DEFAULT_MODEL = "16,32,16,0.25,1";
    /** Frames of the built-in default. */
    public static final int DEFAULT_FRAMES = 4;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "out/run",
            description = "output folder, replaced (default ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--json", description = "print one JSON object with the figures and where the outputs went")
    boolean json;

    @Mixin
    ForceOption force;

    @Override
    public Integer call() {
        ModelOptions model = new ModelOptions();
        new CommandLine(model).parseArgs("--synthetic", DEFAULT_MODEL);
        AcceleratorConfig cfg = Presets.get("tiny");
        CosimFlow.Outcome o;
        try (OutputFolder folder = force.create("--out", out, "cosim")) {
            o = CosimFlow.run(cfg, model.load(cfg), model, null, DEFAULT_FRAMES, "frames", false, folder);
        }
        System.out.print(json ? Json.line(o.figures()) + "\n" : CosimFlow.summary(o));
        return o.cosim().bitExact() ? 0 : CosimFlow.EXIT_MISMATCH;
    }
}
