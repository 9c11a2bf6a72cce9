package org.esegen.cli;

import org.esegen.io.Json;
import org.esegen.config.AcceleratorConfig;
import org.esegen.hdl.Generator;
import org.esegen.io.OutputFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code esegen generate}: the accelerator's Verilog for a configuration. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate the accelerator (top EseAccelerator, or DeltaAccelerator with engine=1) for a configuration: Verilog, filelist.f, "
                + "params.json (config, derived values, register map, ports) and config.json. Same config, same bytes.")
public final class GenerateCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "output folder (replaced)")
    Path out;

    @Option(names = "--json", description = "print one JSON object describing the output")
    boolean json;

    @Mixin
    ForceOption force;

    @Override
    public Integer call() {
        long start = System.nanoTime();
        AcceleratorConfig cfg = config.resolve();
        Generator.Result result;
        try (OutputFolder folder = force.create("--out", out, "generate")) {
            folder.write("config.json", Json.pretty(cfg.toFieldMap()));
            result = Generator.generate(cfg, folder.resolve("."));
            folder.commit();
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("top", Generator.top(cfg));
        d.put("out", out.toAbsolutePath().toString());
        d.put("verilog", result.verilog().stream().map(p -> p.getFileName().toString()).toList());
        d.put("file_list", Generator.FILE_LIST);
        d.put("params", Generator.PARAMS);
        d.put("wall_seconds", (System.nanoTime() - start) / 1e9);
        System.out.println(json ? Json.line(d) : "generated " + Generator.top(cfg) + " into " + out + ": " + d.get("verilog"));
        return 0;
    }
}
