package org.esegen.synth;

import org.esegen.EsegenException;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the port list of a module from Verilog source: ANSI-style headers, as SpinalHDL and
 * esegen's own wrappers write them ({@code input wire [15:0] name,}). Ranges must be integer
 * literals; parameterized widths and non-ANSI headers are refused with a message naming the port
 * or module.
 */
public final class VerilogPorts {
    private static final Pattern COMMENTS = Pattern.compile("//[^\\n]*|/\\*.*?\\*/", Pattern.DOTALL);
    private static final Pattern ATTRIBUTES = Pattern.compile("\\(\\*.*?\\*\\)", Pattern.DOTALL);
    private static final Pattern PORT = Pattern.compile(
            "(?:(input|output|inout)\\s+)?(?:(?:wire|reg|logic)\\s+)?(?:signed\\s+)?(?:\\[([^\\]]*)\\]\\s*)?([A-Za-z_][A-Za-z0-9_$]*)");
    private static final Pattern RANGE = Pattern.compile("\\s*(\\d+)\\s*:\\s*(\\d+)\\s*");

    private VerilogPorts() {
    }

    /**
     * The ports of {@code module}, in declaration order.
     *
     * @param verilog the source text holding the module
     * @param module  module name
     * @throws EsegenException when the module is missing, its header is not ANSI style, or a range
     *                         is not made of integer literals
     */
    public static List<VerilogPort> of(String verilog, String module) {
        String text = ATTRIBUTES.matcher(COMMENTS.matcher(verilog).replaceAll(" ")).replaceAll(" ");
        Matcher header = Pattern.compile("\\bmodule\\s+" + Pattern.quote(module) + "\\b").matcher(text);
        if (!header.find()) {
            throw new EsegenException("no module " + module + " in the Verilog source");
        }
        int position = skipSpace(text, header.end());
        if (position < text.length() && text.charAt(position) == '#') {
            position = skipSpace(text, closing(text, text.indexOf('(', position), module));
        }
        if (position >= text.length() || text.charAt(position) != '(') {
            throw new EsegenException("module " + module + " has no port list");
        }
        String list = text.substring(position + 1, closing(text, position, module) - 1);
        List<VerilogPort> ports = new ArrayList<>();
        VerilogPort.Direction direction = null;
        int width = 1;
        for (String item : list.split(",")) {
            String declaration = item.strip();
            if (declaration.isEmpty()) {
                continue;
            }
            Matcher port = PORT.matcher(declaration);
            if (!port.matches()) {
                throw new EsegenException("module " + module + ": cannot read port declaration '" + declaration + "'");
            }
            if (port.group(1) != null) {
                direction = VerilogPort.Direction.valueOf(port.group(1).toUpperCase(java.util.Locale.ROOT));
                width = width(port.group(2), port.group(3), module);
            } else if (direction == null) {
                throw new EsegenException("module " + module + " does not declare its ports ANSI style ('"
                        + declaration + "')");
            } else if (port.group(2) != null) {
                width = width(port.group(2), port.group(3), module);
            }
            // A name without a direction continues the previous declaration: same direction and range.
            ports.add(new VerilogPort(port.group(3), direction, width));
        }
        return ports;
    }

    private static int width(String range, String port, String module) {
        if (range == null) {
            return 1;
        }
        Matcher bounds = RANGE.matcher(range);
        if (!bounds.matches()) {
            throw new EsegenException("module " + module + ", port " + port + ": range [" + range
                    + "] is not made of integer literals");
        }
        return Math.abs(Integer.parseInt(bounds.group(1)) - Integer.parseInt(bounds.group(2))) + 1;
    }

    /** Index just after the parenthesis matching the one at {@code open}. */
    private static int closing(String text, int open, String module) {
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return i + 1;
            }
        }
        throw new EsegenException("module " + module + ": unbalanced parentheses in its header");
    }

    private static int skipSpace(String text, int from) {
        int i = from;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }
}
