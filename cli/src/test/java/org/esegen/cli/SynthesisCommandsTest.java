package org.esegen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.esegen.config.AcceleratorConfig;
import org.esegen.synth.AcceleratorPorts;
import org.esegen.synth.VerilogPort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code esegen synth} and {@code esegen vivado} end to end, with a stand-in generator that writes
 * an EseAccelerator with the port contract and one multiply-accumulate, until the real generator
 * exists.
 */
class SynthesisCommandsTest {
    @TempDir
    Path dir;

    record Outcome(int code, String out, String err) {
    }

    /** The stand-in: contract ports, a 16x12 MAC on AXI-Lite write data, everything else idle. */
    static void standIn(AcceleratorConfig config, Path outDir) throws IOException {
        List<VerilogPort> ports = AcceleratorPorts.expected(config);
        StringBuilder v = new StringBuilder("module EseAccelerator (\n");
        for (int i = 0; i < ports.size(); i++) {
            VerilogPort p = ports.get(i);
            v.append("    ").append(p.direction().keyword()).append(" wire ").append(p.range()).append(p.name())
                    .append(i + 1 < ports.size() ? ",\n" : "\n");
        }
        v.append(");\n    reg signed [47:0] acc;\n")
                .append("    always @(posedge clk) if (reset) acc <= 48'sd0; else if (s_axil_wvalid)\n")
                .append("        acc <= acc + $signed(s_axil_wdata[15:0]) * $signed(s_axil_wdata[27:16]);\n")
                .append("    assign interrupt = acc[47];\n");
        List<String> inputs = new ArrayList<>();
        for (VerilogPort p : ports) {
            if (p.direction() == VerilogPort.Direction.OUTPUT && !p.name().equals("interrupt")) {
                v.append("    assign ").append(p.name()).append(" = ").append(p.width()).append("'d0;\n");
            } else if (p.direction() == VerilogPort.Direction.INPUT && !p.name().equals("clk")) {
                inputs.add(p.name());
            }
        }
        v.append("    wire unused_ok = &{1'b0, ").append(String.join(", ", inputs)).append("};\nendmodule\n");
        Files.createDirectories(outDir);
        Files.writeString(outDir.resolve("EseAccelerator.v"), v.toString());
        Files.writeString(outDir.resolve("filelist.f"), "EseAccelerator.v\n");
        Files.writeString(outDir.resolve("params.json"), "{}\n");
    }

    static Outcome run(Object command, String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.commandLine(command).execute(args);
            return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    static void assumeYosys() {
        assumeTrue(Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, "yosys"))), "yosys is not on the PATH");
    }

    static void assertFailsCleanly(Outcome o, Path out, String expected) throws IOException {
        assertEquals(2, o.code(), o.err());
        assertTrue(o.err().contains(expected), "expected '" + expected + "' in: " + o.err());
        if (out != null) {
            assertFalse(Files.exists(out), "--out must not exist after a failure");
            try (Stream<Path> s = Files.list(out.getParent())) {
                assertFalse(s.anyMatch(p -> p.getFileName().toString().startsWith("." + out.getFileName())));
            }
        }
    }

    @Test
    void synthJsonReportsResourcesDeviceShareAndANamedPath() throws Exception {
        assumeYosys();
        Path work = dir.resolve("work");

        Outcome o = run(new SynthCommand(SynthesisCommandsTest::standIn), "--preset", "tiny", "--set", "pesPerChannel=8",
                "--json", "--work", work.toString());

        assertEquals(0, o.code(), o.err());
        JsonNode json = new ObjectMapper().readTree(o.out());
        assertEquals(8, json.at("/config/pesPerChannel").asInt());
        assertTrue(json.at("/total/dsp").asInt() >= 1, o.out());
        assertTrue(json.at("/total/lut").asInt() > 0, o.out());
        assertTrue(json.at("/percentOfDevice/dsp").asDouble() > 0, o.out());
        assertTrue(json.at("/deepestPath/levels").asInt() > 0, o.out());
        assertFalse(json.at("/deepestPath/end/net").asText().isEmpty(), o.out());
        assertEquals("EseAccelerator", json.at("/modules/0/module").asText());
        assertTrue(Files.isRegularFile(work.resolve("yosys/yosys.log")), "the Yosys log of the run is kept");
        assertTrue(Files.isRegularFile(work.resolve("rtl/EseAccelerator.v")));
    }

    @Test
    void synthTableNamesModulesTotalsAndThePath() {
        assumeYosys();
        Outcome o = run(new SynthCommand(SynthesisCommandsTest::standIn), "--work", dir.resolve("w").toString());

        assertEquals(0, o.code(), o.err());
        System.out.print(o.out());
        for (String expected : List.of("EseAccelerator", "total", "% of the XCKU060", "deepest path:", "yosys log:")) {
            assertTrue(o.out().contains(expected), expected + " in:\n" + o.out());
        }
    }

    @Test
    void synthRefusesBadFlagsAndAUsedWorkFolder() throws Exception {
        assertFailsCleanly(run(new SynthCommand(SynthesisCommandsTest::standIn), "--set", "pesPerChannel=0"), null,
                "pesPerChannel");
        Files.createDirectories(dir.resolve("used/rtl"));
        assertFailsCleanly(run(new SynthCommand(SynthesisCommandsTest::standIn), "--work", dir.resolve("used").toString()),
                null, "already holds");
    }

    @Test
    void vivadoWritesAnOutOfContextFolderAndAKu3BoardFolder() {
        Path ooc = dir.resolve("ooc");
        Outcome o = run(new VivadoCommand(SynthesisCommandsTest::standIn), "--out", ooc.toString());
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("synth_ooc.tcl"), o.out());
        assertTrue(Files.isRegularFile(ooc.resolve("synth_ooc.tcl")));
        assertTrue(Files.isRegularFile(ooc.resolve("rtl/EseAccelerator.v")));
        assertFalse(Files.exists(ooc.resolve("build.tcl")));

        Path board = dir.resolve("ku3");
        Outcome b = run(new VivadoCommand(SynthesisCommandsTest::standIn), "--set", "axiDataBits=512",
                "--board", "adm-pcie-ku3", "--host", "jtag", "--out", board.toString());
        assertEquals(0, b.code(), b.err());
        assertTrue(Files.isRegularFile(board.resolve("build.tcl")));
        assertTrue(Files.isRegularFile(board.resolve("rtl/KU3Top.v")));
    }

    @Test
    void vivadoRefusesBadFlagsWithClearMessagesAndLeavesNothing() throws Exception {
        Path out = dir.resolve("out");
        DesignGenerator standIn = SynthesisCommandsTest::standIn;
        assertFailsCleanly(run(new VivadoCommand(standIn), "--board", "kcu105", "--out", out.toString()), out,
                "allowed: none, adm-pcie-ku3");
        assertFailsCleanly(run(new VivadoCommand(standIn), "--host", "jtag", "--out", out.toString()), out,
                "add --board adm-pcie-ku3");
        assertFailsCleanly(run(new VivadoCommand(standIn), "--board", "adm-pcie-ku3", "--host", "usb", "--out",
                out.toString()), out, "allowed: xdma, jtag");
        assertFailsCleanly(run(new VivadoCommand(standIn), "--part", "ku060", "--out", out.toString()), out,
                "not a Xilinx part name");
        assertFailsCleanly(run(new VivadoCommand(standIn), "--board", "adm-pcie-ku3", "--out", out.toString()), out,
                "axiDataBits is 64");
    }
}
