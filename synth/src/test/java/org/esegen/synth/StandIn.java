package org.esegen.synth;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.esegen.config.AcceleratorConfig;
import org.esegen.config.Presets;
import org.esegen.io.OutputFolder;

/**
 * The stand-in accelerator (src/test/resources/synth/EseAccelerator.v.in) as a generated design
 * folder, until the real generator exists, and the Vivado folders the tests write from it.
 */
final class StandIn {
    private StandIn() {
    }

    /** A preset with {@code --set} overrides. */
    static AcceleratorConfig config(String preset, String... overrides) {
        return Presets.resolve(preset, List.of(overrides));
    }

    /** The tiny preset widened to the KU3's 512-bit memory controllers. */
    static AcceleratorConfig ku3Config() {
        return config("tiny", "axiDataBits=512");
    }

    /** Writes EseAccelerator.v, filelist.f and params.json for {@code config} into {@code dir}. */
    static GeneratedDesign write(AcceleratorConfig config, Path dir) throws IOException {
        int data = config.memory().axiDataBits();
        int address = config.memory().axiAddrBits();
        String verilog;
        try (InputStream in = StandIn.class.getResourceAsStream("/synth/EseAccelerator.v.in")) {
            verilog = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("@DATA_MSB@", String.valueOf(data - 1)).replace("@DATA_BITS@", String.valueOf(data))
                    .replace("@STRB_MSB@", String.valueOf(data / 8 - 1)).replace("@STRB_BITS@", String.valueOf(data / 8))
                    .replace("@ADDR_MSB@", String.valueOf(address - 1)).replace("@ADDR_BITS@", String.valueOf(address));
        }
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("EseAccelerator.v"), verilog);
        Files.writeString(dir.resolve(GeneratedDesign.FILELIST), "# stand-in\nEseAccelerator.v\n");
        Files.writeString(dir.resolve(GeneratedDesign.PARAMS), "{\"standIn\": true}\n");
        return GeneratedDesign.read(dir, AcceleratorPorts.TOP);
    }

    /** A committed Vivado folder {@code dir/name} for the stand-in under {@code config}. */
    static Path vivadoFolder(Path dir, String name, AcceleratorConfig config, Board board, HostBridge host)
            throws IOException {
        GeneratedDesign design = write(config, dir.resolve(name + "-design"));
        Path target = dir.resolve(name);
        try (OutputFolder out = OutputFolder.create(target)) {
            VivadoProject.write(design, config, new VivadoProject.Options(board, host, VivadoProject.DEFAULT_PART), out);
            out.commit();
        }
        return target;
    }
}
