package org.esegen.synth;

import org.esegen.EsegenException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A generated design folder: Verilog sources listed in {@value #FILELIST}, a top module, and
 * optionally the generator's {@value #PARAMS}.
 *
 * <p>{@value #FILELIST} holds one path per line, relative to the folder unless absolute; blank lines
 * and lines starting with {@code #} or {@code //} are skipped. Tool options ({@code -f},
 * {@code +incdir+}) are not supported.
 *
 * @param folder  the design folder
 * @param top     top module name
 * @param sources Verilog files, in filelist order
 */
public record GeneratedDesign(Path folder, String top, List<Path> sources) {
    /** The file list a generated folder carries. */
    public static final String FILELIST = "filelist.f";
    /** Subfolder of the device primitives' simulation models, where the generator writes them. */
    public static final String SIMULATION_DIR = org.esegen.hdl.Generator.SIMULATION_DIR;
    /** The generator's parameter export, copied along when present. */
    public static final String PARAMS = "params.json";

    public GeneratedDesign {
        sources = List.copyOf(sources);
    }

    /**
     * Reads {@code folder/filelist.f}.
     *
     * @throws EsegenException when the filelist is missing, uses tool options, or names a file
     *                         that does not exist
     */
    public static GeneratedDesign read(Path folder, String top) {
        Path filelist = folder.resolve(FILELIST);
        List<String> lines;
        try {
            lines = Files.readAllLines(filelist);
        } catch (IOException e) {
            throw new EsegenException("design folder " + folder + " has no readable " + FILELIST + " (" + e.getMessage() + ")", e);
        }
        List<Path> sources = new ArrayList<>();
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith("//")) {
                continue;
            }
            if (line.startsWith("-") || line.startsWith("+")) {
                throw new EsegenException(filelist + ": tool option '" + line + "' is not supported; list files only");
            }
            Path source = folder.resolve(line).normalize();
            if (!Files.isRegularFile(source)) {
                throw new EsegenException(filelist + " names " + line + ", which does not exist");
            }
            sources.add(source);
        }
        if (sources.isEmpty()) {
            throw new EsegenException(filelist + " lists no Verilog file");
        }
        return new GeneratedDesign(folder, top, sources);
    }

    /**
     * The behavioral models of the device primitives the design instantiates, the {@code .v} files of the
     * folder's {@value #SIMULATION_DIR} subfolder in sorted order: for simulators and lint only, never for
     * synthesis (empty when the folder has none).
     */
    public List<Path> simulationModels() {
        Path models = folder.resolve(SIMULATION_DIR);
        if (!Files.isDirectory(models)) {
            return List.of();
        }
        try (java.util.stream.Stream<Path> files = Files.list(models)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".v")).sorted().toList();
        } catch (IOException e) {
            throw new EsegenException("cannot list " + models + ": " + e.getMessage(), e);
        }
    }

    /** What a simulator reads: the sources, then {@link #simulationModels}. */
    public List<Path> simulationSources() {
        List<Path> all = new ArrayList<>(sources);
        all.addAll(simulationModels());
        return List.copyOf(all);
    }

    /** The generator's {@value #PARAMS}, if the folder has one. */
    public Optional<Path> params() {
        Path params = folder.resolve(PARAMS);
        return Files.isRegularFile(params) ? Optional.of(params) : Optional.empty();
    }

    /**
     * The top module's ports, read from the first source that defines it.
     *
     * @throws EsegenException when no source defines the top
     */
    public List<VerilogPort> topPorts() {
        for (Path source : sources) {
            String text;
            try {
                text = Files.readString(source);
            } catch (IOException e) {
                throw new EsegenException("cannot read " + source + ": " + e.getMessage(), e);
            }
            if (java.util.regex.Pattern.compile("\\bmodule\\s+" + java.util.regex.Pattern.quote(top) + "\\b")
                    .matcher(text).find()) {
                return VerilogPorts.of(text, top);
            }
        }
        throw new EsegenException("no source in " + folder.resolve(FILELIST) + " defines module " + top);
    }
}
