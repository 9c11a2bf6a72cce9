package org.esegen.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.esegen.EsegenException;
import org.esegen.hdl.spinal.VerilogEmitter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * KU3Top.v lints clean with {@code verilator --lint-only -Wall} together with the accelerator's RTL
 * and the port-only IP stand-ins, using only hdl-gen's waivers (SpinalHDL output) and
 * {@code -Wno-DECLFILENAME} (DESIGN.md; lint/ip_stubs.v holds many modules in one file).
 */
class Ku3TopLintTest {
    @TempDir
    Path dir;

    @Test
    void wrapperWithXdmaLintsClean() throws Exception {
        assertLintsClean(HostBridge.XDMA);
    }

    @Test
    void wrapperWithJtagLintsClean() throws Exception {
        assertLintsClean(HostBridge.JTAG);
    }

    @Test
    void wrapperWithBothBanksSideBySideLintsCleanAndEmbedsTheSplitter() throws Exception {
        assertLintsClean(HostBridge.XDMA, "1024");
        assertLintsClean(HostBridge.JTAG, "1024");
        Ku3Top wrapper = Ku3Top.of(StandIn.config("tiny", "axiDataBits=1024"), HostBridge.XDMA);
        String verilog = wrapper.verilog();
        assertTrue(verilog.contains("\nmodule " + Ku3Top.SPLITTER + " ("), "the splitter's RTL is in KU3Top.v");
        assertTrue(verilog.contains(Ku3Top.SPLITTER + " u_bank_splitter ("), "and instantiated");
        assertFalse(wrapper.ipModules().contains(Ku3Top.SPLITTER), "the splitter is RTL, not IP");
        assertFalse(wrapper.ipStubs().contains("module " + Ku3Top.SPLITTER + " "), "and needs no stand-in");
        assertEquals(1024, wrapper.portBits());
    }

    @Test
    void wrapperRefusesWidthsAndClocksTheBoardCannotCarry() {
        EsegenException narrow = assertThrows(EsegenException.class,
                () -> Ku3Top.of(StandIn.config("tiny"), HostBridge.XDMA));
        assertTrue(narrow.getMessage().contains("axiDataBits is 64"), narrow.getMessage());
        EsegenException clock = assertThrows(EsegenException.class,
                () -> Ku3Top.of(StandIn.config("tiny", "axiDataBits=512", "clockMhz=250"), HostBridge.XDMA));
        assertTrue(clock.getMessage().contains("clockMhz is 250"), clock.getMessage());
        EsegenException wide = assertThrows(EsegenException.class,
                () -> Ku3Top.of(StandIn.config("tiny", "axiDataBits=512", "axiAddrBits=40"), HostBridge.JTAG));
        assertTrue(wide.getMessage().contains("axiAddrBits 40"), wide.getMessage());
    }

    private void assertLintsClean(HostBridge host) throws Exception {
        assertLintsClean(host, "512");
    }

    private void assertLintsClean(HostBridge host, String dataBits) throws Exception {
        Tools.assumeOnPath("verilator");
        for (String addressBits : List.of("33", "34")) {
            Path folder = StandIn.vivadoFolder(dir, host.cliName() + dataBits + "-" + addressBits,
                    StandIn.config("tiny", "axiDataBits=" + dataBits, "axiAddrBits=" + addressBits), Board.ADM_PCIE_KU3,
                    host);
            List<String> command = new ArrayList<>(List.of("verilator", "--lint-only", "-Wall", "-Wno-DECLFILENAME",
                    waivers().toString(), "--top-module", "KU3Top", "rtl/KU3Top.v", "lint/ip_stubs.v"));
            GeneratedDesign.read(folder.resolve("rtl"), AcceleratorPorts.TOP).sources()
                    .forEach(source -> command.add(source.toString()));

            Tools.Result lint = Tools.run(folder, Map.of(), command);

            assertEquals(0, lint.exitCode(), String.join(" ", command) + "\n" + lint.output());
            assertEquals("", lint.output().strip(), "no warnings");
        }
    }

    /** hdl-gen's Verilator waivers for SpinalHDL output, extracted from its jar. */
    private Path waivers() throws Exception {
        Path file = dir.resolve("verilator-waivers.vlt");
        try (var in = VerilogEmitter.class.getResourceAsStream("/verilator-waivers.vlt")) {
            java.nio.file.Files.write(file, in.readAllBytes());
        }
        return file;
    }
}
