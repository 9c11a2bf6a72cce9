package org.esegen.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every port, clock and cell the XDC files of a Vivado folder name exists: ports in the top they
 * constrain (parsed from its Verilog), clocks among those the same files create, cells among the
 * registers of the top's Verilog.
 */
class VivadoConstraintsTest {
    private static final Pattern QUERY = Pattern.compile("\\[(get_ports|get_clocks|get_cells)((?:\\s+(?:\\{[^}]*\\}|[^\\s\\]]+))*)\\s*\\]");
    private static final Pattern CREATE_CLOCK = Pattern.compile("create_clock\\s+-name\\s+(\\S+)\\s+-period\\s+([0-9.]+)\\s+\\[get_ports\\s+(\\S+?)\\]");
    private static final Pattern NAME = Pattern.compile("([A-Za-z_*][A-Za-z0-9_*]*)(?:\\[(\\d+|\\*)\\])?");

    @TempDir
    Path dir;

    /** The names an XDC set refers to, by query. */
    record Names(Set<String> ports, Set<String> clocks, Set<String> cells, Map<String, String> createdClocks) {
    }

    static Names names(List<Path> xdcFiles) throws IOException {
        Names names = new Names(new HashSet<>(), new HashSet<>(), new HashSet<>(), new java.util.HashMap<>());
        for (Path xdc : xdcFiles) {
            String text = Files.readAllLines(xdc).stream().map(l -> l.replaceAll("#.*", ""))
                    .collect(Collectors.joining("\n")).replace("\\\n", " ");
            Matcher created = CREATE_CLOCK.matcher(text);
            while (created.find()) {
                names.createdClocks().put(created.group(1), created.group(3));
            }
            Matcher query = QUERY.matcher(text);
            while (query.find()) {
                Set<String> target = switch (query.group(1)) {
                    case "get_ports" -> names.ports();
                    case "get_clocks" -> names.clocks();
                    default -> names.cells();
                };
                List<String> words = new ArrayList<>();
                Matcher word = Pattern.compile("\\{([^}]*)\\}|(\\S+)").matcher(query.group(2));
                while (word.find()) {
                    words.add(word.group(1) != null ? "{" + word.group(1) + "}" : word.group(2));
                }
                for (int i = 0; i < words.size(); i++) {
                    String w = words.get(i);
                    if (w.equals("-filter") || w.equals("-of_objects")) {
                        i++;
                    } else if (!w.startsWith("-")) {
                        for (String name : w.replaceAll("[{}]", " ").trim().split("\\s+")) {
                            target.add(name);
                        }
                    }
                }
            }
        }
        return names;
    }

    /** Asserts every port name (with index or wildcard) matches a port of {@code ports}. */
    static void assertPortsExist(Set<String> names, List<VerilogPort> ports, String top) {
        Map<String, VerilogPort> byName = ports.stream().collect(Collectors.toMap(VerilogPort::name, Function.identity()));
        assertFalse(names.isEmpty());
        for (String name : names) {
            Matcher m = NAME.matcher(name);
            assertTrue(m.matches(), "cannot read port name " + name);
            Pattern glob = Pattern.compile(m.group(1).replace("*", ".*"));
            List<VerilogPort> matching = ports.stream().filter(p -> glob.matcher(p.name()).matches()).toList();
            assertFalse(matching.isEmpty(), top + " has no port " + name + " (ports: " + byName.keySet() + ")");
            if (m.group(2) != null && !m.group(2).equals("*")) {
                int index = Integer.parseInt(m.group(2));
                for (VerilogPort port : matching) {
                    assertTrue(index < port.width(), name + ": " + port.name() + " has " + port.width() + " bits");
                }
            }
        }
    }

    @Test
    void outOfContextConstraintsNameTheTopsClockAtTheConfiguredFrequency() throws Exception {
        Path folder = StandIn.vivadoFolder(dir, "ooc", StandIn.config("tiny", "clockMhz=250"), Board.NONE, HostBridge.XDMA);
        Names names = names(List.of(folder.resolve("constraints/esegen_ooc.xdc")));

        List<VerilogPort> ports = VerilogPorts.of(Files.readString(folder.resolve("rtl/EseAccelerator.v")), "EseAccelerator");
        assertPortsExist(names.ports(), ports, "EseAccelerator");
        assertEquals(Map.of("clk", "clk"), names.createdClocks());
        String xdc = Files.readString(folder.resolve("constraints/esegen_ooc.xdc")).replaceAll("#[^\\n]*", "");
        assertTrue(xdc.contains("-period 4.000"), "250 MHz is 4 ns:\n" + xdc);
        assertFalse(xdc.contains("set_false_path"), "a synchronous reset is timed, not false-pathed");
        assertFalse(xdc.contains("ASYNC_REG"), "a single-clock design has no synchronizer");
    }

    @Test
    void boardConstraintsWithXdmaNameOnlyPortsClocksAndRegistersOfKu3Top() throws Exception {
        assertBoardConstraints(HostBridge.XDMA);
    }

    @Test
    void boardConstraintsWithJtagNameOnlyPortsClocksAndRegistersOfKu3Top() throws Exception {
        assertBoardConstraints(HostBridge.JTAG);
    }

    private void assertBoardConstraints(HostBridge host) throws Exception {
        Path folder = StandIn.vivadoFolder(dir, host.cliName(), StandIn.ku3Config(), Board.ADM_PCIE_KU3, host);
        List<Path> xdc = new ArrayList<>(List.of(folder.resolve("constraints/adm-pcie-ku3.xdc"),
                folder.resolve("constraints/ku3_top.xdc")));
        if (host == HostBridge.XDMA) {
            xdc.add(folder.resolve("constraints/adm-pcie-ku3-pcie.xdc"));
        }
        Names names = names(xdc);
        String verilog = Files.readString(folder.resolve("rtl/KU3Top.v"));
        List<VerilogPort> ports = VerilogPorts.of(verilog, "KU3Top");

        assertPortsExist(names.ports(), ports, "KU3Top");
        assertTrue(names.ports().contains("ddr1_dq[71]") && names.ports().contains("ddr0_dqs_n[8]"));
        for (String clock : names.clocks()) {
            assertTrue(names.createdClocks().containsKey(clock), "clock " + clock + " is created: " + names.createdClocks());
        }
        assertPortsExist(new HashSet<>(names.createdClocks().values()), ports, "KU3Top");
        for (String cell : names.cells()) {
            Matcher reg = Pattern.compile("(\\w+)_reg(\\[.*\\])?").matcher(cell);
            assertTrue(reg.matches(), "cell " + cell + " names a register");
            assertTrue(Pattern.compile("\\breg\\s+(\\[[^]]*\\]\\s*)?" + reg.group(1) + "\\b").matcher(verilog).find(),
                    "KU3Top.v declares reg " + reg.group(1));
        }
        // Every top-level pin but the transceiver lanes, which the XDMA IP places, has a package pin.
        Set<String> pinned = new HashSet<>();
        Matcher pin = Pattern.compile("PACKAGE_PIN\\s+\\w+[^\\[\\n]*\\[get_ports\\s+\\{?(\\w+)").matcher(
                Files.readString(xdc.get(0)) + (host == HostBridge.XDMA ? Files.readString(xdc.get(2)) : ""));
        while (pin.find()) {
            pinned.add(pin.group(1));
        }
        for (VerilogPort port : ports) {
            assertTrue(pinned.contains(port.name()), "port " + port.name() + " has a PACKAGE_PIN");
        }
    }
}
