package org.esegen.hdl;

import static org.esegen.hdl.spinal.Hdl.assign;
import static org.esegen.hdl.spinal.Hdl.boolConst;
import static org.esegen.hdl.spinal.Hdl.child;
import static org.esegen.hdl.spinal.Hdl.exposePorts;
import static org.esegen.hdl.spinal.Hdl.outBool;
import static org.esegen.hdl.spinal.Hdl.sintConst;
import static org.esegen.hdl.spinal.Hdl.uintConst;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.esegen.EsegenException;
import org.esegen.compile.RegisterMap;
import org.esegen.compile.RegisterMap.Access;
import org.esegen.compile.RegisterMap.Register;
import org.esegen.hdl.VerilogText.Port;
import org.esegen.hdl.spinal.JavaComponent;
import org.esegen.hdl.units.AxiLiteRegisters;
import org.esegen.hdl.units.DdrReader;
import org.esegen.hdl.units.DdrWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * AxiLiteRegisters in Icarus, driven by an AXI4-Lite master with random AW/W/B/AR/R delays,
 * against a Java model of {@link RegisterMap}: every RW word written and read back (also with
 * partial strobes), the RW output ports, RO inputs, ID, CONTROL's start pulse and interrupt
 * enable, INTERRUPT_STATUS set by done_pulse and cleared by writing 1, unknown addresses.
 */
class AxiLiteRegistersTest {
    private static final long DEFAULT_SEED = 20_260_303L;
    private static final int UNKNOWN_OFFSET = 0xFFC;

    @TempDir
    Path dir;

    /** The register file's contract, word by word. */
    private static final class Model {
        final int addrBits;
        final Map<Integer, Long> rwWords = new TreeMap<>();
        final Map<Integer, Long> roWords = new TreeMap<>();
        boolean busy;
        boolean done;
        boolean enable;
        boolean pending;
        int starts;

        Model(int addrBits, Map<Register, Long> inputs) {
            this.addrBits = addrBits;
            for (Register register : RegisterMap.ALL) {
                if (isAddress(register)) {
                    rwWords.put(register.offset(), 0L);
                    rwWords.put(register.offset() + 4, 0L);
                } else if (register.access() == Access.RW && register != RegisterMap.CONTROL) {
                    rwWords.put(register.offset(), 0L);
                }
            }
            inputs.forEach((register, value) -> {
                roWords.put(register.offset(), value & 0xFFFF_FFFFL);
                if (isCounter(register)) {
                    roWords.put(register.offset() + 4, value >>> 32);
                }
            });
        }

        /** Bits of a RW word that are stored. */
        long mask(int offset) {
            for (Register register : RegisterMap.ALL) {
                if (isAddress(register) && offset == register.offset()) {
                    return addrBits >= 32 ? 0xFFFF_FFFFL : (1L << addrBits) - 1;
                }
                if (isAddress(register) && offset == register.offset() + 4) {
                    return addrBits > 32 ? (1L << (addrBits - 32)) - 1 : 0;
                }
            }
            return 0xFFFF_FFFFL;
        }

        void write(int offset, long data, int strobes) {
            long lanes = 0;
            for (int lane = 0; lane < 4; lane++) {
                if ((strobes >> lane & 1) != 0) {
                    lanes |= 0xFFL << (8 * lane);
                }
            }
            if (offset == RegisterMap.CONTROL.offset() && (strobes & 1) != 0) {
                enable = (data & 2) != 0;
                starts += (int) (data & 1);
            } else if (offset == RegisterMap.INTERRUPT_STATUS.offset() && (strobes & 1) != 0 && (data & 1) != 0) {
                pending = false;
            } else if (rwWords.containsKey(offset)) {
                rwWords.put(offset, (rwWords.get(offset) & ~lanes | data & lanes) & mask(offset));
            }
        }

