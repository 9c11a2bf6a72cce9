package org.esegen.cli;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * scripts/slurm-sweep.sh on a real single-node Slurm cluster (scripts/slurm-local.sh: munged,
 * slurmctld and slurmd from Debian, started in a temporary folder and stopped at the end): a job
 * array of 3 shards and its dependent merge; one array task cancelled with scancel while it runs, so
 * the merge names the points no shard finished; the same command again requeues the sweep, the
 * shards resume (finished points kept, the partial one redone), and the merged folder equals a
 * single-machine run of the same sweep byte for byte (results.csv, results.json, report.html,
 * sweep.json). Long tier (scripts/test.sh -Plong); needs root and the Debian packages bootstrap installs.
 */
@Tag("long")
class SlurmClusterTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static final List<String> SWEEP = List.of("--preset", "tiny", "--synthetic", "12,16,8,0.4", "--pes", "2,4",
            "--weight-bits", "8,12", "--pruning", "ese,cbtd", "--frames", "3", "--no-synth");

    @TempDir
    Path dir;

    private record Run(int code, String output) {
    }

    private Run run(Map<String, String> env, List<String> command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        return new Run(p.waitFor(), out);
    }

    /** A running single-node cluster: the environment to reach it and the launcher its jobs run. */
    private record Cluster(Map<String, String> env, Path esegen) {
    }

    /** Starts the local cluster in {@code dir/cluster} (after checking it can), runs {@code body}, stops it. */
    private void withCluster(ClusterBody body) throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "the local Slurm daemons run as root");
        assumeTrue(run(Map.of(), List.of("sh", "-c", "command -v slurmctld && command -v munged")).code() == 0,
                "slurmctld and munged are installed (scripts/bootstrap.sh)");
        Path cluster = dir.resolve("cluster");
        Path esegen = dir.resolve("esegen");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Files.writeString(esegen, "#!/bin/sh\nexec '" + java + "' -cp '" + System.getProperty("java.class.path")
                + "' " + Main.class.getName() + " \"$@\"\n");
        Files.setPosixFilePermissions(esegen, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> env = Map.of("SLURM_CONF", cluster.resolve("slurm.conf").toString(), "ESEGEN",
                esegen.toString());
        String local = ROOT.resolve("scripts/slurm-local.sh").toString();
        Run started = run(Map.of(), List.of("bash", local, "start", cluster.toString()));
        assertEquals(0, started.code(), started.output());
        try {
            body.run(new Cluster(env, esegen));
        } finally {
            Run stopped = run(Map.of(), List.of("bash", local, "stop", cluster.toString()));
            assertEquals(0, stopped.code(), stopped.output());
        }
    }

    @FunctionalInterface
    private interface ClusterBody {
        void run(Cluster cluster) throws Exception;
    }

    @Test
    void aRealJobArrayKilledAndRequeuedMergesToTheSingleMachineSweep() throws Exception {
        withCluster(c -> {
            Map<String, String> env = c.env();
            Path esegen = c.esegen();
            Path out = dir.resolve("sweep");
            List<String> submit = new ArrayList<>(List.of("bash", ROOT.resolve("scripts/slurm-sweep.sh").toString(),
                    "--shards", "3", "--out", out.toString(), "--cpus", "1", "--mem", "1G", "--time", "30:00", "--"));
            submit.addAll(SWEEP);
            Run first = run(env, submit);
            assertEquals(0, first.code(), first.output());
            String cancelled = cancelShardTwoWhileItRuns(env);
            waitForTheQueueToEmpty(env);
            String merge = Files.readString(out.resolve("slurm/merge.log"));
            System.out.println("cancelled " + cancelled + "; merge: " + merge.strip());
            assertTrue(merge.contains("not finished in the shards given"), merge);

            Run again = run(env, submit);
            assertEquals(0, again.code(), again.output());
            waitForTheQueueToEmpty(env);
            String shardTwo = Files.readString(out.resolve("slurm/shard-2.log"));
            assertTrue(shardTwo.contains("partial redone") || shardTwo.contains("found finished"), shardTwo);

            Path single = dir.resolve("single");
            List<String> whole = new ArrayList<>(List.of(esegen.toString(), "sweep"));
            whole.addAll(SWEEP);
            whole.addAll(List.of("--out", single.toString()));
            Run alone = run(Map.of(), whole);
            assertEquals(0, alone.code(), alone.output());
            for (String file : List.of("results.csv", "results.json", "report.html", "sweep.json")) {
                assertArrayEquals(Files.readAllBytes(single.resolve(file)),
                        Files.readAllBytes(out.resolve("merged").resolve(file)), file);
            }
        });
    }

    /**
     * {@code slurm-sweep.sh --search}: a design search whose shortlist is measured by a job array of two
     * slices and picked by the dependent job picks what one machine picks, with the same files.
     */
    @Test
    void aSearchOnTheClusterPicksWhatOneMachinePicks() throws Exception {
        withCluster(c -> {
            Path syn = dir.resolve("syn");
            Run made = run(Map.of(), List.of(c.esegen().toString(), "synthetic", "--spec", "12,20,10,1.0,5", "--frames",
                    "12", "--out", syn.toString()));
            assertEquals(0, made.code(), made.output());
            List<String> search = List.of("--preset", "tiny", "--model", syn.resolve("model.safetensors").toString(),
                    "--frames", syn.resolve("frames.npy").toString(), "--pes", "2,4", "--channels", "1",
                    "--weight-bits", "8", "--pruning", "global", "--densities", "1", "--stores", "ddr", "--min-snr", "20",
                    "--budget-points", "2", "--frames-per-point", "2");
            Path out = dir.resolve("search-cluster");
            List<String> submit = new ArrayList<>(List.of("bash", ROOT.resolve("scripts/slurm-sweep.sh").toString(),
                    "--search", "--shards", "2", "--out", out.toString(), "--cpus", "1", "--mem", "2G", "--time",
                    "30:00", "--"));
            submit.addAll(search);
            Run submitted = run(c.env(), submit);
            assertEquals(0, submitted.code(), submitted.output());
            waitForTheQueueToEmpty(c.env());
            System.out.println(Files.readString(out.resolve("slurm/merge.log")));
            Path single = dir.resolve("search-single");
            List<String> whole = new ArrayList<>(List.of(c.esegen().toString(), "search"));
            whole.addAll(search);
            whole.addAll(List.of("--out", single.toString()));
            Run alone = run(Map.of(), whole);
            assertEquals(0, alone.code(), alone.output());
            for (String file : List.of("best.json", "candidates.json", "report.html")) {
                assertArrayEquals(Files.readAllBytes(single.resolve(file)),
                        Files.readAllBytes(out.resolve("search").resolve(file)), file);
            }
        });
    }

    /** Waits until array task 2 runs, lets it work 3 s, and cancels it; returns its job id. */
    private String cancelShardTwoWhileItRuns(Map<String, String> env) throws Exception {
        for (int i = 0; i < 600; i++) {
            Run q = run(env, List.of("squeue", "-h", "-o", "%i %t"));
            for (String line : q.output().split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length == 2 && f[0].endsWith("_2") && f[1].equals("R")) {
                    Thread.sleep(3000);
                    Run c = run(env, List.of("scancel", f[0]));
                    assertEquals(0, c.code(), c.output());
                    return f[0];
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("array task 2 never ran");
    }

    private void waitForTheQueueToEmpty(Map<String, String> env) throws Exception {
        for (int i = 0; i < 1800; i++) {
            if (run(env, List.of("squeue", "-h")).output().isBlank()) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the queue did not empty within 15 minutes");
    }
}
