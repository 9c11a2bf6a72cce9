package org.esegen.hdl;

import org.esegen.EsegenException;
import org.esegen.compile.ImageLayout;
import org.esegen.compile.LaneRows;
import org.esegen.compile.RegisterMap;
import org.esegen.config.AcceleratorConfig;
import org.esegen.hdl.spinal.VerilogEmitter;
import org.esegen.hdl.units.Dsp48e2;
import org.esegen.hdl.units.Sequencer;
import org.esegen.io.Json;
import org.esegen.quant.ActivationTables;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Generates the accelerator of one configuration: the Verilog of {@link EseAccelerator} (or of
 * {@link DeltaAccelerator} with {@code engine = 1}, {@link CirculantAccelerator} with {@code engine = 2}), the file
 * list a simulator or synthesis tool reads, and {@code params.json}, which tells the other tools
 * everything they need to agree with the hardware.
 *
 * <p>Output (in {@code outDir}, created if missing; files of the same names are replaced):
 * <ul>
 *   <li>{@code <top>.v} ({@link #top}): the top module and every module below it;</li>
 *   <li>{@value #FILE_LIST}: the Verilog files, one name per line, relative to the folder;</li>
 *   <li>{@value #SIMULATION_DIR}{@code /}: behavioral models of the device primitives the design
 *       instantiates ({@code DSP48E2.v} with {@code dspAccumulate = 1}), for Verilator and Icarus only:
 *       not in the file list, since synthesis and Vivado take the primitives themselves;</li>
 *   <li>{@value #PARAMS}: an object with {@code top} (module name), {@code files} (as in the
 *       file list), {@code config} (every config field, as {@link AcceleratorConfig#toFieldMap}),
 *       {@code derived} (values the hardware computes from the config: entry bits, words per row
 *       of each image section, buffer sizes, lookup-table indexing), {@code registers} (the
 *       {@link RegisterMap}: name, offset, access, description, in offset order) and
 *       {@code ports} (the top's ports as declared: name, direction, width).</li>
 * </ul>
 * The same configuration gives the same bytes: nothing depends on time, paths or the machine.
 */
public final class Generator {
    /** The top module's name with the sparse engine ({@link #top} gives a config's). */
    public static final String TOP = EseAccelerator.NAME;

    /**
     * The top module of {@code config}'s design: {@link EseAccelerator}, with {@code engine = 1} {@link
     * DeltaAccelerator}, with {@code engine = 2} {@link CirculantAccelerator}.
     */
    public static String top(AcceleratorConfig config) {
        return config.deltaEngine() ? DeltaAccelerator.NAME
                : config.circulantEngine() ? CirculantAccelerator.NAME : EseAccelerator.NAME;
    }
    /** Name of the file list. */
    public static final String FILE_LIST = "filelist.f";
    /** Name of the parameter file. */
    public static final String PARAMS = "params.json";
    /** Folder of the primitives' simulation models. */
    public static final String SIMULATION_DIR = "sim";

    private static final Pattern PORT = Pattern.compile(
            "^\\s*(input|output)\\s+(?:wire|reg)?\\s*(?:\\[(\\d+):0\\])?\\s*(\\w+)\\s*,?\\s*$");

    private Generator() {
    }

    /**
     * What {@link #generate} wrote.
     *
     * @param verilog          the design's Verilog, as in the file list (what synthesis reads)
     * @param simulationModels the primitives' behavioral models (empty when none is instantiated)
     */
    public record Result(List<Path> verilog, Path fileList, Path params, List<Path> simulationModels) {
        /** What a simulator reads: the design's Verilog and the primitives' models. */
        public List<Path> simulationSources() {
            List<Path> all = new ArrayList<>(verilog);
            all.addAll(simulationModels);
            return List.copyOf(all);
        }
    }

    /** A port of the top as declared in its Verilog. */
    public record Port(String name, String direction, int width) {
    }

    /**
     * Writes the Verilog, the file list and {@code params.json} of {@code config} into
     * {@code outDir}.
     *
     * @throws EsegenException if the configuration is not supported by the hardware or a file
     *                         cannot be written
     */
    public static Result generate(AcceleratorConfig config, Path outDir) {
        String top = top(config);
        List<Path> verilog = VerilogEmitter.emit(outDir, top, () -> config.deltaEngine() ? new DeltaAccelerator(config)
                : config.circulantEngine() ? new CirculantAccelerator(config) : new EseAccelerator(config));
        List<String> names = verilog.stream().map(file -> file.getFileName().toString()).toList();
        Path fileList = outDir.resolve(FILE_LIST);
        Path params = outDir.resolve(PARAMS);
        Path models = outDir.resolve(SIMULATION_DIR);
        List<Path> simulationModels = new ArrayList<>();
        try {
            if (config.pe().dsp()) {
                simulationModels.add(Dsp48e2.writeSimulationModel(models));
            } else {
                Files.deleteIfExists(models.resolve(Dsp48e2.MODEL_FILE));
            }
            Files.writeString(fileList, String.join("\n", names) + "\n", StandardCharsets.UTF_8);
            List<Port> ports = ports(Files.readString(verilog.get(0), StandardCharsets.UTF_8), top);
            Files.writeString(params, json(params(config, names, ports)) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new EsegenException("cannot write the generated files into " + outDir + ": " + e.getMessage(), e);
        }
        return new Result(verilog, fileList, params, List.copyOf(simulationModels));
    }

    /** The ports of module {@value #TOP} in {@code verilog}, in declaration order. */
    public static List<Port> ports(String verilog) {
        return ports(verilog, TOP);
    }

    /** The ports of module {@code top} in {@code verilog}, in declaration order. */
    public static List<Port> ports(String verilog, String top) {
        Matcher start = Pattern.compile("(?m)^module " + top + " \\(").matcher(verilog);
        if (!start.find()) {
            throw new EsegenException("the generated Verilog has no module " + top);
        }
        String header = verilog.substring(start.end(), verilog.indexOf(");", start.end()));
        List<Port> ports = new ArrayList<>();
        for (String line : header.split("\n")) {
            Matcher port = PORT.matcher(line);
            if (port.matches()) {
                ports.add(new Port(port.group(3), port.group(1), port.group(2) == null ? 1
                        : Integer.parseInt(port.group(2)) + 1));
            }
        }
        return ports;
    }

    /** The content of {@code params.json}. */
    static Map<String, Object> params(AcceleratorConfig config, List<String> files, List<Port> ports) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("top", top(config));
        params.put("files", files);
        params.put("config", config.toFieldMap());
        params.put("derived", derived(config));
        List<Map<String, Object>> registers = new ArrayList<>();
        for (RegisterMap.Register register : RegisterMap.forEngine(config.engine().engine())) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", register.name());
            entry.put("offset", register.offset());
            entry.put("access", register.access().name());
            entry.put("description", register.description());
            registers.add(entry);
        }
        params.put("registers", registers);
        List<Map<String, Object>> portList = new ArrayList<>();
        for (Port port : ports) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", port.name());
            entry.put("direction", port.direction());
            entry.put("width", port.width());
            portList.add(entry);
        }
        params.put("ports", portList);
        return params;
    }

    private static Map<String, Object> derived(AcceleratorConfig config) {
        int wordBits = config.memory().axiDataBits();
        int pes = config.pes();
        int actBits = config.formats().actBits();
        Map<String, Object> derived = new LinkedHashMap<>();
        derived.put("entryBits", config.entryBits());
        derived.put("maxRelativeIndex", config.maxRelativeIndex());
        derived.put("axiDataBytes", config.axiDataBytes());
        derived.put("maxCellsPerPe", config.maxCellsPerPe());
        derived.put("maxProjRowsPerPe", config.maxProjRowsPerPe());
        derived.put("accumulatorsPerPe", config.accumulatorsPerPe());
        derived.put("maxColumns", Sequencer.maxColumns(config));
        derived.put("vectorBufferWords", config.dims().maxInputSize() + config.dims().maxProjSize());
        derived.put("activationFormat", config.activationFormat().toString());
        derived.put("lutIndexBits", ActivationTables.indexBits(config));
        derived.put("lutStepShift", ActivationTables.stepShift(config));
        derived.put("lutInputOffsetRaw", ActivationTables.inputOffsetRaw(config));
        derived.put("clientFifoBeats", EseAccelerator.clientFifoBeats(config));
        Map<String, Object> words = new LinkedHashMap<>();
        int pointerWords = new LaneRows(pes, config.formats().ptrBits(), wordBits).wordsPerRow();
        int entryWords = new LaneRows(pes, config.entryBits(), wordBits).wordsPerRow();
        int paramWords = new LaneRows(pes, actBits, wordBits).wordsPerRow();
        words.put("waPointers", pointerWords);
        words.put("waEntries", entryWords);
        words.put("whrPointers", pointerWords);
        words.put("whrEntries", entryWords);
        words.put("bias", paramWords);
        words.put("peepholes", paramWords);
        words.put("inputAtMaxInputSize", new LaneRows(config.dims().maxInputSize(), actBits, wordBits).wordsPerRow());
        words.put("outputAtMaxProjSize", new LaneRows(config.dims().maxProjSize(), actBits, wordBits).wordsPerRow());
        derived.put("wordsPerRow", words);
        if (config.deltaEngine()) {
            Map<String, Object> delta = new LinkedHashMap<>();
            delta.put("entryBits", config.deltaEntryBits());
            delta.put("rowBits", config.deltaRowBits());
            delta.put("columns", config.deltaColumns());
            delta.put("storeDepth", config.deltaStoreDepth());
            delta.put("storeBram36", config.deltaStoreBram36());
            delta.put("storeWordsPerRow", new LaneRows(pes, config.deltaEntryBits(), wordBits).wordsPerRow());
            delta.put("macs", config.engine().deltaArrays() * pes);
            derived.put("delta", delta);
        }
        if (config.circulantEngine()) {
            int block = config.engine().circulantBlock();
            Map<String, Object> circulant = new LinkedHashMap<>();
            circulant.put("block", block);
            circulant.put("bins", block / 2 + 1);
            circulant.put("spectrumBits", config.circulantWordBits());
            circulant.put("spectrumWordsPerRow", ImageLayout.spectrumPacking(block, config.formats().weightBits(),
                    wordBits).wordsPerRow());
            circulant.put("elementwiseUnits", block);
            circulant.put("projectionEngine", CirculantAccelerator.hasProjection(config));
            derived.put("circulant", circulant);
        }
        return derived;
    }

    private static String json(Object value) {
        return Json.prettyText(value);
    }
}
