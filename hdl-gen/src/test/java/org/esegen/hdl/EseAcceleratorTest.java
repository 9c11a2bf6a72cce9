package org.esegen.hdl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.esegen.compile.LaneRows;
import org.esegen.compile.RegisterMap;
import org.esegen.config.AcceleratorConfig;
import org.esegen.config.Presets;
import org.esegen.hdl.VerilogText.Port;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated top of the tiny preset: its port list is exactly the contract, it lints clean
 * under Verilator -Wall with the listed waivers (so does the ESE preset's), generation is
 * byte-for-byte repeatable and params.json says what the hardware is.
 */
class EseAcceleratorTest {
    private static final AcceleratorConfig TINY = Presets.get("tiny");

    @TempDir
    static Path shared;
    private static Generator.Result tiny;

    @TempDir
    Path dir;

    @BeforeAll
    static void generateTiny() {
        tiny = Generator.generate(TINY, shared.resolve("tiny"));
    }

    @Test
    void portsAreExactlyTheContractWithTheConfigsWidths() throws Exception {
        String top = VerilogText.module(Files.readString(tiny.verilog().get(0)), EseAccelerator.NAME);
        Map<String, Port> ports = VerilogText.ports(top);

        assertEquals(EseAccelerator.PORTS.stream().sorted().toList(), ports.keySet().stream().sorted().toList());
        int data = TINY.memory().axiDataBits();
        int address = TINY.memory().axiAddrBits();
        Map<String, Port> expected = new LinkedHashMap<>();
        expected.put("clk", new Port("input", 1));
        expected.put("reset", new Port("input", 1));
        expected.put("interrupt", new Port("output", 1));
        for (String prefix : List.of("ar", "aw")) {
            boolean read = prefix.equals("ar");
            expected.put("m_axi_" + prefix + "valid", new Port("output", 1));
            expected.put("m_axi_" + prefix + "ready", new Port("input", 1));
            expected.put("m_axi_" + prefix + "addr", new Port("output", address));
            expected.put("m_axi_" + prefix + "id", new Port("output", 4));
            expected.put("m_axi_" + prefix + "len", new Port("output", 8));
            expected.put("m_axi_" + prefix + "size", new Port("output", 3));
            expected.put("m_axi_" + prefix + "burst", new Port("output", 2));
            expected.put(read ? "m_axi_rvalid" : "m_axi_wvalid", new Port(read ? "input" : "output", 1));
            expected.put(read ? "m_axi_rready" : "m_axi_wready", new Port(read ? "output" : "input", 1));
            expected.put(read ? "m_axi_rdata" : "m_axi_wdata", new Port(read ? "input" : "output", data));
        }
        expected.put("m_axi_rid", new Port("input", 4));
        expected.put("m_axi_rresp", new Port("input", 2));
        expected.put("m_axi_rlast", new Port("input", 1));
        expected.put("m_axi_wstrb", new Port("output", data / 8));
        expected.put("m_axi_wlast", new Port("output", 1));
        expected.put("m_axi_bvalid", new Port("input", 1));
        expected.put("m_axi_bready", new Port("output", 1));
        expected.put("m_axi_bid", new Port("input", 4));
        expected.put("m_axi_bresp", new Port("input", 2));
        for (String channel : List.of("aw", "w", "ar")) {
            expected.put("s_axil_" + channel + "valid", new Port("input", 1));
            expected.put("s_axil_" + channel + "ready", new Port("output", 1));
        }
        expected.put("s_axil_awaddr", new Port("input", RegisterMap.ADDRESS_BITS));
        expected.put("s_axil_araddr", new Port("input", RegisterMap.ADDRESS_BITS));
        expected.put("s_axil_wdata", new Port("input", 32));
        expected.put("s_axil_wstrb", new Port("input", 4));
        expected.put("s_axil_bvalid", new Port("output", 1));
        expected.put("s_axil_bready", new Port("input", 1));
        expected.put("s_axil_bresp", new Port("output", 2));
        expected.put("s_axil_rvalid", new Port("output", 1));
        expected.put("s_axil_rready", new Port("input", 1));
        expected.put("s_axil_rdata", new Port("output", 32));
        expected.put("s_axil_rresp", new Port("output", 2));
        for (Map.Entry<String, Port> port : expected.entrySet()) {
            assertEquals(port.getValue(), ports.get(port.getKey()), port.getKey());
        }
    }

    @Test
    void tinyTopLintsCleanWithTheListedWaivers() throws Exception {
        Tools.assumeOnPath("verilator");
        List<String> command = new java.util.ArrayList<>(List.of("verilator", "--lint-only", "-Wall",
                "-Wno-DECLFILENAME", "--top-module", EseAccelerator.NAME, Tools.verilatorWaivers().toString()));
        tiny.verilog().forEach(file -> command.add(file.toString()));
        Tools.runOk(shared, command.toArray(String[]::new));
    }

    @Test
    void eseTopLintsCleanWithTheListedWaivers() throws Exception {
        Tools.assumeOnPath("verilator");
        Generator.Result ese = Generator.generate(Presets.get("ese"), dir.resolve("ese"));
        List<String> command = new java.util.ArrayList<>(List.of("verilator", "--lint-only", "-Wall",
                "-Wno-DECLFILENAME", "--top-module", EseAccelerator.NAME, Tools.verilatorWaivers().toString()));
        ese.verilog().forEach(file -> command.add(file.toString()));
        Tools.runOk(dir, command.toArray(String[]::new));
    }

    @Test
    void generatingTwiceGivesIdenticalBytes() throws Exception {
        Generator.Result again = Generator.generate(TINY, dir.resolve("again/elsewhere"));

        assertEquals(tiny.verilog().size(), again.verilog().size());
        for (int i = 0; i < tiny.verilog().size(); i++) {
            assertArrayEquals(Files.readAllBytes(tiny.verilog().get(i)), Files.readAllBytes(again.verilog().get(i)));
        }
        assertArrayEquals(Files.readAllBytes(tiny.fileList()), Files.readAllBytes(again.fileList()));
        assertArrayEquals(Files.readAllBytes(tiny.params()), Files.readAllBytes(again.params()));
        String params = Files.readString(tiny.params());
        assertFalse(params.contains(shared.toString()), "no output path in params.json");
    }

    @Test
    void fileListNamesTheVerilogRelativeToItsFolder() throws Exception {
        assertEquals(List.of(EseAccelerator.NAME + ".v"),
                Files.readAllLines(tiny.fileList(), StandardCharsets.UTF_8));
        assertTrue(Files.isRegularFile(tiny.fileList().resolveSibling(EseAccelerator.NAME + ".v")));
    }

    @Test
    void paramsJsonHoldsTheConfigDerivedValuesRegistersAndPorts() throws Exception {
        JsonNode params = new ObjectMapper().readTree(tiny.params().toFile());

        assertEquals(EseAccelerator.NAME, params.get("top").asText());
        for (Map.Entry<String, Integer> field : TINY.toFieldMap().entrySet()) {
            assertEquals(field.getValue().intValue(), params.get("config").get(field.getKey()).asInt(), field.getKey());
        }
        JsonNode derived = params.get("derived");
        assertEquals(TINY.entryBits(), derived.get("entryBits").asInt());
        assertEquals(new LaneRows(TINY.pes(), TINY.entryBits(), TINY.memory().axiDataBits()).wordsPerRow(),
                derived.get("wordsPerRow").get("waEntries").asInt());
        assertEquals(new LaneRows(TINY.pes(), TINY.formats().ptrBits(), TINY.memory().axiDataBits()).wordsPerRow(),
                derived.get("wordsPerRow").get("waPointers").asInt());
        JsonNode registers = params.get("registers");
        assertEquals(RegisterMap.ALL.size(), registers.size());
        for (int i = 0; i < RegisterMap.ALL.size(); i++) {
            RegisterMap.Register register = RegisterMap.ALL.get(i);
            assertEquals(register.name(), registers.get(i).get("name").asText());
            assertEquals(register.offset(), registers.get(i).get("offset").asInt());
            assertEquals(register.access().name(), registers.get(i).get("access").asText());
            assertEquals(register.description(), registers.get(i).get("description").asText());
        }
        Map<String, Port> declared = VerilogText.ports(
                VerilogText.module(Files.readString(tiny.verilog().get(0)), EseAccelerator.NAME));
        JsonNode ports = params.get("ports");
        assertEquals(declared.size(), ports.size());
        int i = 0;
        for (Map.Entry<String, Port> port : declared.entrySet()) {
            assertEquals(port.getKey(), ports.get(i).get("name").asText());
            assertEquals(port.getValue().direction(), ports.get(i).get("direction").asText());
            assertEquals(port.getValue().width(), ports.get(i).get("width").asInt());
            i++;
        }
    }
}
