package org.esegen.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.esegen.EsegenException;
import org.esegen.config.AcceleratorConfig;
import org.esegen.io.OutputFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Vivado folder's contents, and clear refusals of designs and options that do not fit. */
class VivadoProjectTest {
    @TempDir
    Path dir;

    @Test
    void outOfContextFolderHoldsTheRtlScriptsConstraintsAndReadme() throws Exception {
        Path folder = StandIn.vivadoFolder(dir, "ooc", StandIn.config("tiny"), Board.NONE, HostBridge.XDMA);

        for (String file : List.of("README.md", "settings.tcl", "synth_ooc.tcl", "esegen_vivado.tcl", "config.json",
                "params.json", "rtl/filelist.f", "rtl/EseAccelerator.v", "constraints/esegen_ooc.xdc")) {
            assertTrue(Files.isRegularFile(folder.resolve(file)), file);
        }
        for (String boardFile : List.of("build.tcl", "rtl/KU3Top.v", "constraints/adm-pcie-ku3.xdc", "lint/ip_stubs.v")) {
            assertFalse(Files.exists(folder.resolve(boardFile)), boardFile + " belongs to board builds only");
        }
        String settings = Files.readString(folder.resolve("settings.tcl"));
        assertTrue(settings.contains("set esegen(part)       {xcku060-ffva1156-2-e}"), settings);
        assertTrue(settings.contains("set esegen(top)        {EseAccelerator}"), settings);
        assertTrue(Files.readString(folder.resolve("config.json")).contains("\"pesPerChannel\" : 4"));
        String readme = Files.readString(folder.resolve("README.md"));
        assertTrue(readme.contains("vivado -mode batch -source synth_ooc.tcl"), readme);
        assertTrue(readme.contains("single-clock design: there is no clock-domain crossing"), readme);
        assertTrue(readme.contains("Only a Vivado run can confirm"), readme);
        assertFalse(readme.contains("build.tcl"), readme);
    }

    @Test
    void boardFolderAddsTheWrapperItsConstraintsTheBuildScriptAndTheChecklist() throws Exception {
        Path folder = StandIn.vivadoFolder(dir, "ku3", StandIn.ku3Config(), Board.ADM_PCIE_KU3, HostBridge.JTAG);

        for (String file : List.of("build.tcl", "rtl/KU3Top.v", "constraints/adm-pcie-ku3.xdc", "constraints/ku3_top.xdc",
                "lint/ip_stubs.v", VivadoProject.LINT_WAIVERS)) {
            assertTrue(Files.isRegularFile(folder.resolve(file)), file);
        }
        assertFalse(Files.exists(folder.resolve("constraints/adm-pcie-ku3-pcie.xdc")), "no PCIe pins without XDMA");
        String settings = Files.readString(folder.resolve("settings.tcl"));
        assertTrue(settings.contains("set esegen(host)       {jtag}"), settings);
        String readme = Files.readString(folder.resolve("README.md"));
        assertTrue(readme.contains("vivado -mode batch -source build.tcl"), readme);
        assertTrue(readme.contains("MT18KSF1G72HZ-1G6"), "the memory settings to check are listed");
        assertTrue(readme.contains("TODO(user)"), readme);
    }

    @Test
    void primitiveModelsGoToTheLintFolderNotToTheRtl() throws Exception {
        AcceleratorConfig config = StandIn.ku3Config();
        GeneratedDesign design = StandIn.write(config, dir.resolve("dsp-design"));
        Path models = Files.createDirectories(design.folder().resolve(GeneratedDesign.SIMULATION_DIR));
        Files.writeString(models.resolve("DSP48E2.v"), "module DSP48E2(input wire CLK); endmodule\n");
        assertEquals(design.sources().size() + 1, design.simulationSources().size());
        Path folder = dir.resolve("dsp");
        try (OutputFolder out = OutputFolder.create(folder)) {
            VivadoProject.write(design, config, new VivadoProject.Options(Board.ADM_PCIE_KU3, HostBridge.JTAG,
                    VivadoProject.DEFAULT_PART), out);
            out.commit();
        }
        assertTrue(Files.isRegularFile(folder.resolve("lint/DSP48E2.v")));
        assertFalse(Files.exists(folder.resolve("rtl/DSP48E2.v")));
        assertFalse(Files.exists(folder.resolve("rtl/sim")));
        assertFalse(Files.readString(folder.resolve("rtl/filelist.f")).contains("DSP48E2"));
        String readme = Files.readString(folder.resolve("README.md"));
        assertTrue(readme.contains(VivadoProject.LINT_WAIVERS + " rtl/KU3Top.v lint/ip_stubs.v lint/DSP48E2.v"), readme);
    }

    @Test
    void refusesADesignThatBreaksThePortContractNamingThePort() throws Exception {
        GeneratedDesign design = StandIn.write(StandIn.ku3Config(), dir.resolve("design"));
        AcceleratorConfig wider = StandIn.config("tiny", "axiDataBits=512", "axiAddrBits=34");

        EsegenException e = assertThrows(EsegenException.class, () -> write(design, wider,
                new VivadoProject.Options(Board.ADM_PCIE_KU3, HostBridge.XDMA, VivadoProject.DEFAULT_PART)));

        assertTrue(e.getMessage().contains("m_axi_awaddr is output 33 bit(s), expected output 34"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("out")), "nothing written");
    }

    @Test
    void refusesPartsThatAreNotPartsOrDoNotFitTheBoard() {
        EsegenException notAPart = assertThrows(EsegenException.class,
                () -> new VivadoProject.Options(Board.NONE, HostBridge.XDMA, "ku060"));
        assertTrue(notAPart.getMessage().contains("--part ku060"), notAPart.getMessage());
        EsegenException wrongBoard = assertThrows(EsegenException.class,
                () -> new VivadoProject.Options(Board.ADM_PCIE_KU3, HostBridge.XDMA, "xcku040-ffva1156-2-e"));
        assertTrue(wrongBoard.getMessage().contains("adm-pcie-ku3"), wrongBoard.getMessage());
        assertEquals("xcvu9p-flga2104-2l-e",
                new VivadoProject.Options(Board.NONE, HostBridge.XDMA, "xcvu9p-flga2104-2l-e").part());
    }

    @Test
    void filelistsWithToolOptionsOrMissingFilesAreRefused() throws Exception {
        Files.createDirectories(dir.resolve("d"));
        Files.writeString(dir.resolve("d/filelist.f"), "+incdir+inc\n");
        assertTrue(assertThrows(EsegenException.class, () -> GeneratedDesign.read(dir.resolve("d"), "T"))
                .getMessage().contains("not supported"));
        Files.writeString(dir.resolve("d/filelist.f"), "Missing.v\n");
        assertTrue(assertThrows(EsegenException.class, () -> GeneratedDesign.read(dir.resolve("d"), "T"))
                .getMessage().contains("Missing.v"));
    }

    private void write(GeneratedDesign design, AcceleratorConfig config, VivadoProject.Options options) {
        try (OutputFolder out = OutputFolder.create(dir.resolve("out"))) {
            VivadoProject.write(design, config, options, out);
            out.commit();
        }
    }
}
