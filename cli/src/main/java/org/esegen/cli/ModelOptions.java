package org.esegen.cli;

import org.esegen.EsegenException;
import org.esegen.config.AcceleratorConfig;
import org.esegen.config.MemoryBudget;
import org.esegen.io.ModelFile;
import org.esegen.io.SyntheticSpec;
import org.esegen.rnn.CellKind;
import org.esegen.rnn.LayerStack;
import org.esegen.prune.PruningMethod;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Where the model comes from, and how it is pruned. */
public final class ModelOptions {

    static final class Source {
        @Option(names = "--model", paramLabel = "M.safetensors",
                description = "a state_dict of PyTorch's nn.LSTM(num_layers=L), nn.LSTM(proj_size=P, num_layers=L) or "
                        + "nn.GRU(num_layers=L) as safetensors; the cell follows from the tensors")
        Path model;

        @Option(names = "--synthetic", paramLabel = "[CELL[*L]:]I,H,P[,density[,seed]]",
                description = "seeded synthetic model with trained-network statistics (cell lstmp, lstm or gru, "
                        + "default lstmp; L layers, default 1; density default 0.112, seed default 1)")
        String synthetic;
    }

    @Option(names = "--cell", paramLabel = "lstmp|lstm|gru",
            description = "the cell --model holds, checked against its tensors (default: inferred from them)")
    String cell;

    @ArgGroup(exclusive = true, multiplicity = "1", heading = "Model, one of:%n")
    Source source;

    @Option(names = "--pruning", paramLabel = "METHOD", defaultValue = "ese",
            description = "ese (load-balance-aware, default), cbtd (column-balanced), global (baseline), or none "
                    + "(keep a pruned model's weights as they are; its zeros are the mask)")
    String pruning;

    @Option(names = "--density", paramLabel = "D",
            description = "fraction of matrix weights kept, in (0, 1]; default: the synthetic spec's density, "
                    + "or 1 (no pruning) for --model")
    Double density;

    /** Options for a synthetic model spec (as {@code --synthetic}) pruned by {@code method} (as {@code --pruning}). */
    static ModelOptions synthetic(String spec, String method) {
        ModelOptions options = new ModelOptions();
        options.source = new Source();
        options.source.synthetic = spec;
        options.pruning = method;
        return options;
    }

    /**
     * The float model for {@code config}. A synthetic model is checked against the config's dimensions and
     * the free heap before it is generated.
     */
    public LayerStack load(AcceleratorConfig config) {
        if (source.model != null) {
            return ModelFile.read(source.model, cell == null ? null : CellKind.parse(cell, "--cell"));
        }
        if (cell != null) {
            throw new EsegenException("--cell states the cell of a --model file; a --synthetic spec names its cell "
                    + "itself, e.g. --synthetic gru:120,64,64");
        }
        SyntheticSpec spec = SyntheticSpec.parse(source.synthetic);
        String option = "--synthetic " + source.synthetic;
        config.requireLayersFit(spec.layers(), option);
        config.requireFits(spec.inputSize(), spec.hiddenSize(), spec.projSize(), option);
        MemoryBudget.require(option, MemoryBudget.modelBytes(spec.denseWeights()));
        return spec.model(true);
    }

    /** The model file, or null for a synthetic model. */
    public Path file() {
        return source.model;
    }

    /** Pruning method. */
    public PruningMethod method() {
        return PruningMethod.parse(pruning);
    }

    /** Target density. */
    public double density() {
        double d = density != null ? density
                : source.synthetic != null ? SyntheticSpec.parse(source.synthetic).density() : 1.0;
        if (!(d > 0 && d <= 1)) {
            throw new EsegenException("--density " + d + " is outside (0, 1]");
        }
        return d;
    }

    /** Seed for synthetic input frames: the synthetic spec's seed, or 1. */
    public long frameSeed() {
        return source.synthetic != null ? SyntheticSpec.parse(source.synthetic).seed() : 1;
    }

    /** A short description for reports. */
    public String describe() {
        return source.model != null ? source.model.toString() : "synthetic " + source.synthetic;
    }
}
