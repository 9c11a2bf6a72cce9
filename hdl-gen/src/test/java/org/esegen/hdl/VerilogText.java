package org.esegen.hdl;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads module headers and declarations out of the Verilog SpinalHDL writes. */
final class VerilogText {
    private static final Pattern PORT =
            Pattern.compile("^\\s*(input|output|inout)\\s+(?:wire|reg)?\\s*(?:\\[(\\d+):0\\])?\\s*(\\w+)\\s*,?\\s*$");
    private static final Pattern REG = Pattern.compile("^\\s*reg\\s+(?:\\[(\\d+):0\\])?\\s*(\\w+)\\s*;\\s*$");

    private VerilogText() {
    }

    /** A port as declared in a module header. */
    record Port(String direction, int width) {
    }

    /** The text of module {@code name}, from {@code module name (} to its {@code endmodule}. */
    static String module(String verilog, String name) {
        Matcher start = Pattern.compile("(?m)^module " + Pattern.quote(name) + " \\(").matcher(verilog);
        if (!start.find()) {
            throw new AssertionError("no module " + name + " in:\n" + verilog);
        }
        int end = verilog.indexOf("endmodule", start.start());
        return verilog.substring(start.start(), end);
    }

    /** The ports of a module, in declaration order. */
    static Map<String, Port> ports(String moduleText) {
        String header = moduleText.substring(moduleText.indexOf('(') + 1, moduleText.indexOf(");"));
        Map<String, Port> ports = new LinkedHashMap<>();
        for (String line : header.split("\n")) {
            Matcher port = PORT.matcher(line);
            if (port.matches()) {
                ports.put(port.group(3), new Port(port.group(1), width(port.group(2))));
            }
        }
        return ports;
    }

    /** The {@code reg} declarations of a module (registers and procedurally assigned wires), name to width. */
    static Map<String, Integer> regs(String moduleText) {
        Map<String, Integer> regs = new LinkedHashMap<>();
        for (String line : moduleText.split("\n")) {
            Matcher reg = REG.matcher(line);
            if (reg.matches()) {
                regs.put(reg.group(2), width(reg.group(1)));
            }
        }
        return regs;
    }

    private static int width(String msb) {
        return msb == null ? 1 : Integer.parseInt(msb) + 1;
    }
}