        long read(int offset) {
            if (offset == RegisterMap.CONTROL.offset()) {
                return enable ? 2 : 0;
            } else if (offset == RegisterMap.STATUS.offset()) {
                return (busy ? 1 : 0) | (done ? 2 : 0);
            } else if (offset == RegisterMap.INTERRUPT_STATUS.offset()) {
                return pending ? 1 : 0;
            } else if (offset == RegisterMap.ID.offset()) {
                return RegisterMap.ID_VALUE;
            }
            return rwWords.getOrDefault(offset, roWords.getOrDefault(offset, 0L));
        }

        /** The value of the output port of RW register {@code register}. */
        long port(Register register) {
            return isAddress(register)
                    ? rwWords.get(register.offset() + 4) << 32 | rwWords.get(register.offset())
                    : rwWords.get(register.offset());
        }
    }

    /** The testbench statements and the lines they must print. */
    private static final class Script {
        final Random random;
        final Model model;
        final StringBuilder statements = new StringBuilder();
        final List<String> expected = new ArrayList<>();

        Script(Random random, Model model) {
            this.random = random;
            this.model = model;
        }

        void write(int offset, long data, int strobes) {
            statements.append(String.format(Locale.ROOT, "    axil_write(12'h%03x, 32'h%08x, 4'h%x, %d, %d, %d);%n",
                    offset, data, strobes, random.nextInt(3), random.nextInt(3), random.nextInt(3)));
            model.write(offset, data, strobes);
        }

        void read(int offset) {
            statements.append(String.format(Locale.ROOT, "    axil_read(12'h%03x, %d, %d);%n",
                    offset, random.nextInt(3), random.nextInt(3)));
            expected.add(String.format(Locale.ROOT, "read %03x %08x", offset, model.read(offset)));
        }

        void readAll() {
            for (int offset : model.rwWords.keySet()) {
                read(offset);
            }
            for (int offset : model.roWords.keySet()) {
                read(offset);
            }
            for (Register register : List.of(RegisterMap.CONTROL, RegisterMap.STATUS, RegisterMap.INTERRUPT_STATUS,
                    RegisterMap.ID)) {
                read(register.offset());
            }
            read(UNKNOWN_OFFSET);
        }

        void probe() {
            statements.append("    probe;\n");
            for (Register register : RegisterMap.ALL) {
                if (hasOutput(register)) {
                    expected.add("port " + portName(register) + " " + Long.toUnsignedString(model.port(register)));
                }
            }
            expected.add("start_count " + model.starts);
            expected.add("interrupt " + (model.pending && model.enable ? 1 : 0));
        }

        void status(boolean busy, boolean done) {
            statements.append(String.format(Locale.ROOT, "    @(negedge clk); busy = %d; done = %d;%n",
                    busy ? 1 : 0, done ? 1 : 0));
            model.busy = busy;
            model.done = done;
        }

        void pulseDone() {
            statements.append("    pulse_done;\n");
            model.pending = true;
        }
    }

    private static boolean isAddress(Register register) {
        return register.access() == Access.RW && register.name().endsWith("_BASE");
    }

    private static boolean hasOutput(Register register) {
        return register.access() == Access.RW && register != RegisterMap.CONTROL;
    }

    private static boolean hasInput(Register register) {
        return register.access() == Access.RO && register != RegisterMap.STATUS && register != RegisterMap.ID;
    }

    private static boolean isCounter(Register register) {
        return register.access() == Access.RO && register.name().endsWith("CYCLES");
    }

    private static String portName(Register register) {
        return register.name().toLowerCase(Locale.ROOT);
    }

