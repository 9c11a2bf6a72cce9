package org.esegen.testbench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.esegen.EsegenException;
import org.esegen.hdl.EseAccelerator;
import org.esegen.hdl.axi.AxiSignals;

/**
 * Verilates a design together with the C++ harness into an executable, cached under
 * {@code cacheRoot/<top>-D<d>-A<a>-<hash>}. The hash covers the Verilog contents, the harness
 * sources, the Verilator version and every flag, so any change rebuilds and nothing else does.
 * A build runs in a temporary folder and is moved into place only after it succeeded, marked by
 * {@value #MARKER}; a killed build leaves only an unused {@code .tmp-*} folder behind.
 *
 * @param verilogFiles Verilog sources, top module among them
 * @param top          top module name; the C++ class is {@code V<top>}
 * @param dataBits     AXI4 data width D of the top's m_axi port (32..1024, power of two)
 * @param addressBits  AXI4 address width A (32..64)
 * @param cacheRoot    folder holding one sub-folder per build
 * @param parameters   top-level parameter overrides, passed as {@code -G<name>=<value>}
 * @param extraFlags   further Verilator flags, e.g. {@code -Wall} or {@code --threads 2}
 */
public record VerilatorBuild(List<Path> verilogFiles, String top, int dataBits, int addressBits,
                             Path cacheRoot, Map<String, String> parameters, List<String> extraFlags) {

    public static final String MARKER = "BUILD_OK";
    public static final String EXECUTABLE = "obj_dir/harness";
    public static final String LOG = "verilator.log";
    private static final String HARNESS_RESOURCES = "/org/esegen/testbench/harness/";
    private static final List<String> HARNESS_SOURCES = List.of("harness.cpp", "axi_memory.h", "axil_driver.h",
            "exit_codes.h", "verilator_ports.h", "waivers.vlt");
    private static final int BUILD_JOBS = 2;
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** The built harness; {@code buildSeconds} is the time of the original build, also when reused. */
    public record Result(Path executable, Path directory, boolean reused, double buildSeconds) {
        /** Verilator and compiler output of the build, warnings included. */
        public Path log() {
            return directory.resolve(LOG);
        }
    }

    public VerilatorBuild {
        if (verilogFiles.isEmpty()) {
            throw new EsegenException("verilogFiles: at least one Verilog file is required");
        }
        if (!IDENTIFIER.matcher(top).matches()) {
            throw new EsegenException("top: '" + top + "' is not a Verilog identifier");
        }
        if (dataBits < 32 || dataBits > 1024 || Integer.bitCount(dataBits) != 1) {
            throw new EsegenException("dataBits: " + dataBits + " must be a power of two in 32..1024");
        }
        if (addressBits < 32 || addressBits > 64) {
            throw new EsegenException("addressBits: " + addressBits + " must be in 32..64");
        }
        for (String name : parameters.keySet()) {
            if (!IDENTIFIER.matcher(name).matches()) {
                throw new EsegenException("parameters: '" + name + "' is not a Verilog identifier");
            }
        }
        verilogFiles = verilogFiles.stream().map(Path::toAbsolutePath).toList();
        cacheRoot = cacheRoot.toAbsolutePath();
        parameters = Map.copyOf(parameters);
        extraFlags = List.copyOf(extraFlags);
    }

    public static VerilatorBuild of(List<Path> verilogFiles, String top, int dataBits, int addressBits,
                                    Path cacheRoot) {
        return new VerilatorBuild(verilogFiles, top, dataBits, addressBits, cacheRoot, Map.of(), List.of());
    }

    public VerilatorBuild withParameter(String name, Object value) {
        Map<String, String> more = new LinkedHashMap<>(parameters);
        more.put(name, String.valueOf(value));
        return new VerilatorBuild(verilogFiles, top, dataBits, addressBits, cacheRoot, more, extraFlags);
    }

    public VerilatorBuild withFlags(String... flags) {
        List<String> more = new ArrayList<>(extraFlags);
        more.addAll(List.of(flags));
        return new VerilatorBuild(verilogFiles, top, dataBits, addressBits, cacheRoot, parameters, more);
    }

    /** True when {@code verilator --version} runs. */
    public static boolean verilatorAvailable() {
        try {
            verilatorVersion();
            return true;
        } catch (IOException | EsegenException e) {
            return false;
        }
    }

    public Result build() throws IOException, InterruptedException {
        Map<String, byte[]> sources = sourceFiles();
        List<String> flags = flags();
        String key = cacheKey(sources, flags);
        Path target = cacheRoot.resolve(top + "-D" + dataBits + "-A" + addressBits + "-" + key);
        if (Files.exists(target.resolve(MARKER))) {
            return reuse(target);
        }
        Files.createDirectories(cacheRoot);
        Path work = Files.createTempDirectory(cacheRoot, ".tmp-" + key + "-");
        Path sourceDir = Files.createDirectories(work.resolve("src"));
        for (Map.Entry<String, byte[]> source : sources.entrySet()) {
            Files.write(sourceDir.resolve(source.getKey()), source.getValue());
        }
        List<String> command = new ArrayList<>(List.of("verilator"));
        command.addAll(flags);
        command.add("src/waivers.vlt");
        verilogFiles.forEach(file -> command.add(file.toString()));
        command.add("src/harness.cpp");
        Files.write(work.resolve("command.txt"), List.of(String.join(" ", command)));

        long start = System.nanoTime();
        Path log = work.resolve(LOG);
        Process verilator = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        int exit;
        try {
            exit = verilator.waitFor();
        } catch (InterruptedException e) {
            verilator.descendants().forEach(ProcessHandle::destroyForcibly);
            verilator.destroyForcibly();
            throw e;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (exit != 0 || !Files.isExecutable(work.resolve(EXECUTABLE))) {
            throw new EsegenException("Verilator build of " + top + " failed (exit " + exit + "), log "
                    + log + ":\n" + tail(log, 40));
        }
        Files.writeString(work.resolve(MARKER), String.format(Locale.ROOT, "build_seconds=%.3f%n", seconds));
        try {
            Files.move(work, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (!Files.exists(target.resolve(MARKER))) {
                throw e;
            }
            deleteTree(work);
            return reuse(target);
        }
        return new Result(target.resolve(EXECUTABLE), target, false, seconds);
    }

    /** Verilator arguments, apart from the file list. */
    private List<String> flags() {
        List<String> flags = new ArrayList<>(List.of("--cc", "--exe", "--build", "-j", String.valueOf(BUILD_JOBS),
                "-O2", "--trace-fst", "--top-module", top, "--prefix", "V" + top, "--Mdir", "obj_dir",
                "-o", "harness", "-CFLAGS", "-std=gnu++17"));
        parameters.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(parameter -> flags.add("-G" + parameter.getKey() + "=" + parameter.getValue()));
        flags.addAll(extraFlags);
        return flags;
    }

    private Map<String, byte[]> sourceFiles() throws IOException {
        Map<String, byte[]> sources = new LinkedHashMap<>();
        for (String name : HARNESS_SOURCES) {
            try (InputStream in = VerilatorBuild.class.getResourceAsStream(HARNESS_RESOURCES + name)) {
                if (in == null) {
                    throw new EsegenException("harness resource " + HARNESS_RESOURCES + name + " is missing");
                }
                sources.put(name, in.readAllBytes());
            }
        }
        String topHeader = "#pragma once\n"
                + "#include \"V" + top + ".h\"\n"
                + "#define TOP V" + top + "\n"
                + "#define AXI_DATA_BITS " + dataBits + "\n"
                + "#define AXI_ADDR_BITS " + addressBits + "\n";
        sources.put("harness_top.h", topHeader.getBytes(StandardCharsets.UTF_8));
        sources.put(AXI_PORTS_HEADER, axiPortsHeader().getBytes(StandardCharsets.UTF_8));
        return sources;
    }

    /** The generated header that lists the top's AXI ports for the harness's compile-time checks. */
    static final String AXI_PORTS_HEADER = "axi_ports.h";

    /**
     * {@value #AXI_PORTS_HEADER}: every AXI4 and AXI4-Lite port of the accelerator contract, from
     * {@link AxiSignals} (the one table), as {@code X(port, bits)} entries of the macro
     * {@code ESEGEN_AXI_PORTS}; widths that follow the build are the harness's {@code AXI_DATA_BITS}
     * and {@code AXI_ADDR_BITS}.
     */
    static String axiPortsHeader() {
        StringBuilder h = new StringBuilder("#pragma once\n\n"
                + "// Generated by org.esegen.testbench.VerilatorBuild from org.esegen.hdl.axi.AxiSignals; do not edit.\n"
                + "// Every AXI port of the top, X(port, bits): harness.cpp checks each against the verilated top.\n\n"
                + "#define ESEGEN_AXI_PORTS(X) \\\n");
        for (AxiSignals.Signal signal : AxiSignals.of(AxiSignals.Protocol.AXI4)) {
            String bits = switch (signal.width()) {
                case ADDRESS -> "AXI_ADDR_BITS";
                case DATA -> "AXI_DATA_BITS";
                case STROBE -> "(AXI_DATA_BITS / 8)";
                default -> String.valueOf(new AxiSignals.Widths(8, 1, EseAccelerator.MEMORY_ID_BITS)
                        .bits(signal.width()));
            };
            h.append("    X(").append(EseAccelerator.MEMORY_PREFIX).append(signal.name()).append(", ").append(bits)
                    .append(") \\\n");
        }
        for (AxiSignals.Signal signal : AxiSignals.of(AxiSignals.Protocol.AXI4_LITE)) {
            h.append("    X(").append(EseAccelerator.REGISTERS_PREFIX).append(signal.name()).append(", ")
                    .append(EseAccelerator.REGISTER_WIDTHS.bits(signal.width())).append(") \\\n");
        }
        return h.append("\n").toString();
    }

    private String cacheKey(Map<String, byte[]> sources, List<String> flags) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        digestPart(digest, verilatorVersion().getBytes(StandardCharsets.UTF_8));
        for (String flag : flags) {
            digestPart(digest, flag.getBytes(StandardCharsets.UTF_8));
        }
        for (Map.Entry<String, byte[]> source : sources.entrySet()) {
            digestPart(digest, source.getKey().getBytes(StandardCharsets.UTF_8));
            digestPart(digest, source.getValue());
        }
        for (Path file : verilogFiles) {
            digestPart(digest, Files.readAllBytes(file));
        }
        return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
    }

    private static void digestPart(MessageDigest digest, byte[] part) {
        digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(part.length).array());
        digest.update(part);
    }

    private static Result reuse(Path target) throws IOException {
        String marker = Files.readString(target.resolve(MARKER)).trim();
        double seconds = Double.parseDouble(marker.substring(marker.indexOf('=') + 1));
        return new Result(target.resolve(EXECUTABLE), target, true, seconds);
    }

    private static String verilatorVersion() throws IOException {
        Process process = new ProcessBuilder("verilator", "--version").redirectErrorStream(true).start();
        String version = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        try {
            if (process.waitFor() != 0) {
                throw new EsegenException("'verilator --version' failed: " + version);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running verilator --version", e);
        }
        return version;
    }

    private static String tail(Path log, int lines) throws IOException {
        List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
