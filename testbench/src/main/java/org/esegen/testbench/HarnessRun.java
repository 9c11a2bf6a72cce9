package org.esegen.testbench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.esegen.EsegenException;

/**
 * One run of a built harness in its own folder. Options left unset take the harness defaults
 * (one ADM-PCIE-KU3 DDR3 bank: read latency 40 cycles, write response 20 cycles after the last W
 * beat, 0.8 beats per cycle each way, 8 outstanding bursts each way, timeout 100,000,000 cycles).
 * The folder receives {@code command.txt}, {@code harness.stdout.log}, {@code harness.stderr.log},
 * {@value #REGS_OUT} and the dumps. Exit codes are listed in {@link HarnessExit}.
 */
public final class HarnessRun {
    public static final String REGS_OUT = "regs_out.txt";
    public static final String SCRIPT = "script.txt";

    /**
     * @param registers the script's {@code read} results by name, then the harness counters
     *                  {@code harness.cycles} (all cycles simulated, reset included),
     *                  {@code harness.reset_cycles}, {@code harness.read_bursts}, {@code harness.read_beats},
     *                  {@code harness.write_bursts}, {@code harness.write_beats},
     *                  {@code harness.ar_stall_cycles}, {@code harness.r_backpressure_cycles},
     *                  {@code harness.aw_stall_cycles}, {@code harness.w_stall_cycles},
     *                  {@code harness.b_backpressure_cycles}, {@code harness.read_busy_cycles},
     *                  {@code harness.max_reads_outstanding}, {@code harness.max_writes_outstanding},
     *                  {@code harness.reads_outstanding_at_end}, {@code harness.writes_outstanding_at_end},
     *                  {@code harness.interrupt_cycles}, {@code harness.first_interrupt_cycle} (-1: never);
     *                  empty when the harness stopped before simulating
     * @param dumps     dump name to file, present only when the run exited {@link HarnessExit#OK}
     */
    public record Result(int exitCode, HarnessExit exit, Map<String, Long> registers, Map<String, Path> dumps,
                         Path stdoutLog, Path stderrLog, double runSeconds) {
        public boolean ok() {
            return exit == HarnessExit.OK;
        }

        public String stderr() throws IOException {
            return Files.readString(stderrLog, StandardCharsets.UTF_8);
        }

        public long register(String name) {
            Long value = registers.get(name);
            if (value == null) {
                throw new EsegenException("harness result has no register '" + name + "'; it has "
                        + registers.keySet());
            }
            return value;
        }
    }

    private record Dump(String name, long address, long bytes) {
    }

    private final Path executable;
    private final Path runDirectory;
    private final Map<String, String> options = new LinkedHashMap<>();
    private final List<Dump> dumps = new ArrayList<>();
    private Path scriptFile;
    private RegisterScript script;
    private Duration wallClockTimeout = Duration.ofMinutes(30);

    private HarnessRun(Path executable, Path runDirectory) {
        this.executable = executable.toAbsolutePath();
        this.runDirectory = runDirectory.toAbsolutePath();
    }

    public static HarnessRun of(Path executable, Path runDirectory) {
        return new HarnessRun(executable, runDirectory);
    }

    public static HarnessRun of(VerilatorBuild.Result build, Path runDirectory) {
        return of(build.executable(), runDirectory);
    }

    public HarnessRun script(Path file) {
        this.scriptFile = file.toAbsolutePath();
        this.script = null;
        return this;
    }

    /** The script is written to {@value #SCRIPT} in the run folder. */
    public HarnessRun script(RegisterScript script) {
        this.script = script;
        this.scriptFile = null;
        return this;
    }

    /** Binary image loaded at address 0. */
    public HarnessRun image(Path file) {
        return option("image", file.toAbsolutePath().toString());
    }

    public HarnessRun memoryBytes(long bytes) {
        return option("mem_bytes", Long.toString(bytes));
    }