    @ParameterizedTest(name = "addrBits {0}")
    @ValueSource(ints = {32, 33})
    void everyRegisterOfTheMapBehavesAsSpecified(int addrBits) throws Exception {
        Random random = new Random(AxiBench.seed("AxiLiteRegisters(" + addrBits + ")", DEFAULT_SEED + addrBits));
        Map<Register, Long> inputs = new LinkedHashMap<>();
        for (Register register : RegisterMap.ALL) {
            if (hasInput(register)) {
                inputs.put(register, isCounter(register) ? random.nextLong() : random.nextLong() & 0xFFFF_FFFFL);
            }
        }
        Model model = new Model(addrBits, inputs);
        Script script = new Script(random, model);

        script.readAll();
        for (int offset : model.rwWords.keySet()) {
            script.write(offset, random.nextLong() & 0xFFFF_FFFFL, 0xF);
        }
        script.readAll();
        script.probe();
        for (int offset : model.rwWords.keySet()) {
            script.write(offset, random.nextLong() & 0xFFFF_FFFFL, random.nextInt(16));
        }
        script.write(UNKNOWN_OFFSET, 0xFFFF_FFFFL, 0xF);
        script.readAll();
        script.probe();

        script.write(RegisterMap.CONTROL.offset(), 3, 0xF);
        script.read(RegisterMap.CONTROL.offset());
        script.probe();
        script.pulseDone();
        script.read(RegisterMap.INTERRUPT_STATUS.offset());
        script.probe();
        script.write(RegisterMap.INTERRUPT_STATUS.offset(), 0, 0xF);
        script.write(RegisterMap.INTERRUPT_STATUS.offset(), 1, 0xE);
        script.read(RegisterMap.INTERRUPT_STATUS.offset());
        script.probe();
        script.write(RegisterMap.INTERRUPT_STATUS.offset(), 1, 0x1);
        script.read(RegisterMap.INTERRUPT_STATUS.offset());
        script.probe();
        script.write(RegisterMap.CONTROL.offset(), 0, 0xF);
        script.pulseDone();
        script.probe();
        script.write(RegisterMap.CONTROL.offset(), 1, 0xF);
        script.write(RegisterMap.CONTROL.offset(), 3, 0x2);
        script.read(RegisterMap.CONTROL.offset());
        script.probe();
        script.status(true, false);
        script.read(RegisterMap.STATUS.offset());
        script.status(false, true);
        script.read(RegisterMap.STATUS.offset());
        // done_pulse held through a write that clears INTERRUPT_STATUS: the set wins
        script.statements.append("    @(negedge clk); done_pulse = 1'b1;\n");
        script.write(RegisterMap.INTERRUPT_STATUS.offset(), 1, 0xF);
        script.statements.append("    @(negedge clk); done_pulse = 1'b0;\n");
        model.pending = true;
        script.read(RegisterMap.INTERRUPT_STATUS.offset());
        script.probe();

        Path verilog = AxiBench.emit(dir, "AxiLiteRegisters", () -> new AxiLiteRegisters(addrBits));
        List<String> printed = Tools.simulate(dir, bench(addrBits, inputs, script), List.of(verilog));

        assertEquals(List.of(), AxiBench.lines(printed, "violation"));
        assertEquals(script.expected, printed.stream()
                .filter(line -> line.startsWith("read ") || line.startsWith("port ") || line.startsWith("start_count ")
                        || line.startsWith("interrupt "))
                .toList());
    }

