package org.esegen.cli;

import org.esegen.EsegenException;
import org.esegen.config.MemoryBudget;
import org.esegen.io.ModelFile;
import org.esegen.io.Npy;
import org.esegen.io.OutputFolder;
import org.esegen.io.Safetensors;
import org.esegen.io.SyntheticModel;
import org.esegen.io.SyntheticSpec;
import org.esegen.rnn.CellKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code esegen synthetic}: write a seeded synthetic model and input frames as real files. */
@Command(name = "synthetic", mixinStandardHelpOptions = true,
        description = "Write a seeded synthetic model (model.safetensors: PyTorch's state_dict naming, F32, no "
                + "metadata; LSTMs with peepholes unless --no-peepholes; the spec may name a cell and a layer count, "
                + "e.g. gru*2:120,64,64) and input frames (frames.npy, T x I float32) with trained-network statistics. The density in "
                + "the spec is not applied here; it is the default --density of commands given --synthetic.")
public final class SyntheticCommand implements Callable<Integer> {
    @Option(names = "--spec", paramLabel = "[CELL[*L]:]I,H,P[,density[,seed]]", required = true,
            description = "cell (lstmp, lstm, gru), layers, dims and seed")
    String spec;

    @Option(names = "--frames", paramLabel = "T", defaultValue = "100", description = "frames (default ${DEFAULT-VALUE})")
    int frames;

    @Option(names = "--cell", paramLabel = "lstmp|lstm|gru",
            description = "the cell, as a CELL: prefix of --spec would give it (P becomes H without projection)")
    String cell;

    @Option(names = "--layers", paramLabel = "L", description = "layers, as a *L in the --spec prefix would give them")
    Integer layers;

    @Option(names = "--no-peepholes", description = "omit the peephole vectors")
    boolean noPeepholes;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "output folder (replaced)")
    Path out;

    @Mixin
    ForceOption force;

    @Override
    public Integer call() {
        SyntheticSpec s = SyntheticSpec.parse(spec);
        if ((cell != null || layers != null) && spec.contains(":")) {
            throw new EsegenException("--cell and --layers restate what the --spec prefix '" + spec.substring(0,
                    spec.indexOf(':')) + ":' gives; use one of them");
        }
        if (cell != null) {
            s = s.withCell(CellKind.parse(cell, "--cell"));
        }
        if (layers != null) {
            s = s.withLayers(layers);
        }
        if (frames < 1) {
            throw new EsegenException("--frames " + frames + " must be at least 1");
        }
        MemoryBudget.require("--spec " + spec + " --frames " + frames, MemoryBudget.modelBytes(s.denseWeights()) + MemoryBudget.frameBytes(1, frames, s.inputSize(), 0, 0));
        try (OutputFolder folder = force.create("--out", out, "synthetic")) {
            ModelFile.write(s.model(!noPeepholes), folder.resolve("model.safetensors"), Safetensors.Dtype.F32);
            Npy.write(folder.resolve("frames.npy"), SyntheticModel.frames(frames, s.inputSize(), s.seed()), "<f4");
            folder.commit();
        }
        System.out.println("wrote " + out.resolve("model.safetensors") + " and " + out.resolve("frames.npy"));
        return 0;
    }
}
