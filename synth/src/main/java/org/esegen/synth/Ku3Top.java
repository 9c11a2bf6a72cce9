package org.esegen.synth;

import org.esegen.EsegenException;
import org.esegen.config.AcceleratorConfig;
import org.esegen.hdl.axi.AxiSignals;
import org.esegen.hdl.spinal.VerilogEmitter;
import org.esegen.hdl.units.AxiBankSplitter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.esegen.synth.VerilogPort.Direction.INOUT;
import static org.esegen.synth.VerilogPort.Direction.INPUT;
import static org.esegen.synth.VerilogPort.Direction.OUTPUT;

/**
 * The board top for the Alpha Data ADM-PCIE-KU3: {@value #MODULE} instantiates the accelerator,
 * both DDR3 memory controllers and a host bridge, and connects them through Xilinx AXI IP.
 *
 * <pre>
 *  one bank at a time (axiDataBits 512):
 *  accelerator m_axi (512 b) --------------------------+--> crossbar --> bank 0 controller (0x0_0000_0000, 8 GB)
 *  host DMA master --> width converter (512 b) --------+             --> clock converter --> bank 1 controller
 *                                                                        (0x2_0000_0000, 8 GB)
 *  both banks side by side (axiDataBits 1024):
 *  accelerator m_axi (1024 b) -------------------------+--> crossbar --> AxiBankSplitter --> bank 0 controller
 *  host DMA master --> width converter (1024 b) -------+   (1024 b)     (low 512 b)     --> clock converter
 *                                                                        (high 512 b)        --> bank 1 controller
 *  host register master (--> clock converter for xdma) --> accelerator s_axil
 *  accelerator interrupt --> 2-flip-flop synchronizer --> XDMA user interrupt 0 (xdma) / LED 1
 * </pre>
 *
 * <p>Side by side, byte address A of the 16 GB the crossbar maps lives in bank A / 64 mod 2 at
 * (A / 128) 64 + A mod 64: each 128-byte word is split over the banks, every beat of a burst goes
 * to both, so the accelerator gets both banks' bandwidth (the co-simulation's DDR model for a
 * 1024-bit port). {@link AxiBankSplitter}'s Verilog (module {@value #SPLITTER} and its
 * {@code AxiBankSplitter_*} submodules) is appended to KU3Top.v.
 *
 * <p>The accelerator, the crossbar and bank 0's AXI side run on bank 0's UI clock (200 MHz for
 * DDR3-1600 at the 4:1 PHY ratio), so the accelerator's own AXI master needs no clock crossing; the
 * accelerator's {@code clockMhz} must be that clock. Its reset is bank 0's UI reset or a not yet
 * calibrated bank 0, registered twice in that clock domain (both are synchronous to it). Bank 1 is
 * reached through the crossbar at 8 GB, so an accelerator with 34 address bits can use both banks;
 * with 33 it sees bank 0 only, and bank 1 serves the host.
 *
 * <p>The IP module names ({@link #ipModules()}) are the ones {@code build.tcl} creates; the IP
 * port names follow Xilinx's documentation for ddr3, axi_crossbar, axi_clock_converter,
 * axi_dwidth_converter, xdma and jtag_axi. Only a Vivado run can confirm them; {@link #ipStubs()}
 * writes port-only stand-ins so Verilator can lint the wrapper without the IP.
 */
public final class Ku3Top {
    /** Module and file base name of the wrapper. */
    public static final String MODULE = "KU3Top";
    /** AXI data width of the memory controllers. */
    public static final int DDR_DATA_BITS = 512;
    /** Module name of the bank splitter of a 1024-bit accelerator port (generated RTL, not IP). */
    public static final String SPLITTER = "AxiBankSplitter";
    /** Requests per direction the splitter keeps in flight (its ID FIFOs). */
    private static final int SPLITTER_OUTSTANDING = 16;
    /** Address bits of one bank (8 GB). */
    public static final int BANK_ADDRESS_BITS = 33;
    /** Address bits of the crossbar: two banks. */
    public static final int XBAR_ADDRESS_BITS = 34;
    private static final int XBAR_ID_BITS = 5;
    private static final int DDR_DQ_BITS = 72;
    private static final int DDR_DQS = 9;
    private static final int PCIE_LANES = 8;
    private static final int LEDS = 3;

    private final HostBridge host;
    private final int accelAddressBits;
    /** The accelerator's port spans both banks (1024 bits) rather than one (512). */
    private final boolean sideBySide;
    private final List<VerilogPort> topPorts = new ArrayList<>();
    private final List<Instance> instances = new ArrayList<>();
    private final List<String> wires = new ArrayList<>();
    private final List<String> logic = new ArrayList<>();
    private final List<String> unused = new ArrayList<>();