    @ParameterizedTest(name = "addrBits {0}")
    @ValueSource(ints = {32, 33})
    void portsAreNamedAfterTheMapAndItLintsClean(int addrBits) throws Exception {
        Path verilog = AxiBench.emit(dir, "AxiLiteRegisters", () -> new AxiLiteRegisters(addrBits));

        Map<String, Port> expected = new LinkedHashMap<>();
        expected.put("s_axil_awvalid", new Port("input", 1));
        expected.put("s_axil_awready", new Port("output", 1));
        expected.put("s_axil_awaddr", new Port("input", 12));
        expected.put("s_axil_wvalid", new Port("input", 1));
        expected.put("s_axil_wready", new Port("output", 1));
        expected.put("s_axil_wdata", new Port("input", 32));
        expected.put("s_axil_wstrb", new Port("input", 4));
        expected.put("s_axil_bvalid", new Port("output", 1));
        expected.put("s_axil_bready", new Port("input", 1));
        expected.put("s_axil_bresp", new Port("output", 2));
        expected.put("s_axil_arvalid", new Port("input", 1));
        expected.put("s_axil_arready", new Port("output", 1));
        expected.put("s_axil_araddr", new Port("input", 12));
        expected.put("s_axil_rvalid", new Port("output", 1));
        expected.put("s_axil_rready", new Port("input", 1));
        expected.put("s_axil_rdata", new Port("output", 32));
        expected.put("s_axil_rresp", new Port("output", 2));
        expected.put("start", new Port("output", 1));
        expected.put("interrupt", new Port("output", 1));
        expected.put("busy", new Port("input", 1));
        expected.put("done", new Port("input", 1));
        expected.put("done_pulse", new Port("input", 1));
        for (Register register : RegisterMap.ALL) {
            if (hasOutput(register)) {
                expected.put(portName(register), new Port("output", isAddress(register) ? addrBits : 32));
            } else if (hasInput(register)) {
                expected.put(portName(register), new Port("input", isCounter(register) ? 64 : 32));
            }
        }
        expected.put("clk", new Port("input", 1));
        expected.put("reset", new Port("input", 1));
        assertEquals(expected, AxiBench.ports(verilog, "AxiLiteRegisters", ""));
        AxiBench.lint(verilog);
    }

    /**
     * A top presenting the three units' buses under their own names, as the accelerator top will
     * (the reader and the register file expose all their ports, the writer only its bus).
     */
    private static final class ExposingTop extends JavaComponent {
        ExposingTop() {
            super("ExposingTop");
            exposePorts(child("reader", new DdrReader(512, 33, 3, 64, 4, 128)), "");
            DdrWriter writer = child("writer", new DdrWriter(512, 33, 64, 4));
            exposePorts(writer, "m_axi_");
            assign(writer.command.valid(), boolConst(false));
            assign(writer.command.address(), uintConst(0, 33));
            assign(writer.command.beats(), uintConst(0, 24));
            assign(writer.data.valid(), boolConst(false));
            assign(writer.data.payload(), sintConst(0, 512).asBits());
            assign(outBool("writer_cmd_ready"), writer.command.ready());
            assign(outBool("writer_data_ready"), writer.data.ready());
            assign(outBool("writer_idle"), writer.idle);
            assign(outBool("writer_error"), writer.error);
            exposePorts(child("registers", new AxiLiteRegisters(33)), "");
        }
    }

    @Test
    void aTopCanPresentTheBusesUnderTheXilinxNames() throws Exception {
        Path verilog = AxiBench.emit(dir, "ExposingTop", ExposingTop::new);

        Map<String, Port> axi = AxiBench.ports(verilog, "ExposingTop", "m_axi_");
        assertEquals(List.of("m_axi_arvalid", "m_axi_arready", "m_axi_araddr", "m_axi_arid", "m_axi_arlen",
                "m_axi_arsize", "m_axi_arburst", "m_axi_rvalid", "m_axi_rready", "m_axi_rdata", "m_axi_rid",
                "m_axi_rresp", "m_axi_rlast", "m_axi_awvalid", "m_axi_awready", "m_axi_awaddr", "m_axi_awid",
                "m_axi_awlen", "m_axi_awsize", "m_axi_awburst", "m_axi_wvalid", "m_axi_wready", "m_axi_wdata",
                "m_axi_wstrb", "m_axi_wlast", "m_axi_bvalid", "m_axi_bready", "m_axi_bid", "m_axi_bresp"),
                List.copyOf(axi.keySet()));
        assertEquals(new Port("output", 33), axi.get("m_axi_araddr"));
        assertEquals(new Port("input", 512), axi.get("m_axi_rdata"));
        assertEquals(new Port("output", 64), axi.get("m_axi_wstrb"));
        assertEquals(new Port("input", 4), axi.get("m_axi_bid"));
        Map<String, Port> lite = AxiBench.ports(verilog, "ExposingTop", "s_axil_");
        assertEquals(List.of("s_axil_awvalid", "s_axil_awready", "s_axil_awaddr", "s_axil_wvalid", "s_axil_wready",
                "s_axil_wdata", "s_axil_wstrb", "s_axil_bvalid", "s_axil_bready", "s_axil_bresp", "s_axil_arvalid",
                "s_axil_arready", "s_axil_araddr", "s_axil_rvalid", "s_axil_rready", "s_axil_rdata", "s_axil_rresp"),
                List.copyOf(lite.keySet()));
        assertEquals(new Port("input", 12), lite.get("s_axil_araddr"));
        assertEquals(new Port("output", 33), AxiBench.ports(verilog, "ExposingTop", "wa_pointers_base")
                .get("wa_pointers_base"));
        assertEquals(new Port("output", 512), AxiBench.ports(verilog, "ExposingTop", "data_2_payload")
                .get("data_2_payload"));
        AxiBench.lint(verilog);
    }

