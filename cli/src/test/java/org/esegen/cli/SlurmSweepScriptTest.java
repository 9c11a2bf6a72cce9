package org.esegen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * scripts/slurm-sweep.sh with a stand-in sbatch that records its calls: the array and the dependent
 * merge job are submitted as documented, and running the scripts they were given (as Slurm would,
 * one array task per shard, then the merge) yields the whole sweep.
 */
class SlurmSweepScriptTest {
    private static final Path SCRIPT = Path.of(System.getProperty("user.dir")).getParent()
            .resolve("scripts/slurm-sweep.sh");

    @TempDir
    Path dir;
    Path sbatchLog;
    Map<String, String> env;

    @BeforeEach
    void stubs() throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        executable(bin.resolve("esegen"), "#!/bin/sh\nexec '" + java + "' -cp '" + System.getProperty("java.class.path")
                + "' " + Main.class.getName() + " \"$@\"\n");
        sbatchLog = dir.resolve("sbatch.log");
        // --parsable prints "jobid;cluster"; the first call gets job 100, the next 101
        executable(bin.resolve("sbatch"), "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '" + sbatchLog + "'\n"
                + "echo \"$((99 + $(wc -l < '" + sbatchLog + "')));testcluster\"\n");
        env = Map.of("ESEGEN", bin.resolve("esegen").toString(), "SBATCH", bin.resolve("sbatch").toString());
    }

    private static void executable(Path file, String text) throws IOException {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private record Run(int code, String output) {
    }

    private Run bash(Map<String, String> extraEnv, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        pb.environment().putAll(extraEnv);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        return new Run(p.waitFor(), out);
    }

    private List<String> sweepOptions() {
        return SweepCommandTest.SMALL.subList(1, SweepCommandTest.SMALL.size());
    }

    @Test
    void submitsTheArrayAndTheMergeAndTheirScriptsMakeTheWholeSweep() throws Exception {
        Path out = dir.resolve("run");
        List<String> args = new ArrayList<>(List.of(SCRIPT.toString(), "--shards", "3", "--out", out.toString(),
                "--partition", "short", "--sbatch-arg=--account=hw", "--"));
        args.addAll(sweepOptions());
        Run r = bash(Map.of(), args.toArray(String[]::new));
        assertEquals(0, r.code(), r.output());
        List<String> calls = Files.readAllLines(sbatchLog);
        assertEquals(2, calls.size(), calls.toString());
        assertTrue(calls.get(0).contains("--array=1-3"), calls.get(0));
        assertTrue(calls.get(0).contains("--partition=short --account=hw"), calls.get(0));
        assertTrue(calls.get(0).matches(".*--cpus-per-task=2 --mem=[0-9]+M --time=[0-9]+:[0-5][0-9]:[0-5][0-9] .*"),
                "requests derived from the sweep's --estimate: " + calls.get(0));
        assertTrue(calls.get(0).endsWith(out.resolve("slurm/array.sh").toString()), calls.get(0));
        assertTrue(calls.get(1).contains("--dependency=afterany:100 "), calls.get(1));
        assertTrue(calls.get(1).endsWith(out.resolve("slurm/merge.sh").toString()), calls.get(1));
        assertTrue(r.output().contains("array job 100") && r.output().contains("merge job 101"), r.output());

        for (int k = 1; k <= 3; k++) { // what Slurm does with the array
            Run task = bash(Map.of("SLURM_ARRAY_TASK_ID", Integer.toString(k)), out.resolve("slurm/array.sh")
                    .toString());
            assertEquals(0, task.code(), task.output());
            assertTrue(task.output().contains("shard-" + k), task.output());
        }
        Run merge = bash(Map.of(), out.resolve("slurm/merge.sh").toString());
        assertEquals(0, merge.code(), merge.output());
        JsonNode results = new ObjectMapper().readTree(out.resolve("merged/results.json").toFile());
        List<String> ids = new ArrayList<>();
        results.forEach(p -> ids.add(p.get("id").asText()));
        assertEquals(SweepCommandTest.IDS, ids);
        assertTrue(Files.exists(out.resolve("merged/report.html")));
    }

    @Test
    void badUsageAndBadSpecsFailBeforeSubmitting() throws Exception {
        List<String> opts = sweepOptions();
        List<List<String>> bad = List.of(
                List.of("--out", dir.resolve("a").toString(), "--"),
                List.of("--shards", "0", "--out", dir.resolve("a").toString(), "--"),
                List.of("--shards", "2", "--"),
                List.of("--shards", "2", "--out", dir.resolve("a").toString(), "--", "--shard", "1/2"),
                List.of("--shards", "2", "--out", dir.resolve("a").toString(), "--", "--synthetic", "12,20,10",
                        "--pes", ""));
        for (List<String> b : bad) {
            List<String> args = new ArrayList<>(List.of(SCRIPT.toString()));
            args.addAll(b);
            if (b.get(b.size() - 1).equals("--")) {
                args.addAll(opts);
            }
            Run r = bash(Map.of(), args.toArray(String[]::new));
            assertEquals(2, r.code(), b + ": " + r.output());
        }
        assertFalse(Files.exists(sbatchLog), "sbatch was called for a bad request");
    }
}