    private Ku3Top(AcceleratorConfig config, HostBridge host) {
        this.host = host;
        this.accelAddressBits = config.memory().axiAddrBits();
        this.sideBySide = config.memory().axiDataBits() == 2 * DDR_DATA_BITS;
        build(config);
    }

    /**
     * The wrapper for {@code config} and {@code host}.
     *
     * @throws EsegenException when the configuration cannot sit on the KU3: the AXI data width
     *                         must be the controllers' 512 bits (one bank at a time) or twice that
     *                         (both side by side), the address at most the crossbar's 34 bits, and
     *                         {@code clockMhz} bank 0's 200 MHz UI clock
     */
    public static Ku3Top of(AcceleratorConfig config, HostBridge host) {
        int dataBits = config.memory().axiDataBits();
        if (dataBits != DDR_DATA_BITS && dataBits != 2 * DDR_DATA_BITS) {
            throw new EsegenException("--board adm-pcie-ku3 connects the accelerator to the " + DDR_DATA_BITS
                    + "-bit memory controllers, one bank at a time (axiDataBits=" + DDR_DATA_BITS
                    + ") or both side by side (axiDataBits=" + 2 * DDR_DATA_BITS + "): axiDataBits is " + dataBits
                    + "; use --set axiDataBits=" + 2 * DDR_DATA_BITS + " or " + DDR_DATA_BITS + ", or --board none");
        }
        if (config.memory().axiAddrBits() > XBAR_ADDRESS_BITS) {
            throw new EsegenException("--board adm-pcie-ku3 maps two 8 GB banks (" + XBAR_ADDRESS_BITS
                    + " address bits): axiAddrBits " + config.memory().axiAddrBits()
                    + " would alias; use --set axiAddrBits=33 or 34");
        }
        if (config.clockMhz() != 200) {
            throw new EsegenException("--board adm-pcie-ku3 runs the accelerator on bank 0's memory-controller UI "
                    + "clock, 200 MHz for DDR3-1600 at the 4:1 PHY ratio: clockMhz is " + config.clockMhz()
                    + "; use --set clockMhz=200 (or --board none for other clocks)");
        }
        return new Ku3Top(config, host);
    }

    // ---- AXI interfaces --------------------------------------------------------------------------

    /** One AXI signal: name after the prefix, width, direction, and the value a missing driver takes. */
    private record Signal(String name, int width, boolean toSlave, String absent) {
    }

    /**
     * An AXI4 or AXI4-Lite interface as one IP spells it: its protocol, widths and which optional signal
     * groups of {@link AxiSignals} it has (an ID width of 0 means no ID signals).
     */
    private record Axi(AxiSignals.Protocol protocol, AxiSignals.Widths widths, Set<AxiSignals.Option> options) {

        static Axi full(int address, int data, int id, boolean lockCacheProt, boolean qos, boolean region) {
            Set<AxiSignals.Option> options = EnumSet.noneOf(AxiSignals.Option.class);
            if (id > 0) {
                options.add(AxiSignals.Option.ID);
            }
            if (lockCacheProt) {
                options.addAll(List.of(AxiSignals.Option.LOCK, AxiSignals.Option.CACHE, AxiSignals.Option.PROT));
            }
            if (qos) {
                options.add(AxiSignals.Option.QOS);
            }
            if (region) {
                options.add(AxiSignals.Option.REGION);
            }
            return new Axi(AxiSignals.Protocol.AXI4, new AxiSignals.Widths(data, address, id), options);
        }

        static Axi lite(int address, boolean prot) {
            return new Axi(AxiSignals.Protocol.AXI4_LITE, new AxiSignals.Widths(32, address, 0),
                    prot ? EnumSet.of(AxiSignals.Option.PROT) : EnumSet.noneOf(AxiSignals.Option.class));
        }

        int data() {
            return widths.data();
        }

        List<Signal> signals() {
            return AxiSignals.of(protocol, options).stream().map(s -> new Signal(s.name(), widths.bits(s.width()),
                    s.drivenByMaster(), s.tieOff(widths))).toList();
        }
    }

    /** One end of an AXI link: an instance's port prefix, its interface, and its slot on a multi-port IP. */
    private record End(Instance instance, String prefix, Axi axi, int slot, int slots) {
        End(Instance instance, String prefix, Axi axi) {
            this(instance, prefix, axi, 0, 1);
        }
    }

    /** An instance in the wrapper; its connections define the port list of its stand-in for lint. */
    private static final class Instance {
        final String module;
        final String name;
        final Map<String, VerilogPort> ports = new LinkedHashMap<>();
        final Map<String, String[]> connections = new LinkedHashMap<>();