    @Test
    void rejectsAnAddressWidthOutsideTheRange() {
        EsegenException failure = assertThrows(EsegenException.class, () -> new AxiLiteRegisters(8));

        assertEquals("AxiLiteRegisters: addrBits 8 is outside 12..64", failure.getMessage());
    }

    private static String bench(int addrBits, Map<Register, Long> inputs, Script script) {
        StringBuilder declarations = new StringBuilder();
        StringBuilder connections = new StringBuilder();
        StringBuilder probes = new StringBuilder();
        for (Register register : RegisterMap.ALL) {
            String name = portName(register);
            if (hasOutput(register)) {
                int width = isAddress(register) ? addrBits : 32;
                declarations.append(String.format(Locale.ROOT, "  wire [%d:0] %s;%n", width - 1, name));
                connections.append(String.format(Locale.ROOT, "    .%1$s(%1$s),%n", name));
                probes.append(String.format(Locale.ROOT, "      $display(\"port %1$s %%0d\", %1$s);%n", name));
            } else if (inputs.containsKey(register)) {
                int width = isCounter(register) ? 64 : 32;
                declarations.append(String.format(Locale.ROOT, "  reg [%d:0] %s = %d'h%x;%n", width - 1, name, width,
                        inputs.get(register)));
                connections.append(String.format(Locale.ROOT, "    .%1$s(%1$s),%n", name));
            }
        }
        return """
                `timescale 1ns/1ps
                module tb;
                  reg clk = 1'b0;
                  reg reset = 1'b1;
                  always #5 clk = ~clk;
                  reg s_axil_awvalid = 1'b0, s_axil_wvalid = 1'b0, s_axil_bready = 1'b0;
                  reg s_axil_arvalid = 1'b0, s_axil_rready = 1'b0;
                  reg [11:0] s_axil_awaddr = 0, s_axil_araddr = 0;
                  reg [31:0] s_axil_wdata = 0;
                  reg [3:0] s_axil_wstrb = 0;
                  wire s_axil_awready, s_axil_wready, s_axil_bvalid, s_axil_arready, s_axil_rvalid;
                  wire [1:0] s_axil_bresp, s_axil_rresp;
                  wire [31:0] s_axil_rdata;
                  reg busy = 1'b0, done = 1'b0, done_pulse = 1'b0;
                  wire start, interrupt;
                %1$s
                  AxiLiteRegisters dut (
                    .s_axil_awvalid(s_axil_awvalid), .s_axil_awready(s_axil_awready), .s_axil_awaddr(s_axil_awaddr),
                    .s_axil_wvalid(s_axil_wvalid), .s_axil_wready(s_axil_wready), .s_axil_wdata(s_axil_wdata),
                    .s_axil_wstrb(s_axil_wstrb), .s_axil_bvalid(s_axil_bvalid), .s_axil_bready(s_axil_bready),
                    .s_axil_bresp(s_axil_bresp), .s_axil_arvalid(s_axil_arvalid), .s_axil_arready(s_axil_arready),
                    .s_axil_araddr(s_axil_araddr), .s_axil_rvalid(s_axil_rvalid), .s_axil_rready(s_axil_rready),
                    .s_axil_rdata(s_axil_rdata), .s_axil_rresp(s_axil_rresp), .start(start), .interrupt(interrupt),
                    .busy(busy), .done(done), .done_pulse(done_pulse),
                %2$s
                    .clk(clk), .reset(reset));

                  integer start_count = 0;
                  always @(posedge clk) if (start) start_count = start_count + 1;

                  // Inputs change just after a falling edge; a handshake is the state just before a rising edge.
                  task axil_write(input [11:0] addr, input [31:0] data, input [3:0] strobes,
                                  input integer aw_delay, input integer w_delay, input integer b_delay);
                    integer t;
                    reg aw_done, w_done, b_done, aw_fire, w_fire;
                    begin
                      aw_done = 1'b0; w_done = 1'b0; t = 0;
                      while (!aw_done || !w_done) begin
                        @(negedge clk);
                        s_axil_awvalid = !aw_done && t >= aw_delay; s_axil_awaddr = addr;
                        s_axil_wvalid = !w_done && t >= w_delay; s_axil_wdata = data; s_axil_wstrb = strobes;
                        #1;
                        aw_fire = s_axil_awvalid && s_axil_awready;
                        w_fire = s_axil_wvalid && s_axil_wready;
                        @(posedge clk);
                        if (aw_fire) aw_done = 1'b1;
                        if (w_fire) w_done = 1'b1;
                        t = t + 1;
                      end
                      @(negedge clk);
                      s_axil_awvalid = 1'b0; s_axil_wvalid = 1'b0;
                      b_done = 1'b0; t = 0;
                      while (!b_done) begin
                        s_axil_bready = t >= b_delay;
                        #1;
                        if (s_axil_bvalid && s_axil_bready) begin
                          b_done = 1'b1;
                          if (s_axil_bresp != 2'd0) $display("violation bresp %%0d", s_axil_bresp);
                        end
                        @(negedge clk);
                        t = t + 1;
                      end
                      s_axil_bready = 1'b0;
                    end
                  endtask

                  task axil_read(input [11:0] addr, input integer ar_delay, input integer r_delay);
                    integer t;
                    reg ar_done, r_done, ar_fire;
                    begin
                      ar_done = 1'b0; t = 0;
                      while (!ar_done) begin
                        @(negedge clk);
                        s_axil_arvalid = t >= ar_delay; s_axil_araddr = addr;
                        #1;
                        ar_fire = s_axil_arvalid && s_axil_arready;
                        @(posedge clk);
                        if (ar_fire) ar_done = 1'b1;
                        t = t + 1;
                      end
                      @(negedge clk);
                      s_axil_arvalid = 1'b0;
                      r_done = 1'b0; t = 0;
                      while (!r_done) begin
                        s_axil_rready = t >= r_delay;
                        #1;
                        if (s_axil_rvalid && s_axil_rready) begin
                          r_done = 1'b1;
                          $display("read %%03x %%08x", addr, s_axil_rdata);
                          if (s_axil_rresp != 2'd0) $display("violation rresp %%0d", s_axil_rresp);
                        end
                        @(negedge clk);
                        t = t + 1;
                      end
                      s_axil_rready = 1'b0;
                    end
                  endtask

                  task pulse_done;
                    begin
                      @(negedge clk); done_pulse = 1'b1;
                      @(negedge clk); done_pulse = 1'b0;
                    end
                  endtask

                  task probe;
                    begin
                      repeat (2) @(negedge clk);
                %3$s
                      $display("start_count %%0d", start_count);
                      $display("interrupt %%0d", interrupt);
                    end
                  endtask

                  initial begin
                    repeat (2) @(posedge clk);
                    #1 reset = 1'b0;
                %4$s
                    $finish;
                  end
                endmodule
                """.formatted(declarations, connections, probes, script.statements);
    }
}
