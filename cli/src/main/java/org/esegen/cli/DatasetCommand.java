package org.esegen.cli;

import org.esegen.EsegenException;
import org.esegen.io.OutputFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code esegen dataset}: make a speech data set offline. */
@Command(name = "dataset", mixinStandardHelpOptions = true,
        description = "Make a speech data set offline.",
        subcommands = {DatasetCommand.EspeakDigitsCommand.class})
public final class DatasetCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new EsegenException("dataset: name the set to make, e.g. esegen dataset espeak-digits --out DIR");
    }

    /** {@code esegen dataset espeak-digits}. */
    @Command(name = "espeak-digits", mixinStandardHelpOptions = true,
            description = "Spoken digits 0-9 synthesized with espeak-ng (6 voices; speed, pitch and amplitude drawn "
                    + "from the seed), 8 kHz 16-bit mono WAV in FSDD naming, with manifest.csv (path,label,split,"
                    + "speaker). Same seed, same bytes.")
    static final class EspeakDigitsCommand implements Callable<Integer> {
        @Option(names = "--out", paramLabel = "DIR", required = true, description = "output folder (replaced)")
        Path out;

        @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "seed (default ${DEFAULT-VALUE})")
        long seed;

        @Option(names = "--per-digit", paramLabel = "N", defaultValue = "50",
                description = "recordings per digit, 1..10000 (default ${DEFAULT-VALUE}, FSDD's per speaker)")
        int perDigit;

        @Mixin
        ForceOption force;

        @Override
        public Integer call() throws IOException, InterruptedException {
            if (perDigit < 1 || perDigit > 10_000) {
                throw new EsegenException("--per-digit " + perDigit + ": must be in 1..10000");
            }
            String version = EspeakDigits.espeakVersion();
            long start = System.nanoTime();
            try (OutputFolder folder = force.create("--out", out, "espeak-digits")) {
                EspeakDigits.write(folder.resolve("."), seed, perDigit, Runtime.getRuntime().availableProcessors());
                folder.commit();
            }
            System.out.printf("wrote %d recordings (%s) and manifest.csv into %s in %.1f s%n",
                    10 * perDigit, version, out, (System.nanoTime() - start) / 1e9);
            return 0;
        }
    }
}