        Instance(String module, String name) {
            this.module = module;
            this.name = name;
        }

        void connect(String port, VerilogPort.Direction direction, int width, String expression) {
            connect(port, direction, width, 0, 1, expression);
        }

        /** Connects slot {@code slot} of {@code slots} of a port whose slots are each {@code width} bits. */
        void connect(String port, VerilogPort.Direction direction, int width, int slot, int slots, String expression) {
            VerilogPort declared = new VerilogPort(port, direction, width * slots);
            VerilogPort previous = ports.putIfAbsent(port, declared);
            if (previous != null && !previous.equals(declared)) {
                throw new IllegalStateException(name + "." + port + " connected as " + declared + " and " + previous);
            }
            String[] slotExpressions = connections.computeIfAbsent(port, p -> new String[slots]);
            if (slotExpressions[slot] != null) {
                throw new IllegalStateException(name + "." + port + " slot " + slot + " connected twice");
            }
            slotExpressions[slot] = expression;
        }
    }

    private static String zero(int width) {
        return width + "'d0";
    }

    private Instance instance(String module, String name) {
        Instance instance = new Instance(module, name);
        instances.add(instance);
        return instance;
    }

    private String wire(String name, int width) {
        wires.add("wire " + (width == 1 ? "" : "[" + (width - 1) + ":0] ") + name + ";");
        return name;
    }

    /** {@code expression} ({@code from} bits) as {@code to} bits: zero-extended, or cut with the rest unused. */
    private String resize(String expression, int from, int to) {
        if (from == to) {
            return expression;
        }
        if (to > from) {
            return "{" + zero(to - from) + ", " + expression + "}";
        }
        unused.add(from - to == 1 ? expression + "[" + (from - 1) + "]" : expression + "[" + (from - 1) + ":" + to + "]");
        return to == 1 ? expression + "[0]" : expression + "[" + (to - 1) + ":0]";
    }

    /**
     * Connects an AXI master to an AXI slave through wires named {@code link_<signal>}. Signals one
     * side lacks take the {@link Signal#absent} value or are collected as unused; IDs and addresses
     * of different widths are zero-extended or cut (low bits kept).
     */
    private void link(String link, End master, End slave) {
        if (master.axi().data() != slave.axi().data()) {
            throw new IllegalStateException(link + ": data widths " + master.axi().data() + " and " + slave.axi().data());
        }
        Map<String, Signal> masterSignals = new LinkedHashMap<>();
        master.axi().signals().forEach(s -> masterSignals.put(s.name(), s));
        Map<String, Signal> slaveSignals = new LinkedHashMap<>();
        slave.axi().signals().forEach(s -> slaveSignals.put(s.name(), s));
        Set<String> names = new LinkedHashSet<>(slaveSignals.keySet());
        names.addAll(masterSignals.keySet());
        for (String name : names) {
            Signal m = masterSignals.get(name);
            Signal s = slaveSignals.get(name);
            Signal driver = (m != null ? m : s).toSlave() ? m : s;
            Signal receiver = driver == m ? s : m;
            End from = driver == m ? master : slave;
            End to = driver == m ? slave : master;
            if (driver == null) {
                to.instance().connect(to.prefix() + name, INPUT, receiver.width(), to.slot(), to.slots(), receiver.absent());
                continue;
            }
            String net = wire(link + "_" + name, driver.width());
            from.instance().connect(from.prefix() + name, OUTPUT, driver.width(), from.slot(), from.slots(), net);
            if (receiver == null) {
                unused.add(net);
            } else {
                to.instance().connect(to.prefix() + name, INPUT, receiver.width(), to.slot(), to.slots(),
                        resize(net, driver.width(), receiver.width()));
            }
        }
    }

    // ---- the wrapper ------------------------------------------------------------------------------

