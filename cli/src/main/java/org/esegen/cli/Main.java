package org.esegen.cli;

import org.esegen.EsegenException;
import org.esegen.io.OutputFolder;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code esegen} command: one subcommand per job. */
@Command(name = "esegen", mixinStandardHelpOptions = true, version = "esegen 0.1.0",
        description = "Sparse-LSTM accelerator generator after ESE (FPGA 2017): prune, quantize, compile, "
                + "run bit-exactly.",
        subcommands = {RunCommand.class, BenchCommand.class, CompileCommand.class, GenerateCommand.class, CosimCommand.class,
                InferCommand.class, SynthCommand.class, VivadoCommand.class, SweepCommand.class, SearchCommand.class,
                SweepMergeCommand.class, SyntheticCommand.class, DatasetCommand.class, FeaturesCommand.class, TrainCommand.class, CompressCommand.class, EvaluateCommand.class,
                PresetsCommand.class,
                RegistersCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {

    /** Exit code of an internal error (a bug), as opposed to bad input (2). */
    public static final int EXIT_INTERNAL = 1;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Run the CLI and return its exit code: 0 success, 2 bad input or usage, 1 internal error. */
    public static int execute(String... args) {
        return commandLine(new Main()).execute(args);
    }

    /**
     * A command line for {@code command} with esegen's error handling: an {@link EsegenException}
     * prints its message and exits {@value EsegenException#EXIT_CODE}, anything else is an internal
     * error ({@value #EXIT_INTERNAL}).
     */
    static CommandLine commandLine(Object command) {
        CommandLine cl = new CommandLine(command);
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof EsegenException) {
                commandLine.getErr().println("esegen: error: " + e.getMessage());
                return EsegenException.EXIT_CODE;
            }
            String io = OutputFolder.describe(e);
            if (io.startsWith("no space left on device")) {
                commandLine.getErr().println("esegen: error: " + io + "; free some space and run again (nothing "
                        + "half-written is kept: output folders are written aside and moved into place when complete)");
                return EsegenException.EXIT_CODE;
            }
            commandLine.getErr().println("esegen: internal error: " + e);
            e.printStackTrace(commandLine.getErr());
            return EXIT_INTERNAL;
        });
        return cl;
    }
}
