package org.esegen.cli;

import org.esegen.io.Json;
import org.esegen.EsegenException;
import org.esegen.config.AcceleratorConfig;
import org.esegen.hdl.Generator;
import org.esegen.synth.GeneratedDesign;
import org.esegen.synth.LogicPath;
import org.esegen.synth.Resources;
import org.esegen.synth.YosysEstimate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code esegen synth}: generate the accelerator for a configuration and estimate it with Yosys for
 * the XCKU060: resources per module and in total, percent of the device, and the deepest logic
 * path. The generated RTL and Yosys' script, log and raw outputs stay in the work folder, whose
 * path is printed.
 */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = "Generate the accelerator and estimate it with Yosys (synth_xilinx -family xcu): LUT, FF, "
                + "DSP48E2, RAMB36E2/RAMB18E2 per module and in total, percent of the XCKU060, and the deepest "
                + "register-to-register path in logic levels with its start and end. Estimates, not Vivado figures.")
public final class SynthCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Option(names = "--json", description = "print one JSON object with the figures")
    boolean json;

    @Option(names = "--work", paramLabel = "DIR",
            description = "folder for the generated RTL and Yosys' files (default: a new temporary folder, kept)")
    Path work;

    private final DesignGenerator generator;

    /** The real generator: {@link Generator#generate}. */
    public SynthCommand() {
        this(Generator::generate);
    }

    /** @param generator writes the accelerator's Verilog for a configuration */
    public SynthCommand(DesignGenerator generator) {
        this.generator = generator;
    }

    @Override
    public Integer call() throws IOException {
        AcceleratorConfig cfg = config.resolve();
        Path folder = work != null ? work : Files.createTempDirectory("esegen-synth-");
        if (Files.exists(folder.resolve("rtl")) || Files.exists(folder.resolve("yosys"))) {
            throw new EsegenException("--work " + folder + " already holds rtl/ or yosys/; give an empty or new folder");
        }
        generator.generate(cfg, folder.resolve("rtl"));
        GeneratedDesign design = GeneratedDesign.read(folder.resolve("rtl"), Generator.top(cfg));
        YosysEstimate estimate = YosysEstimate.run(design.sources(), design.top(), folder.resolve("yosys"));
        if (json) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("config", cfg.toFieldMap());
            line.putAll(Json.toMap(estimate));
            System.out.println(Json.line(line));
        } else {
            System.out.print(table(estimate));
        }
        return 0;
    }

    /** The human-readable report: one row per module, the total, the device share and the path. */
    static String table(YosysEstimate e) {
        StringBuilder s = new StringBuilder();
        s.append("Yosys estimate of ").append(e.top()).append(" for ").append(e.device().part())
                .append(" (synth_xilinx -family xcu; ").append(e.yosysVersion()).append(")\n");
        String row = "%-28s %6s %9s %8s %9s %6s %7s %7s%n";
        s.append(String.format(Locale.ROOT, row, "module", "inst", "LUT", "LUTmem", "FF", "DSP", "RAMB36", "RAMB18"));
        for (YosysEstimate.ModuleUsage m : e.modules()) {
            s.append(line(row, m.module(), String.valueOf(m.instances()), m.total()));
        }
        s.append(line(row, "total", "", e.total()));
        s.append(String.format(Locale.ROOT, "%% of the XCKU060: LUT %.2f (logic and memory), FF %.2f, DSP %.2f, "
                        + "BRAM36 %.2f (%.1f BRAM36 equivalents)%n", e.percentOfDevice().lut(), e.percentOfDevice().ff(),
                e.percentOfDevice().dsp(), e.percentOfDevice().bram36(), e.total().bram36()));
        LogicPath p = e.deepestPath();
        if (p == null) {
            s.append("deepest path: none (the design has no combinational logic)\n");
        } else {
            s.append(String.format(Locale.ROOT, "deepest path: %d logic levels (%d LUT), %s%n", p.levels(), p.lutLevels(),
                    p.registerToRegister() ? "register to register" : "through a top-level port"));
            s.append("  from ").append(p.start().net()).append(p.start().kind() == LogicPath.EndpointKind.PORT ? " (port)" : "")
                    .append('\n');
            s.append("  to   ").append(p.end().net())
                    .append(p.end().cell().isEmpty() ? (p.end().kind() == LogicPath.EndpointKind.PORT ? " (port)"
                            : " (block RAM or DSP input)") : " (captured by " + p.end().cell() + ")")
                    .append('\n');
        }
        s.append("yosys log: ").append(e.log()).append('\n');
        return s.toString();
    }

    private static String line(String format, String name, String instances, Resources r) {
        return String.format(Locale.ROOT, format, name, instances, r.lut(), r.lutMemory(), r.ff(), r.dsp(), r.ramb36(),
                r.ramb18());
    }
}