    private void build(AcceleratorConfig config) {
        int portBits = portBits();
        Axi bank = Axi.full(BANK_ADDRESS_BITS, DDR_DATA_BITS, XBAR_ID_BITS, true, true, false);
        Axi xbarSlave = Axi.full(XBAR_ADDRESS_BITS, portBits, XBAR_ID_BITS, true, true, false);
        Axi xbarMaster = Axi.full(XBAR_ADDRESS_BITS, portBits, XBAR_ID_BITS, true, true, true);
        Axi converter = Axi.full(XBAR_ADDRESS_BITS, DDR_DATA_BITS, XBAR_ID_BITS, true, true, true);

        Instance[] controllers = new Instance[2];
        for (int b = 0; b < 2; b++) {
            controllers[b] = memoryController(b);
        }
        String uiClock = "ddr0_ui_clk";

        // Accelerator, in bank 0's UI clock domain.
        logic.add("// Accelerator reset: bank 0's UI reset or bank 0 not calibrated yet, both synchronous to\n"
                + "// ddr0_ui_clk; registered twice for fan-out. The crossbar and bank 0's AXI port reset with\n"
                + "// the UI reset alone.\n"
                + "reg [1:0] accel_reset_pipe = 2'b11;\n"
                + "always @(posedge ddr0_ui_clk) accel_reset_pipe <= {accel_reset_pipe[0], ddr0_ui_rst | ~ddr0_calibrated};\n"
                + "wire accel_reset = accel_reset_pipe[1];\n"
                + "wire accel_resetn = ~accel_reset;");
        Instance accelerator = instance(AcceleratorPorts.TOP, "u_accelerator");
        accelerator.connect("clk", INPUT, 1, uiClock);
        accelerator.connect("reset", INPUT, 1, "accel_reset");
        accelerator.connect("interrupt", OUTPUT, 1, wire("accel_interrupt", 1));
        Axi accelMaster = Axi.full(accelAddressBits, portBits, AcceleratorPorts.ID_BITS, false, false, false);
        Axi accelRegisters = Axi.lite(AcceleratorPorts.LITE_ADDR_BITS, false);

        Instance xbar = instance("esegen_ddr_xbar", "u_ddr_xbar");
        xbar.connect("aclk", INPUT, 1, uiClock);
        xbar.connect("aresetn", INPUT, 1, "ddr0_aresetn");
        link("accel_ddr", new End(accelerator, "m_axi_", accelMaster), new End(xbar, "s_axi_", xbarSlave, 0, 2));

        Instance bank1Cdc = instance("esegen_bank1_cdc", "u_bank1_cdc");
        bank1Cdc.connect("s_axi_aclk", INPUT, 1, uiClock);
        bank1Cdc.connect("s_axi_aresetn", INPUT, 1, "ddr0_aresetn");
        bank1Cdc.connect("m_axi_aclk", INPUT, 1, "ddr1_ui_clk");
        bank1Cdc.connect("m_axi_aresetn", INPUT, 1, "ddr1_aresetn");
        if (sideBySide) {
            Instance splitter = instance(SPLITTER, "u_bank_splitter");
            splitter.connect("clk", INPUT, 1, uiClock);
            splitter.connect("reset", INPUT, 1, "~ddr0_aresetn");
            Axi splitterSlave = Axi.full(XBAR_ADDRESS_BITS, portBits, XBAR_ID_BITS, false, false, false);
            Axi splitterBank = Axi.full(XBAR_ADDRESS_BITS - 1, DDR_DATA_BITS, XBAR_ID_BITS, false, false, false);
            link("banks", new End(xbar, "m_axi_", xbarMaster), new End(splitter, "s_axi_", splitterSlave));
            link("bank0", new End(splitter, "m0_axi_", splitterBank), new End(controllers[0], "c0_ddr3_s_axi_", bank));
            link("bank1_split", new End(splitter, "m1_axi_", splitterBank), new End(bank1Cdc, "s_axi_", converter));
        } else {
            link("bank0", new End(xbar, "m_axi_", xbarMaster, 0, 2), new End(controllers[0], "c0_ddr3_s_axi_", bank));
            link("bank1_xbar", new End(xbar, "m_axi_", xbarMaster, 1, 2), new End(bank1Cdc, "s_axi_", converter));
        }
        link("bank1", new End(bank1Cdc, "m_axi_", converter), new End(controllers[1], "c0_ddr3_s_axi_", bank));

        Instance upsizer = instance("esegen_host_upsizer", "u_host_upsizer");
        Axi upsizerOut = Axi.full(XBAR_ADDRESS_BITS, portBits, 0, true, true, true);
        link("host_ddr", new End(upsizer, "m_axi_", upsizerOut), new End(xbar, "s_axi_", xbarSlave, 1, 2));

        logic.add("// The accelerator's interrupt, registered in its clock domain.\n"
                + "reg accel_interrupt_q = 1'b0;\n"
                + "always @(posedge ddr0_ui_clk) accel_interrupt_q <= accel_interrupt;");
        if (host == HostBridge.XDMA) {
            xdmaHost(upsizer, accelerator, accelRegisters);
        } else {
            jtagHost(upsizer, accelerator, accelRegisters);
        }
        topPorts.add(new VerilogPort("led", OUTPUT, LEDS));
    }

