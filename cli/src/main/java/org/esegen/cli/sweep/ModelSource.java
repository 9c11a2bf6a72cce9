package org.esegen.cli.sweep;

import org.esegen.EsegenException;
import org.esegen.io.ModelFile;
import org.esegen.io.SyntheticModel;
import org.esegen.io.SyntheticSpec;
import org.esegen.rnn.CellKind;
import org.esegen.rnn.LayerStack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The model a sweep runs: a safetensors file or a synthetic spec, and the target density.
 * Exactly one of {@code file} and {@code synthetic} is set.
 *
 * @param file      LSTMP weights in PyTorch naming, or null
 * @param synthetic synthetic model spec, or null
 * @param density   fraction of matrix weights kept, in (0, 1]
 */
public record ModelSource(Path file, SyntheticSpec synthetic, double density) {

    public ModelSource {
        if ((file == null) == (synthetic == null)) {
            throw new EsegenException("give exactly one of --model and --synthetic");
        }
        if (!(density > 0 && density <= 1)) {
            throw new EsegenException("--density " + density + " is outside (0, 1]");
        }
    }

    /**
     * From the command line.
     *
     * @param density {@code --density}, or null for the synthetic spec's density (or 1 for a file)
     */
    public static ModelSource of(Path file, String synthetic, Double density) {
        SyntheticSpec spec = synthetic == null ? null : SyntheticSpec.parse(synthetic);
        double d = density != null ? density : spec != null ? spec.density() : 1.0;
        return new ModelSource(file == null ? null : file.toAbsolutePath().normalize(), spec, d);
    }

    /** The float model. */
    public LayerStack load() {
        if (file != null) {
            return ModelFile.read(file, null);
        }
        return synthetic.model(true);
    }

    /**
     * The float model of cell {@code cell}: the synthetic spec with that cell ({@link SyntheticSpec#withCell}),
     * or the model file, which must hold that cell.
     */
    public LayerStack load(CellKind cell) {
        if (file != null) {
            LayerStack stack = ModelFile.read(file, null);
            if (stack.cell() != cell) {
                throw new EsegenException("--cells lists " + cell.cliName() + ", but --model " + file + " holds "
                        + stack.cell().cliName() + " layers; a model file sweeps its own cell only");
            }
            return stack;
        }
        return synthetic.withCell(cell).model(true);
    }

    /** The cell swept when {@code --cells} is not given: the file's, or the synthetic spec's. */
    public CellKind defaultCell() {
        return file != null ? ModelFile.read(file, null).cell() : synthetic.cell();
    }

    /** Seed of the synthetic input frames: the synthetic spec's seed, or 1 (as {@code compile}). */
    public long frameSeed() {
        return synthetic != null ? synthetic.seed() : 1;
    }

    /** Short description for reports. */
    public String describe() {
        return file != null ? file.toString()
                : String.format("synthetic %s%d,%d,%d seed %d", synthetic.layers() == 1 ? ""
                        : synthetic.layers() + " layers of ", synthetic.inputSize(), synthetic.hiddenSize(),
                        synthetic.projSize(), synthetic.seed());
    }

    /**
     * What identifies the model in {@code sweep.json}: the file's path and SHA-256, or the synthetic
     * dimensions and seed; and the density. Two sweeps with equal identities run the same model.
     */
    public Map<String, Object> identity() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (file != null) {
            m.put("file", file.toString());
            m.put("sha256", sha256(file));
        } else {
            Map<String, Object> spec = new LinkedHashMap<>();
            spec.put("layers", synthetic.layers());
            spec.put("input_size", synthetic.inputSize());
            spec.put("hidden_size", synthetic.hiddenSize());
            spec.put("proj_size", synthetic.projSize());
            spec.put("seed", synthetic.seed());
            m.put("synthetic", spec);
        }
        m.put("density", density);
        return m;
    }

    private static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                md.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new EsegenException("--model " + file + ": cannot read (" + e.getMessage() + ")", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
