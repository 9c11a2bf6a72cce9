package org.esegen.hdl.spinal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.esegen.EsegenException;
import scala.Console$;
import scala.jdk.javaapi.CollectionConverters;
import spinal.core.ClockDomainConfig;
import spinal.core.Component;
import spinal.core.HIGH$;
import spinal.core.RISING$;
import spinal.core.SYNC$;
import spinal.core.SpinalConfig;
import spinal.core.SpinalConfig$;
import spinal.core.SpinalReport;
import spinal.core.Verilog$;

/**
 * Runs SpinalHDL elaboration and writes Verilog.
 *
 * <p>The output is one file per top, {@code <topName>.v}, holding the top module and every module
 * below it. Its bytes are a function of the builders' hardware only: no date, no output path, no
 * git hash (SpinalHDL's default header carries the hash of whatever git repository the JVM runs
 * in), no source line numbers in names; ROM contents are inlined as {@code initial} blocks (no
 * {@code .bin} files). Every module has one clock {@code clk} (rising edge) and a synchronous,
 * active-high {@code reset}. Logic that drives nothing is removed, down to child outputs the
 * parent leaves unconnected, so the Verilog lints clean. Signals may be up to
 * {@value #BIT_VECTOR_WIDTH_MAX} bits wide.
 */
public final class VerilogEmitter {

    /**
     * Widest signal allowed (SpinalHDL's default is 4096 bits): a section row of the ESE
     * configuration, 512 activations of 16 bits, is 8192.
     */
    public static final int BIT_VECTOR_WIDTH_MAX = 1 << 18;

    private VerilogEmitter() {
    }

    /**
     * Elaborates the component {@code top} supplies and writes its Verilog into {@code targetDir}.
     *
     * @param targetDir where to write; created if missing
     * @param topName   the top module's name and the file's base name
     * @param top       constructs the top component; called only here, and called a second time
     *                  if the first elaboration fails (SpinalHDL retries to locate the error)
     * @return the files written, the top's file first. SpinalHDL's console log is kept out of
     *         stdout; if it holds a warning, it is printed to stderr
     * @throws EsegenException if elaboration fails; the message carries SpinalHDL's report
     */
    public static List<Path> emit(Path targetDir, String topName, Supplier<? extends Component> top) {
        return emit(targetDir, topName, top, false);
    }

    /**
     * As {@link #emit(Path, String, Supplier)}; with {@code privateNamespace} every module below the
     * top is named {@code <topName>_<module>}, so the file can sit beside other generated Verilog
     * (whose StreamFifo, say, differs) in one design.
     */
    public static List<Path> emit(Path targetDir, String topName, Supplier<? extends Component> top,
                                  boolean privateNamespace) {
        try {
            Files.createDirectories(targetDir);
        } catch (IOException e) {
            throw new EsegenException("cannot create Verilog output folder " + targetDir + ": " + e.getMessage(), e);
        }
        SpinalConfig config = privateNamespace ? spinalConfig(targetDir).withPrivateNamespace()
                : spinalConfig(targetDir);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        SpinalReport<Component> report;
        try (PrintStream logStream = new PrintStream(log, true, StandardCharsets.UTF_8)) {
            report = Console$.MODULE$.withOut(logStream, () -> Console$.MODULE$.withErr(logStream,
                    () -> config.generateVerilog(() -> {
                        Component component = top.get();
                        component.postInitCallback();
                        component.setDefinitionName(topName, false);
                        return component;
                    })));
        } catch (Exception | AssertionError e) {
            throw new EsegenException("Verilog generation of " + topName + " failed: " + e
                    + "\nSpinalHDL log:\n" + log.toString(StandardCharsets.UTF_8), e);
        }
        List<String> warnings = log.toString(StandardCharsets.UTF_8).lines()
                .filter(line -> line.contains("[Warning]") && !line.contains(PRUNED_NOTICE)).toList();
        if (!warnings.isEmpty()) {
            System.err.println("SpinalHDL warned while generating " + topName + ":\n" + String.join("\n", warnings));
        }
        List<Path> files = new ArrayList<>();
        for (String file : CollectionConverters.asJava(report.generatedSourcesPaths())) {
            files.add(Path.of(file));
        }
        return files;
    }

    /** SpinalHDL's notice that removePruned dropped unread signals: expected, not a warning to pass on. */
    private static final String PRUNED_NOTICE = "signals were pruned";

    /** SpinalHDL's default configuration with the changes described in the class comment. */
    private static SpinalConfig spinalConfig(Path targetDir) {
        ClockDomainConfig clocking = new ClockDomainConfig(RISING$.MODULE$, SYNC$.MODULE$, HIGH$.MODULE$,
                HIGH$.MODULE$, HIGH$.MODULE$);
        return spinalConfig(Map.ofEntries(
                Map.entry("mode", Verilog$.MODULE$),
                Map.entry("targetDirectory", targetDir.toString()),
                Map.entry("defaultConfigForClockDomains", clocking),
                Map.entry("oneFilePerComponent", false),
                Map.entry("inlineRom", true),
                Map.entry("headerWithDate", false),
                Map.entry("headerWithRepoHash", false),
                Map.entry("nameWhenByFile", false),
                Map.entry("genLineComments", false),
                Map.entry("removePruned", true),
                Map.entry("bitVectorWidthMax", BIT_VECTOR_WIDTH_MAX)));
    }

    /**
     * Builds a {@code SpinalConfig} through its case-class constructor: every field takes the
     * Scala default ({@code SpinalConfig.apply$default$N}) unless {@code changes} names it.
     */
    private static SpinalConfig spinalConfig(Map<String, Object> changes) {
        try {
            Constructor<?> constructor = SpinalConfig.class.getConstructors()[0];
            Object[] arguments = new Object[constructor.getParameterCount()];
            for (int i = 0; i < arguments.length; i++) {
                Method fieldDefault = SpinalConfig$.class.getMethod("apply$default$" + (i + 1));
                arguments[i] = fieldDefault.invoke(SpinalConfig$.MODULE$);
            }
            List<String> fieldNames = CollectionConverters.asJava(
                    ((SpinalConfig) constructor.newInstance(arguments)).productElementNames().toList());
            for (Map.Entry<String, Object> change : changes.entrySet()) {
                int index = fieldNames.indexOf(change.getKey());
                if (index < 0) {
                    throw new IllegalStateException("SpinalConfig has no field " + change.getKey());
                }
                arguments[index] = change.getValue();
            }
            return (SpinalConfig) constructor.newInstance(arguments);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("SpinalConfig does not have the case-class shape of SpinalHDL 1.14", e);
        }
    }
}