    private Instance memoryController(int b) {
        String p = "ddr" + b + "_";
        topPorts.add(new VerilogPort(p + "clk_p", INPUT, 1));
        topPorts.add(new VerilogPort(p + "clk_n", INPUT, 1));
        Instance mig = instance("ddr3_bank" + b, "u_ddr3_bank" + b);
        mig.connect("sys_rst", INPUT, 1, "board_reset");
        mig.connect("c0_sys_clk_p", INPUT, 1, p + "clk_p");
        mig.connect("c0_sys_clk_n", INPUT, 1, p + "clk_n");
        for (String[] pin : new String[][]{{"addr", "16"}, {"ba", "3"}, {"ras_n", "1"}, {"cas_n", "1"}, {"we_n", "1"},
                {"reset_n", "1"}, {"ck_p", "2"}, {"ck_n", "2"}, {"cke", "2"}, {"cs_n", "2"}, {"odt", "2"}}) {
            int width = Integer.parseInt(pin[1]);
            topPorts.add(new VerilogPort(p + pin[0], OUTPUT, width));
            mig.connect("c0_ddr3_" + pin[0], OUTPUT, width, p + pin[0]);
        }
        for (String[] pin : new String[][]{{"dq", "" + DDR_DQ_BITS}, {"dqs_p", "" + DDR_DQS}, {"dqs_n", "" + DDR_DQS}}) {
            int width = Integer.parseInt(pin[1]);
            topPorts.add(new VerilogPort(p + pin[0], INOUT, width));
            mig.connect("c0_ddr3_" + pin[0], INOUT, width, p + pin[0]);
        }
        topPorts.add(new VerilogPort(p + "dm", OUTPUT, DDR_DQS));
        logic.add("// Bank " + b + "'s data-mask pins: the controller runs without data mask, so they are driven\n"
                + "// low (never masking a write), as Alpha Data's reference design does.\n"
                + "assign " + p + "dm = " + DDR_DQS + "'d0;");
        mig.connect("c0_init_calib_complete", OUTPUT, 1, wire(p + "calibrated", 1));
        mig.connect("c0_ddr3_ui_clk", OUTPUT, 1, wire(p + "ui_clk", 1));
        mig.connect("c0_ddr3_ui_clk_sync_rst", OUTPUT, 1, wire(p + "ui_rst", 1));
        mig.connect("c0_ddr3_aresetn", INPUT, 1, p + "aresetn");
        // ECC status/control port (AXI-Lite, present with ECC on): idle.
        for (String[] input : new String[][]{{"awvalid", "1", "1'b0"}, {"awaddr", "32", "32'd0"},
                {"wvalid", "1", "1'b0"}, {"wdata", "32", "32'd0"}, {"bready", "1", "1'b1"},
                {"arvalid", "1", "1'b0"}, {"araddr", "32", "32'd0"}, {"rready", "1", "1'b1"}}) {
            mig.connect("c0_ddr3_s_axi_ctrl_" + input[0], INPUT, Integer.parseInt(input[1]), input[2]);
        }
        logic.add("// Bank " + b + "'s AXI reset: its UI reset, registered in its UI clock domain.\n"
                + "reg " + p + "aresetn_q = 1'b0;\n"
                + "always @(posedge " + p + "ui_clk) " + p + "aresetn_q <= ~" + p + "ui_rst;\n"
                + "wire " + p + "aresetn = " + p + "aresetn_q;");
        return mig;
    }

