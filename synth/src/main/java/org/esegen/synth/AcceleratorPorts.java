package org.esegen.synth;

import org.esegen.EsegenException;
import org.esegen.config.AcceleratorConfig;

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
    public static final String TOP = "EseAccelerator";
    /** AXI4 ID width of the accelerator's master port. */
    public static final int ID_BITS = 4;
    /** AXI4-Lite address width of the register port. */
    public static final int LITE_ADDR_BITS = 12;

    private AcceleratorPorts() {
    }

    /** Every port of {@value #TOP} for {@code config}, in contract order. */
    public static List<VerilogPort> expected(AcceleratorConfig config) {
        int data = config.memory().axiDataBits();
        int address = config.memory().axiAddrBits();
        List<VerilogPort> ports = new ArrayList<>(List.of(
                new VerilogPort("clk", INPUT, 1), new VerilogPort("reset", INPUT, 1),
                new VerilogPort("interrupt", OUTPUT, 1)));
        for (String channel : List.of("aw", "ar")) {
            ports.add(new VerilogPort("m_axi_" + channel + "valid", OUTPUT, 1));
            ports.add(new VerilogPort("m_axi_" + channel + "ready", INPUT, 1));
            ports.add(new VerilogPort("m_axi_" + channel + "addr", OUTPUT, address));
            ports.add(new VerilogPort("m_axi_" + channel + "id", OUTPUT, ID_BITS));
            ports.add(new VerilogPort("m_axi_" + channel + "len", OUTPUT, 8));
            ports.add(new VerilogPort("m_axi_" + channel + "size", OUTPUT, 3));
            ports.add(new VerilogPort("m_axi_" + channel + "burst", OUTPUT, 2));
        }
        ports.addAll(List.of(
                new VerilogPort("m_axi_rvalid", INPUT, 1), new VerilogPort("m_axi_rready", OUTPUT, 1),
                new VerilogPort("m_axi_rdata", INPUT, data), new VerilogPort("m_axi_rid", INPUT, ID_BITS),
                new VerilogPort("m_axi_rresp", INPUT, 2), new VerilogPort("m_axi_rlast", INPUT, 1),
                new VerilogPort("m_axi_wvalid", OUTPUT, 1), new VerilogPort("m_axi_wready", INPUT, 1),
                new VerilogPort("m_axi_wdata", OUTPUT, data), new VerilogPort("m_axi_wstrb", OUTPUT, data / 8),
                new VerilogPort("m_axi_wlast", OUTPUT, 1),
                new VerilogPort("m_axi_bvalid", INPUT, 1), new VerilogPort("m_axi_bready", OUTPUT, 1),
                new VerilogPort("m_axi_bid", INPUT, ID_BITS), new VerilogPort("m_axi_bresp", INPUT, 2),
                new VerilogPort("s_axil_awvalid", INPUT, 1), new VerilogPort("s_axil_awready", OUTPUT, 1),
                new VerilogPort("s_axil_awaddr", INPUT, LITE_ADDR_BITS),
                new VerilogPort("s_axil_wvalid", INPUT, 1), new VerilogPort("s_axil_wready", OUTPUT, 1),
                new VerilogPort("s_axil_wdata", INPUT, 32), new VerilogPort("s_axil_wstrb", INPUT, 4),
                new VerilogPort("s_axil_bvalid", OUTPUT, 1), new VerilogPort("s_axil_bready", INPUT, 1),
                new VerilogPort("s_axil_bresp", OUTPUT, 2),
                new VerilogPort("s_axil_arvalid", INPUT, 1), new VerilogPort("s_axil_arready", OUTPUT, 1),
                new VerilogPort("s_axil_araddr", INPUT, LITE_ADDR_BITS),
                new VerilogPort("s_axil_rvalid", OUTPUT, 1), new VerilogPort("s_axil_rready", INPUT, 1),
                new VerilogPort("s_axil_rdata", OUTPUT, 32), new VerilogPort("s_axil_rresp", OUTPUT, 2)));
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