    /** After the script, memory {@code [address, address + bytes)} goes to file {@code name} in the run folder. */
    public HarnessRun dump(String name, long address, long bytes) {
        if (name.isEmpty() || name.contains("/") || name.equals(REGS_OUT) || name.equals(SCRIPT)) {
            throw new EsegenException("dump name '" + name + "' must be a plain file name other than "
                    + REGS_OUT + " and " + SCRIPT);
        }
        dumps.add(new Dump(name, address, bytes));
        return this;
    }

    public HarnessRun trace(Path fstFile) {
        return option("trace", fstFile.toAbsolutePath().toString());
    }

    public HarnessRun timeoutCycles(long cycles) {
        return option("timeout", Long.toString(cycles));
    }

    public HarnessRun readLatency(int cycles) {
        return option("latency", Integer.toString(cycles));
    }

    public HarnessRun writeLatency(int cycles) {
        return option("write_latency", Integer.toString(cycles));
    }

    public HarnessRun readBeatsPerCycle(double beats) {
        return option("read_beats_per_cycle", Double.toString(beats));
    }

    public HarnessRun writeBeatsPerCycle(double beats) {
        return option("write_beats_per_cycle", Double.toString(beats));
    }

    public HarnessRun maxOutstanding(int bursts) {
        return option("max_outstanding", Integer.toString(bursts));
    }

    public HarnessRun wallClockTimeout(Duration timeout) {
        this.wallClockTimeout = timeout;
        return this;
    }

    /** The harness command line, with absolute paths. */
    public List<String> command() {
        List<String> command = new ArrayList<>(List.of(executable.toString()));
        Path scriptPath = script != null ? runDirectory.resolve(SCRIPT) : scriptFile;
        if (scriptPath == null) {
            throw new EsegenException("harness run in " + runDirectory + ": no register script given");
        }
        command.add("+script=" + scriptPath);
        options.forEach((key, value) -> command.add("+" + key + "=" + value));
        for (Dump dump : dumps) {
            command.add("+dump=" + runDirectory.resolve(dump.name) + ":" + dump.address + ":" + dump.bytes);
        }
        command.add("+regs_out=" + runDirectory.resolve(REGS_OUT));
        return command;
    }

    public Result run() throws IOException, InterruptedException {
        List<String> command = command();
        Files.createDirectories(runDirectory);
        Files.deleteIfExists(runDirectory.resolve(REGS_OUT));
        for (Dump dump : dumps) {
            Files.deleteIfExists(runDirectory.resolve(dump.name));
        }
        if (script != null) {
            script.writeTo(runDirectory.resolve(SCRIPT));
        }
        Files.write(runDirectory.resolve("command.txt"), List.of(String.join(" ", command)));
        Path stdoutLog = runDirectory.resolve("harness.stdout.log");
        Path stderrLog = runDirectory.resolve("harness.stderr.log");

        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).directory(runDirectory.toFile())
                .redirectOutput(stdoutLog.toFile()).redirectError(stderrLog.toFile()).start();
        int exitCode;
        try {
            exitCode = process.waitFor(wallClockTimeout.toMillis(), TimeUnit.MILLISECONDS)
                    ? process.exitValue() : HarnessExit.WALL_CLOCK_TIMEOUT.code();
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly().waitFor();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;

        HarnessExit exit = HarnessExit.of(exitCode);
        Map<String, Path> dumpFiles = new LinkedHashMap<>();
        if (exit == HarnessExit.OK) {
            for (Dump dump : dumps) {
                dumpFiles.put(dump.name, runDirectory.resolve(dump.name));
            }
        }
        return new Result(exitCode, exit, readRegisters(runDirectory.resolve(REGS_OUT)), dumpFiles,
                stdoutLog, stderrLog, seconds);
    }

    private HarnessRun option(String key, String value) {
        options.put(key, value);
        return this;
    }

    private static Map<String, Long> readRegisters(Path file) throws IOException {
        Map<String, Long> registers = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return registers;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length != 2) {
                throw new EsegenException(file + ": malformed line '" + line + "', expected 'NAME VALUE'");
            }
            registers.put(fields[0], Long.parseLong(fields[1]));
        }
        return registers;
    }
}