    private void xdmaHost(Instance upsizer, Instance accelerator, Axi accelRegisters) {
        topPorts.add(new VerilogPort("pcie_refclk_p", INPUT, 1));
        topPorts.add(new VerilogPort("pcie_refclk_n", INPUT, 1));
        topPorts.add(new VerilogPort("pcie_perst_n", INPUT, 1));
        topPorts.add(new VerilogPort("pcie_rx_p", INPUT, PCIE_LANES));
        topPorts.add(new VerilogPort("pcie_rx_n", INPUT, PCIE_LANES));
        topPorts.add(new VerilogPort("pcie_tx_p", OUTPUT, PCIE_LANES));
        topPorts.add(new VerilogPort("pcie_tx_n", OUTPUT, PCIE_LANES));
        logic.add("// The slot's PERST# resets both memory controllers (they synchronize it).\n"
                + "wire board_reset = ~pcie_perst_n;");

        Instance refclk = instance("IBUFDS_GTE3", "u_pcie_refclk");
        refclk.connect("I", INPUT, 1, "pcie_refclk_p");
        refclk.connect("IB", INPUT, 1, "pcie_refclk_n");
        refclk.connect("CEB", INPUT, 1, "1'b0");
        refclk.connect("O", OUTPUT, 1, wire("pcie_refclk_gt", 1));
        refclk.connect("ODIV2", OUTPUT, 1, wire("pcie_refclk", 1));

        Instance xdma = instance("esegen_xdma", "u_xdma");
        xdma.connect("sys_clk", INPUT, 1, "pcie_refclk");
        xdma.connect("sys_clk_gt", INPUT, 1, "pcie_refclk_gt");
        xdma.connect("sys_rst_n", INPUT, 1, "pcie_perst_n");
        xdma.connect("pci_exp_rxp", INPUT, PCIE_LANES, "pcie_rx_p");
        xdma.connect("pci_exp_rxn", INPUT, PCIE_LANES, "pcie_rx_n");
        xdma.connect("pci_exp_txp", OUTPUT, PCIE_LANES, "pcie_tx_p");
        xdma.connect("pci_exp_txn", OUTPUT, PCIE_LANES, "pcie_tx_n");
        xdma.connect("user_lnk_up", OUTPUT, 1, wire("pcie_link_up", 1));
        xdma.connect("axi_aclk", OUTPUT, 1, wire("pcie_clk", 1));
        xdma.connect("axi_aresetn", OUTPUT, 1, wire("pcie_aresetn", 1));
        xdma.connect("usr_irq_req", INPUT, 1, "accel_irq_sync[1]");
        logic.add("// Interrupt to the PCIe user clock: two flip-flops (constraints/ku3_top.xdc puts the two\n"
                + "// clock domains in asynchronous groups).\n"
                + "(* ASYNC_REG = \"TRUE\" *) reg [1:0] accel_irq_sync = 2'b00;\n"
                + "always @(posedge pcie_clk) accel_irq_sync <= {accel_irq_sync[0], accel_interrupt_q};");

        upsizer.connect("s_axi_aclk", INPUT, 1, "pcie_clk");
        upsizer.connect("s_axi_aresetn", INPUT, 1, "pcie_aresetn");
        upsizer.connect("m_axi_aclk", INPUT, 1, "ddr0_ui_clk");
        upsizer.connect("m_axi_aresetn", INPUT, 1, "ddr0_aresetn");
        link("pcie_dma", new End(xdma, "m_axi_", Axi.full(64, 256, 4, true, false, false)),
                new End(upsizer, "s_axi_", Axi.full(XBAR_ADDRESS_BITS, 256, 4, true, true, true)));

        Instance registersCdc = instance("esegen_regs_cdc", "u_regs_cdc");
        registersCdc.connect("s_axi_aclk", INPUT, 1, "pcie_clk");
        registersCdc.connect("s_axi_aresetn", INPUT, 1, "pcie_aresetn");
        registersCdc.connect("m_axi_aclk", INPUT, 1, "ddr0_ui_clk");
        registersCdc.connect("m_axi_aresetn", INPUT, 1, "accel_resetn");
        Axi registers = Axi.lite(AcceleratorPorts.LITE_ADDR_BITS, true);
        link("pcie_regs", new End(xdma, "m_axil_", Axi.lite(32, true)), new End(registersCdc, "s_axi_", registers));
        link("accel_regs", new End(registersCdc, "m_axi_", registers), new End(accelerator, "s_axil_", accelRegisters));

        logic.add("assign led = {pcie_link_up, accel_interrupt_q, ddr0_calibrated & ddr1_calibrated};");
    }

    private void jtagHost(Instance upsizer, Instance accelerator, Axi accelRegisters) {
        topPorts.add(new VerilogPort("pcie_perst_n", INPUT, 1));
        logic.add("// The slot's PERST# resets both memory controllers (they synchronize it).\n"
                + "wire board_reset = ~pcie_perst_n;");

        Instance ddrMaster = instance("esegen_jtag_ddr", "u_jtag_ddr");
        ddrMaster.connect("aclk", INPUT, 1, "ddr0_ui_clk");
        ddrMaster.connect("aresetn", INPUT, 1, "ddr0_aresetn");
        upsizer.connect("s_axi_aclk", INPUT, 1, "ddr0_ui_clk");
        upsizer.connect("s_axi_aresetn", INPUT, 1, "ddr0_aresetn");
        link("jtag_dma", new End(ddrMaster, "m_axi_", Axi.full(64, 32, 1, true, true, false)),
                new End(upsizer, "s_axi_", Axi.full(XBAR_ADDRESS_BITS, 32, 1, true, true, true)));

        Instance registerMaster = instance("esegen_jtag_regs", "u_jtag_regs");
        registerMaster.connect("aclk", INPUT, 1, "ddr0_ui_clk");
        registerMaster.connect("aresetn", INPUT, 1, "accel_resetn");
        link("accel_regs", new End(registerMaster, "m_axi_", Axi.lite(32, true)),
                new End(accelerator, "s_axil_", accelRegisters));

        logic.add("// LED 2 blinks at about 1.5 Hz while bank 0's UI clock runs.\n"
                + "reg [26:0] heartbeat = 27'd0;\n"
                + "always @(posedge ddr0_ui_clk) heartbeat <= heartbeat + 27'd1;\n"
                + "assign led = {heartbeat[26], accel_interrupt_q, ddr0_calibrated & ddr1_calibrated};");
    }

