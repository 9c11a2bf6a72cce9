package org.esegen.cli;

import org.esegen.EsegenException;
import org.esegen.cli.sweep.SweepMerge;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code esegen sweep-merge}: merge the shard folders of one sweep. */
@Command(name = "sweep-merge", mixinStandardHelpOptions = true,
        description = "Merge the folders of `sweep --shard k/n` runs of one sweep into one folder, as if the whole "
                + "grid had run at once (points, results.csv, results.json, report.html). Fails (exit 2) when the "
                + "shards come from different sweeps, overlap, or leave grid points unfinished (unless --partial).")
public final class SweepMergeCommand implements Callable<Integer> {
    @Option(names = "--out", paramLabel = "DIR", required = true, description = "merged sweep folder (replaced)")
    Path out;

    @Parameters(paramLabel = "SHARD_DIR", arity = "1..*", description = "shard folders")
    List<Path> shards;

    @Mixin
    ForceOption force;

    @Option(names = "--partial", description = "merge even when some grid points are not finished in any shard")
    boolean partial;

    @Option(names = "--snr-floor", paramLabel = "DB", defaultValue = "30",
            description = "the report's accuracy floor for the Pareto front, dB (default ${DEFAULT-VALUE})")
    double snrFloor;

    @Override
    public Integer call() {
        if (!Double.isFinite(snrFloor)) {
            throw new EsegenException("--snr-floor " + snrFloor + ": must be a finite number of dB, e.g. 30");
        }
        SweepMerge.Summary s = SweepMerge.merge(out, force.request("--out", "sweep", shards.toArray(Path[]::new)), shards, partial,
                snrFloor);
        System.out.printf("sweep-merge %s: %d of %d points from %d shards (%d failed)%n", s.dir(), s.merged(),
                s.gridPoints(), shards.size(), s.failed());
        if (!s.missing().isEmpty()) {
            System.out.println("not finished in any shard: " + String.join(", ", s.missing()));
        }
        return 0;
    }
}
