package org.esegen.synth;

/**
 * One port of a Verilog module.
 *
 * @param name      port name
 * @param direction input, output or inout
 * @param width     bits; 1 for a scalar
 */
public record VerilogPort(String name, Direction direction, int width) {

    /** Port direction as Verilog spells it. */
    public enum Direction {
        INPUT, OUTPUT, INOUT;

        /** The Verilog keyword. */
        public String keyword() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public VerilogPort {
        if (width < 1) {
            throw new IllegalArgumentException("port " + name + ": width " + width + " must be at least 1");
        }
    }

    /** {@code [w-1:0] } for a vector, empty for a scalar: what goes between direction and name. */
    public String range() {
        return width == 1 ? "" : "[" + (width - 1) + ":0] ";
    }
}