    // ---- output ----------------------------------------------------------------------------------

    /** The host bridge the wrapper was built for. */
    public HostBridge host() {
        return host;
    }

    /** AXI data width of the accelerator's port, the crossbar and the host path: 512, or 1024 side by side. */
    public int portBits() {
        return sideBySide ? 2 * DDR_DATA_BITS : DDR_DATA_BITS;
    }

    /** Modules of Xilinx IP the wrapper instantiates; {@code build.tcl} creates each with {@code create_ip}. */
    public List<String> ipModules() {
        return instances.stream().map(i -> i.module).filter(Ku3Top::isIp).toList();
    }

    /** Whether {@code module} is Xilinx IP (not the accelerator, a primitive, or generated RTL). */
    private static boolean isIp(String module) {
        return !module.equals(AcceleratorPorts.TOP) && !module.equals("IBUFDS_GTE3") && !module.equals(SPLITTER);
    }

    /** The splitter's Verilog, emitted by hdl-gen with its submodules named {@value #SPLITTER}_*. */
    private static String splitterVerilog() {
        try {
            Path dir = Files.createTempDirectory("esegen-splitter");
            try {
                List<Path> files = VerilogEmitter.emit(dir, SPLITTER, () -> new AxiBankSplitter(2 * DDR_DATA_BITS,
                        XBAR_ADDRESS_BITS, XBAR_ID_BITS, SPLITTER_OUTSTANDING), true);
                StringBuilder text = new StringBuilder();
                for (Path file : files) {
                    text.append(Files.readString(file));
                }
                return text.toString();
            } finally {
                try (var paths = Files.walk(dir)) {
                    paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
                }
            }
        } catch (IOException e) {
            throw new EsegenException("cannot emit " + SPLITTER + ": " + e.getMessage(), e);
        }
    }

    /** {@value #MODULE}.v. */
    public String verilog() {
        StringBuilder v = new StringBuilder();
        v.append("// ").append(MODULE).append(": esegen's accelerator on the Alpha Data ADM-PCIE-KU3 (host bridge ")
                .append(host.cliName()).append("), written by `esegen vivado --board adm-pcie-ku3`.\n")
                .append("// The IP it instantiates is created by build.tcl; see README.md for the address map and clocks.\n")
                .append("// The accelerator's m_axi has ").append(accelAddressBits).append(" address bits and ")
                .append(portBits()).append(" data bits: ")
                .append(sideBySide ? (accelAddressBits > BANK_ADDRESS_BITS
                        ? "it reaches all of both banks, side by side.\n"
                        : "it reaches the first 4 GB of both banks, side by side.\n")
                        : accelAddressBits > BANK_ADDRESS_BITS ? "it reaches both banks.\n"
                        : "it reaches bank 0; bank 1 serves the host.\n")
                .append("`timescale 1ns/1ps\n")
                .append("`default_nettype none\n")
                .append("module ").append(MODULE).append(" (\n");
        for (int i = 0; i < topPorts.size(); i++) {
            VerilogPort p = topPorts.get(i);
            v.append(String.format("    %-6s wire %-8s%s%s%n", p.direction().keyword(), p.range().strip(), p.name(),
                    i + 1 < topPorts.size() ? "," : ""));
        }
        v.append(");\n\n");
        wires.forEach(w -> v.append(w).append('\n'));
        v.append('\n');
        logic.forEach(l -> v.append(l).append("\n\n"));
        for (Instance instance : instances) {
            v.append(instance.module).append(' ').append(instance.name).append(" (\n");
            List<String> lines = new ArrayList<>();
            for (Map.Entry<String, String[]> c : instance.connections.entrySet()) {
                String[] slots = c.getValue();
                String expression;
                if (slots.length == 1) {
                    expression = slots[0];
                } else {
                    List<String> parts = new ArrayList<>();
                    for (int s = slots.length - 1; s >= 0; s--) {
                        if (slots[s] == null) {
                            throw new IllegalStateException(instance.name + "." + c.getKey() + " slot " + s + " unconnected");
                        }
                        parts.add(slots[s]);
                    }
                    expression = "{" + String.join(", ", parts) + "}";
                }
                lines.add("    ." + c.getKey() + "(" + expression + ")");
            }
            v.append(String.join(",\n", lines)).append("\n);\n\n");
        }
        v.append("// Outputs of the IP nothing in this wrapper reads.\n")
                .append("wire unused_ok = &{1'b0, ").append(String.join(", ", unused)).append("};\n\n")
                .append("endmodule\n`default_nettype wire\n");
        if (sideBySide) {
            v.append("\n// ").append(SPLITTER).append(": the 1024-bit port over both banks, generated by esegen (hdl-gen).\n")
                    .append(splitterVerilog());
        }
        return v.toString();
    }

