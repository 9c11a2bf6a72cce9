package org.esegen.synth;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * The longest combinational path Yosys {@code ltp} found in the flattened netlist.
 *
 * @param levels    cells on the path (LUTs, carry cells, wide multiplexers, unregistered DSPs), the
 *                  way Vivado counts logic levels
 * @param lutLevels how many of those cells are LUTs
 * @param start     where the path starts
 * @param end       where the path ends
 * @param steps     every net on the path in order, with the cell that drives it (none for the
 *                  first)
 */
public record LogicPath(int levels, int lutLevels, Endpoint start, Endpoint end, List<Step> steps) {

    public LogicPath {
        steps = List.copyOf(steps);
    }

    /** True when the path starts and ends at sequential cells, not at top-level ports. */
    @JsonProperty("registerToRegister")
    public boolean registerToRegister() {
        return start.kind() == EndpointKind.SEQUENTIAL && end.kind() == EndpointKind.SEQUENTIAL;
    }

    /** What a path starts or ends at. */
    public enum EndpointKind {
        /** A top-level port of the design. */
        PORT,
        /**
         * A flip-flop, the stored contents of a LUT RAM or SRL, or a block RAM or registered DSP48E2
         * (which the estimate treats as registered at both ends).
         */
        SEQUENTIAL
    }

    /**
     * One end of the path.
     *
     * @param net  the net (one bit) at that end, in Yosys' notation without the leading backslash of
     *             public names, e.g. {@code pe_3.acc [7]}
     * @param cell the cell that captures the end: a flip-flop, or a LUT RAM or SRL write port; empty
     *             when Yosys does not name one (a start, a port, or a block RAM or DSP input)
     * @param kind port or sequential cell
     */
    public record Endpoint(String net, String cell, EndpointKind kind) {
    }

    /**
     * A net on the path and the cell driving it.
     *
     * @param net the net (one bit)
     * @param via the driving cell; empty for the first step
     */
    public record Step(String net, String via) {
    }
}
