package org.esegen.synth;

import org.esegen.EsegenException;
import org.esegen.compile.RegisterMap;
import org.esegen.config.AcceleratorConfig;
import org.esegen.hdl.EseAccelerator;
import org.esegen.hdl.axi.AxiSignals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.esegen.synth.VerilogPort.Direction.INPUT;
import static org.esegen.synth.VerilogPort.Direction.OUTPUT;

/**
 * The port contract of the accelerator top {@value #TOP}: one clock {@code clk}, a synchronous
 * active-high {@code reset}, a level {@code interrupt}, an AXI4 master {@code m_axi_*} (Xilinx
 * names; data and address widths from the configuration, {@value #ID_BITS}-bit IDs, no lock, cache,
 * prot, qos or region signals) and an AXI4-Lite slave {@code s_axil_*} ({@value #LITE_ADDR_BITS}-bit
 * address, 32-bit data, no prot). The board wrapper connects exactly these ports.
 */
public final class AcceleratorPorts {
    /** Module name of the generated accelerator. */
    public static final String TOP = EseAccelerator.NAME;
    /** AXI4 ID width of the accelerator's master port. */
    public static final int ID_BITS = EseAccelerator.MEMORY_ID_BITS;
    /** AXI4-Lite address width of the register port. */
    public static final int LITE_ADDR_BITS = RegisterMap.ADDRESS_BITS;

    private AcceleratorPorts() {
    }

    /** Every port of {@value #TOP} for {@code config}, in contract order: clock, reset, interrupt, then {@link AxiSignals}'s. */
    public static List<VerilogPort> expected(AcceleratorConfig config) {
        List<VerilogPort> ports = new ArrayList<>(List.of(
                new VerilogPort("clk", INPUT, 1), new VerilogPort("reset", INPUT, 1),
                new VerilogPort("interrupt", OUTPUT, 1)));
        AxiSignals.Widths memory = EseAccelerator.memoryWidths(config);
        for (AxiSignals.Signal s : AxiSignals.of(AxiSignals.Protocol.AXI4)) {
            ports.add(new VerilogPort(EseAccelerator.MEMORY_PREFIX + s.name(), s.drivenByMaster() ? OUTPUT : INPUT,
                    memory.bits(s.width())));
        }
        for (AxiSignals.Signal s : AxiSignals.of(AxiSignals.Protocol.AXI4_LITE)) {
            ports.add(new VerilogPort(EseAccelerator.REGISTERS_PREFIX + s.name(), s.drivenByMaster() ? INPUT : OUTPUT,
                    EseAccelerator.REGISTER_WIDTHS.bits(s.width())));
        }
        return ports;
    }

    /**
     * Checks that a generated top has exactly the contract's ports, in any order.
     *
     * @param actual the ports read from the generated Verilog
     * @param config the configuration it was generated for
     * @throws EsegenException listing every missing, extra or mismatched port
     */
    public static void check(List<VerilogPort> actual, AcceleratorConfig config) {
        Map<String, VerilogPort> expected = new LinkedHashMap<>();
        expected(config).forEach(p -> expected.put(p.name(), p));
        List<String> problems = new ArrayList<>();
        for (VerilogPort port : actual) {
            VerilogPort want = expected.remove(port.name());
            if (want == null) {
                problems.add("unexpected port " + port.name());
            } else if (!want.equals(port)) {
                problems.add(port.name() + " is " + port.direction().keyword() + " " + port.width() + " bit(s), expected "
                        + want.direction().keyword() + " " + want.width());
            }
        }
        expected.keySet().forEach(name -> problems.add("missing port " + name));
        if (!problems.isEmpty()) {
            throw new EsegenException(TOP + " does not match the port contract the board wrapper relies on: "
                    + String.join("; ", problems));
        }
    }
}
