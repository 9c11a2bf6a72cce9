package org.esegen.synth;

import com.fasterxml.jackson.databind.JsonNode;

import org.esegen.EsegenException;
import org.esegen.io.Json;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A resource and logic-depth estimate of a design for the Kintex UltraScale XCKU060 by Yosys
 * ({@code synth_xilinx -family xcu}), without Vivado.
 *
 * <p>One Yosys run does both halves. It synthesizes the design keeping its hierarchy and takes
 * {@code stat} per module; then it flattens that same netlist and runs {@code ltp} for the deepest
 * path. So the depth is measured on exactly the cells that were counted. Keeping the hierarchy
 * costs a little: Yosys cannot propagate constants across module boundaries, so counts can be
 * slightly above those of a flattened synthesis.
 *
 * <p>Yosys' {@code ltp} treats every selected cell as combinational from all inputs to all
 * outputs and skips only Yosys-internal flip-flop types ({@code -noff}). Before it runs, the
 * Xilinx flip-flops are therefore rewritten into internal ones, and LUT RAMs and SRLs into a
 * registered write side plus an asynchronous read, by {@code ltp_sequential_map.v} (which explains
 * the models); block RAM, FIFO and UltraRAM cells and DSP48E2 slices with pipeline registers
 * ({@code MREG}, {@code PREG}, or both {@code AREG} and {@code BREG}) are left out of the selection,
 * so paths end at their inputs and start at their outputs. {@code ltp -noff} then prints the path
 * net by net and names the flip-flop capturing its end, which gives the start and end. LUTs are
 * renamed {@code $ltp_lut$N} before ltp so the path's LUT levels can be counted.
 *
 * <p>The path may start or end at a top-level port: out of context a port counts as a register
 * just outside the block, the same assumption the generated out-of-context XDC makes (zero
 * input and output delay on the clock). {@link LogicPath#registerToRegister()} says which it is.
 * The I/O buffers {@code synth_xilinx} would insert are left out ({@code -noiopad -noclkbuf}).
 *
 * <p>The counts are estimates: Yosys maps adders to CARRY4 rather than CARRY8, packs differently
 * and does not retime; the depth counts cells, not delay. The script, its log and the raw outputs
 * are kept in the work folder.
 *
 * @param top          top module
 * @param yosysVersion the Yosys that made the estimate, as it reports itself
 * @param total        resources of the whole design (every instance of every module)
 * @param modules      per module reachable from the top, in Yosys' order
 * @param percentOfDevice share of the XCKU060
 * @param device       the device the percentages refer to
 * @param deepestPath  the longest combinational path; null when the design has no logic
 * @param log          Yosys' log of the run
 */
public record YosysEstimate(String top, String yosysVersion, Resources total, List<ModuleUsage> modules,
                            Device.Utilization percentOfDevice, Device device, LogicPath deepestPath,
                            String log) {

    /** The script written into the work folder and run. */
    public static final String SCRIPT = "estimate.ys";
    /** Yosys' log in the work folder. */
    public static final String LOG = "yosys.log";
    private static final String MAP = "ltp_sequential_map.v";
    private static final String LUT_PREFIX = "$ltp_lut$";
    private static final String ENDPOINT_BUFFER = "ltp_endpoint_buffer";
    private static final String PORT_BUFFER = "$iopadmap$";
    private static final Pattern LTP_HEADER = Pattern.compile("Longest topological path in \\S+ \\(length=(-?\\d+)\\):");
    private static final Pattern LTP_STEP = Pattern.compile("^\\s*(\\d+): (.+?)(?: \\(via (\\S+)\\))?$");
    private static final Pattern LTP_FF = Pattern.compile("^\\s*ff: (.+) \\(via (\\S+)\\)$");

    public YosysEstimate {
        modules = List.copyOf(modules);
    }

    /**
     * One module's share of the design.
     *
     * @param module      module name
     * @param instances   how many times it occurs below the top (1 for the top)
     * @param perInstance primitives directly in one instance, sub-modules not included
     * @param total       {@code perInstance} times {@code instances}; the modules' totals add up to
     *                    the design's
     */
    public record ModuleUsage(String module, long instances, Resources perInstance, Resources total) {
    }

    /**
     * Runs Yosys on {@code sources} and parses its figures.
     *
     * @param sources Verilog files of the design ({@code .sv} files are read as SystemVerilog)
     * @param top     the top module
     * @param workDir folder for the script, the log and Yosys' raw outputs; created if missing
     * @return the estimate
     * @throws EsegenException when Yosys is missing or fails (the message quotes its log), or a
     *                         source file does not exist
     */
    public static YosysEstimate run(List<Path> sources, String top, Path workDir) {
        return run(sources, top, workDir, true);
    }

    /**
     * As {@link #run(List, String, Path)}, with or without the logic depth: without it Yosys stops after the
     * per-module statistics (no flattened copy of the netlist, which on the largest designs needs more memory
     * than the synthesis: a 300 k-LUT design exceeded 23 GB) and {@link #deepestPath} is null.
     *
     * @param depth also flatten and find the deepest path
     */
    public static YosysEstimate run(List<Path> sources, String top, Path workDir, boolean depth) {
        if (!top.matches("[A-Za-z_][A-Za-z0-9_$]*")) {
            throw new EsegenException("top module '" + top + "' is not a Verilog identifier");
        }
        for (Path source : sources) {
            if (!Files.isRegularFile(source)) {
                throw new EsegenException("Verilog source " + source + " does not exist");
            }
        }
        try {
            Files.createDirectories(workDir);
            copyResource(MAP, workDir.resolve(MAP));
            Files.writeString(workDir.resolve(SCRIPT), script(sources, top, depth));
            runYosys(workDir);
            return parse(top, workDir, depth);
        } catch (IOException e) {
            throw new EsegenException("Yosys estimate in " + workDir + " failed: " + e.getMessage(), e);
        }
    }

    /** The Yosys script; every output lands in the working directory. */
    static String script(List<Path> sources, String top) {
        return script(sources, top, true);
    }

    /** The Yosys script, with or without the flattened logic-depth half. */
    static String script(List<Path> sources, String top, boolean depth) {
        StringBuilder s = new StringBuilder("# esegen resource and logic-depth estimate (org.esegen.synth.YosysEstimate)\n");
        for (Path source : sources) {
            String name = source.toAbsolutePath().toString();
            if (name.contains("\"")) {
                throw new EsegenException("Verilog source path " + name + " contains a double quote");
            }
            s.append("read_verilog ").append(name.endsWith(".sv") ? "-sv " : "").append('"').append(name).append("\"\n");
        }
        s.append("synth_xilinx -family xcu -top ").append(top).append(" -noiopad -noclkbuf\n");
        s.append("tee -q -o stat.json stat -json\n");
        if (!depth) {
            return s.toString();
        }
        s.append("# depth: the same netlist, flattened, sequential primitives modelled for ltp\n");
        s.append("techmap -map ").append(MAP).append('\n');
        s.append("flatten\n");
        s.append("iopadmap -bits -outpad $_BUF_ A:Y\n");
        s.append("select -set ltp_dsp_registered t:DSP48E2 r:MREG>0 r:PREG>0 %u r:AREG>0 r:BREG>0 %i %u %i\n");
        s.append("select -set ltp_excluded t:RAMB* t:FIFO* t:URAM* @ltp_dsp_registered %u %u %u\n");
        s.append("rename -enumerate -pattern ").append(LUT_PREFIX).append("% t:LUT*\n");
        s.append("tee -q -o ports.txt select -list ").append(top).append("/x:*\n");
        s.append("tee -q -o ltp.txt ltp -noff w:* t:* @ltp_excluded %d\n");
        return s.toString();
    }

    private static void runYosys(Path workDir) throws IOException {
        Process process;
        try {
            process = new ProcessBuilder("yosys", "-q", "-l", LOG, "-s", SCRIPT).directory(workDir.toFile())
                    .redirectErrorStream(true).redirectOutput(workDir.resolve("yosys.stdout").toFile()).start();
        } catch (IOException e) {
            throw new EsegenException("cannot run yosys (" + e.getMessage() + "); install it with scripts/bootstrap.sh", e);
        }
        try {
            int exit = process.waitFor();
            if (exit != 0) {
                throw new EsegenException("yosys failed (exit " + exit + ") in " + workDir + "; end of "
                        + LOG + ":\n" + tail(workDir.resolve(LOG), 25));
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new EsegenException("interrupted while yosys ran in " + workDir, e);
        }
    }

    /** Yosys 0.23's {@code stat -json} prints a design with submodules' hierarchy as plain text lines. */
    private static final java.util.regex.Pattern HIERARCHY_LINE =
            java.util.regex.Pattern.compile("^\\s+[^\"\\s{}:,]+\\s+\\d+\\s*$");

    /** The JSON of {@code stat -json} without the hierarchy listing Yosys 0.23 writes into it. */
    static String withoutHierarchyText(String statJson) {
        return statJson.lines().filter(line -> !HIERARCHY_LINE.matcher(line).matches())
                .collect(java.util.stream.Collectors.joining("\n"));
    }

    private static YosysEstimate parse(String top, Path workDir, boolean depth) throws IOException {
        JsonNode stat = Json.mapper().readTree(withoutHierarchyText(
                Files.readString(workDir.resolve("stat.json"))));
        Map<String, Map<String, Long>> cellsByModule = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = stat.path("modules").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> module = it.next();
            Map<String, Long> cells = new LinkedHashMap<>();
            module.getValue().path("num_cells_by_type").fields()
                    .forEachRemaining(cell -> cells.put(unescape(cell.getKey()), cell.getValue().asLong()));
            cellsByModule.put(unescape(module.getKey()), cells);
        }
        if (!cellsByModule.containsKey(top)) {
            throw new EsegenException("Yosys statistics in " + workDir + " have no module " + top);
        }
        Map<String, Long> instances = new LinkedHashMap<>();
        countInstances(top, 1, cellsByModule, instances);
        List<ModuleUsage> modules = new ArrayList<>();
        Resources total = Resources.NONE;
        for (String module : cellsByModule.keySet()) {
            if (instances.containsKey(module)) {
                Resources own = Resources.fromCellCounts(cellsByModule.get(module));
                long n = instances.get(module);
                modules.add(new ModuleUsage(module, n, own, own.times(n)));
                total = total.plus(own.times(n));
            }
        }
        String version = stat.path("creator").asText("Yosys (unknown version)");
        LogicPath path = depth ? parsePath(Files.readAllLines(workDir.resolve("ltp.txt")),
                ports(workDir.resolve("ports.txt"))) : null;
        return new YosysEstimate(top, version, total, modules, Device.XCKU060.utilization(total), Device.XCKU060,
                path, workDir.resolve(LOG).toString());
    }

    private static void countInstances(String module, long multiplicity, Map<String, Map<String, Long>> cellsByModule,
                                       Map<String, Long> instances) {
        instances.merge(module, multiplicity, Long::sum);
        for (Map.Entry<String, Long> cell : cellsByModule.get(module).entrySet()) {
            if (cellsByModule.containsKey(cell.getKey())) {
                countInstances(cell.getKey(), multiplicity * cell.getValue(), cellsByModule, instances);
            }
        }
    }

    /** Top-level port names from {@code select -list x:*} ({@code Top/name} per line). */
    private static Set<String> ports(Path list) throws IOException {
        Set<String> ports = new HashSet<>();
        for (String line : Files.readAllLines(list)) {
            int slash = line.indexOf('/');
            if (slash >= 0) {
                ports.add(unescape(line.substring(slash + 1).strip()));
            }
        }
        return ports;
    }

    /**
     * Parses the output of {@code ltp -noff}: a header with the length, one line per net
     * ({@code N: net (via cell)}) and, when a flip-flop captures the last net, a line
     * {@code ff: Q (via cell)}. A last net that only a register's or output port's buffer drives
     * is dropped, with its level (the buffers make real endpoints deeper than unused nets).
     *
     * @param lines the ltp output
     * @param ports top-level port names, to tell ports from sequential cells
     * @return the path, or null when ltp found none (a design without logic)
     */
    static LogicPath parsePath(List<String> lines, Set<String> ports) {
        int length = -1;
        List<LogicPath.Step> steps = new ArrayList<>();
        LogicPath.Endpoint capture = null;
        boolean inPath = false;
        for (String line : lines) {
            Matcher header = LTP_HEADER.matcher(line.strip());
            if (header.matches()) {
                length = Integer.parseInt(header.group(1));
                inPath = true;
                continue;
            }
            if (!inPath) {
                continue;
            }
            Matcher ff = LTP_FF.matcher(line);
            Matcher step = LTP_STEP.matcher(line);
            if (ff.matches()) {
                capture = new LogicPath.Endpoint(netName(ff.group(1)), unescape(ff.group(2)),
                        LogicPath.EndpointKind.SEQUENTIAL);
            } else if (step.matches()) {
                steps.add(new LogicPath.Step(netName(step.group(2)), step.group(3) == null ? "" : unescape(step.group(3))));
            }
        }
        if (length < 1) {
            return null;
        }
        if (steps.size() != length + 1) {
            throw new EsegenException("Yosys ltp reported length " + length + " but listed " + steps.size() + " nets");
        }
        String first = steps.get(0).net();
        LogicPath.Endpoint start = new LogicPath.Endpoint(first, "",
                ports.contains(baseName(first)) ? LogicPath.EndpointKind.PORT : LogicPath.EndpointKind.SEQUENTIAL);
        LogicPath.Step last = steps.get(steps.size() - 1);
        LogicPath.Endpoint end;
        int levels = length;
        if (last.via().contains(ENDPOINT_BUFFER) || last.via().startsWith(PORT_BUFFER)) {
            // The output of a flip-flop's or LUT RAM's input buffer (see ltp_sequential_map.v) or of an
            // output port's buffer: not a logic level of the design.
            steps.remove(steps.size() - 1);
            levels--;
            end = capture != null ? capture : new LogicPath.Endpoint(last.net(), "", LogicPath.EndpointKind.PORT);
        } else {
            // An input of a cell left out of the selection: block RAM, FIFO, UltraRAM, registered DSP.
            end = new LogicPath.Endpoint(last.net(), "", LogicPath.EndpointKind.SEQUENTIAL);
        }
        int lutLevels = (int) steps.stream().filter(s -> s.via().startsWith(LUT_PREFIX)).count();
        return new LogicPath(levels, lutLevels, start, end, steps);
    }

    /** {@code name [3]} to {@code name}. */
    private static String baseName(String net) {
        int bracket = net.lastIndexOf(" [");
        return bracket < 0 ? net : net.substring(0, bracket);
    }

    /** Yosys writes public names with a leading backslash; drop it. */
    private static String unescape(String name) {
        return name.startsWith("\\") ? name.substring(1) : name;
    }

    /**
     * A net name as the user knows it: no leading backslash, and the {@code $iopadmap$} prefix
     * Yosys gives a net once an output port buffer sits between it and the port removed.
     */
    private static String netName(String name) {
        String plain = unescape(name);
        return plain.startsWith(PORT_BUFFER) ? plain.substring(PORT_BUFFER.length()) : plain;
    }

    private static void copyResource(String name, Path target) throws IOException {
        try (InputStream in = YosysEstimate.class.getResourceAsStream("yosys/" + name)) {
            if (in == null) {
                throw new IllegalStateException("resource org/esegen/synth/yosys/" + name + " is missing from the jar");
            }
            Files.write(target, in.readAllBytes());
        }
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