    /**
     * Port-only stand-ins for every IP module and primitive the wrapper instantiates, with exactly
     * the ports it connects: outputs driven to zero, inputs gathered into an unused net. Only for
     * linting {@value #MODULE} with Verilator; never read by Vivado.
     */
    public String ipStubs() {
        StringBuilder v = new StringBuilder("// Port-only stand-ins for the Xilinx IP and primitives ")
                .append(MODULE).append(".v instantiates, for `verilator --lint-only`.\n")
                .append("// NOT for Vivado: build.tcl creates the real IP. Written by `esegen vivado`.\n")
                .append("`timescale 1ns/1ps\n")
                .append("`default_nettype none\n");
        for (Instance instance : instances) {
            if (instance.module.equals(AcceleratorPorts.TOP) || instance.module.equals(SPLITTER)) {
                continue;
            }
            List<VerilogPort> ports = new ArrayList<>(instance.ports.values());
            v.append("\nmodule ").append(instance.module).append(" (\n");
            for (int i = 0; i < ports.size(); i++) {
                VerilogPort p = ports.get(i);
                v.append("    ").append(p.direction().keyword()).append(" wire ").append(p.range()).append(p.name())
                        .append(i + 1 < ports.size() ? ",\n" : "\n");
            }
            v.append(");\n");
            List<String> inputs = new ArrayList<>();
            for (VerilogPort p : ports) {
                switch (p.direction()) {
                    case OUTPUT -> v.append("    assign ").append(p.name()).append(" = ").append(zero(p.width())).append(";\n");
                    case INPUT -> inputs.add(p.name());
                    case INOUT -> v.append("    assign ").append(p.name()).append(" = {").append(p.width()).append("{1'bz}};\n");
                }
            }
            if (!inputs.isEmpty()) {
                v.append("    wire unused_ok = &{1'b0, ").append(String.join(", ", inputs)).append("};\n");
            }
            v.append("endmodule\n");
        }
        return v.append("`default_nettype wire\n").toString();
    }

    /** constraints/ku3_top.xdc: the wrapper's clock domains and asynchronous inputs and outputs. */
    public String constraints() {
        StringBuilder x = new StringBuilder("# Clock domains of ").append(MODULE).append(" (host bridge ")
                .append(host.cliName()).append("), written with rtl/").append(MODULE).append(".v by `esegen vivado`.\n")
                .append("# The accelerator, the crossbar and bank 0's AXI side run on bank 0's UI clock, bank 1's AXI\n")
                .append("# side on bank 1's UI clock")
                .append(host == HostBridge.XDMA ? ", the XDMA side on the PCIe user clock. " : ". ")
                .append("Data crosses clock domains only\n")
                .append("# inside Xilinx clock-converter IP (axi_clock_converter")
                .append(host == HostBridge.XDMA ? ", axi_dwidth_converter in asynchronous mode" : "")
                .append("), which carries\n# its own constraints")
                .append(host == HostBridge.XDMA ? ", and through the interrupt synchronizer accel_irq_sync (ASYNC_REG in the RTL)" : "")
                .append(".\n# The memory controllers derive their clocks from their reference clocks (adm-pcie-ku3.xdc).\n")
                .append("set_clock_groups -asynchronous \\\n")
                .append("    -group [get_clocks -include_generated_clocks ddr0_refclk] \\\n")
                .append("    -group [get_clocks -include_generated_clocks ddr1_refclk]");
        if (host == HostBridge.XDMA) {
            x.append(" \\\n    -group [get_clocks -include_generated_clocks pcie_refclk]");
        }
        x.append("\n\n# PERST# is asynchronous; the memory controllers")
                .append(host == HostBridge.XDMA ? " and the XDMA" : "")
                .append(" synchronize it.\nset_false_path -from [get_ports pcie_perst_n]\n\n")
                .append("# The LEDs are static indicators.\nset_false_path -to [get_ports {led[*]}]\n");
        if (host == HostBridge.XDMA) {
            x.append("\n# First flip-flop of the interrupt synchronizer: its input is asynchronous.\n")
                    .append("set_false_path -to [get_cells {accel_irq_sync_reg[0]}]\n");
        }
        return x.toString();
    }
}
