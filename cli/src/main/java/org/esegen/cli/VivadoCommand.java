package org.esegen.cli;

import org.esegen.EsegenException;
import org.esegen.config.AcceleratorConfig;
import org.esegen.hdl.Generator;
import org.esegen.io.OutputFolder;
import org.esegen.synth.AcceleratorPorts;
import org.esegen.synth.Board;
import org.esegen.synth.GeneratedDesign;
import org.esegen.synth.HostBridge;
import org.esegen.synth.VivadoProject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code esegen vivado}: generate the accelerator and write a self-contained Vivado folder (see
 * {@link VivadoProject}): out-of-context synthesis always, a full ADM-PCIE-KU3 build with
 * {@code --board adm-pcie-ku3}.
 */
@Command(name = "vivado", mixinStandardHelpOptions = true,
        description = "Generate the accelerator and write a self-contained Vivado folder: RTL, constraints, "
                + "non-project TCL for out-of-context synthesis (synth_ooc.tcl) and, for --board adm-pcie-ku3, "
                + "a board build (build.tcl: DDR3 controllers, host bridge, wrapper, bitstream), and a README.")
public final class VivadoCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Option(names = "--board", paramLabel = "BOARD", defaultValue = "none",
            description = "none (default: out-of-context only) or adm-pcie-ku3")
    String board;

    @Option(names = "--host", paramLabel = "BRIDGE",
            description = "host bridge of a board build: xdma (default; PCIe DMA and AXI-Lite BAR) or jtag "
                    + "(JTAG-to-AXI masters, for bring-up)")
    String host;

    @Option(names = "--part", paramLabel = "PART", defaultValue = VivadoProject.DEFAULT_PART,
            description = "Vivado part (default ${DEFAULT-VALUE}); the scripts also take -tclargs part=...")
    String part;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "output folder (replaced)")
    Path out;

    @Mixin
    ForceOption force;

    private final DesignGenerator generator;

    /** The real generator: {@link Generator#generate}. */
    public VivadoCommand() {
        this(Generator::generate);
    }

    /** @param generator writes the accelerator's Verilog for a configuration */
    public VivadoCommand(DesignGenerator generator) {
        this.generator = generator;
    }

    @Override
    public Integer call() throws IOException {
        Board target = Board.parse(board);
        if (target == Board.NONE && host != null) {
            throw new EsegenException("--host " + host + " applies only to a board build; add --board adm-pcie-ku3");
        }
        VivadoProject.Options options = new VivadoProject.Options(target,
                HostBridge.parse(host == null ? HostBridge.XDMA.cliName() : host), part);
        AcceleratorConfig cfg = config.resolve();
        try (OutputFolder folder = force.create("--out", out, "vivado")) {
            Path generated = Files.createTempDirectory("esegen-rtl-");
            try {
                generator.generate(cfg, generated);
                VivadoProject.write(GeneratedDesign.read(generated, AcceleratorPorts.TOP), cfg, options, folder);
            } finally {
                OutputFolder.deleteTree(generated);
            }
            folder.commit();
        }
        System.out.println("wrote " + out + " (board " + target.cliName()
                + (target == Board.NONE ? "" : ", host " + options.host().cliName()) + ", part " + part + "); run: cd "
                + out + " && vivado -mode batch -source " + (target == Board.NONE ? "synth_ooc.tcl" : "build.tcl"));
        return 0;
    }
}
