package org.esegen.synth;

import static org.esegen.synth.VerilogPort.Direction.INOUT;
import static org.esegen.synth.VerilogPort.Direction.INPUT;
import static org.esegen.synth.VerilogPort.Direction.OUTPUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.esegen.EsegenException;
import org.junit.jupiter.api.Test;

/** The ANSI port-list reader: directions, ranges, continued declarations, and clear refusals. */
class VerilogPortsTest {
    @Test
    void readsDirectionsWidthsAndContinuedDeclarations() {
        String verilog = """
                module Other (input wire x);
                endmodule
                // module Top (input wire fake);
                module Top #(parameter W = 8) (
                  input  wire          clk, /* clock */ reset,
                  (* keep *) output reg signed [15:0] acc,
                  inout  wire [0:3]    pins,
                  output wire [7:0]    a, b
                );
                endmodule
                """;

        assertEquals(List.of(new VerilogPort("clk", INPUT, 1), new VerilogPort("reset", INPUT, 1),
                new VerilogPort("acc", OUTPUT, 16), new VerilogPort("pins", INOUT, 4),
                new VerilogPort("a", OUTPUT, 8), new VerilogPort("b", OUTPUT, 8)), VerilogPorts.of(verilog, "Top"));
    }

    @Test
    void refusesMissingModulesNonAnsiHeadersAndParameterizedRanges() {
        assertTrue(assertThrows(EsegenException.class, () -> VerilogPorts.of("module A (input x); endmodule", "B"))
                .getMessage().contains("no module B"));
        assertTrue(assertThrows(EsegenException.class, () -> VerilogPorts.of("module A (x, y); input x; endmodule", "A"))
                .getMessage().contains("ANSI"));
        assertTrue(assertThrows(EsegenException.class,
                () -> VerilogPorts.of("module A (input wire [W-1:0] x); endmodule", "A")).getMessage().contains("[W-1:0]"));
    }
}
