package org.esegen.synth;

import org.esegen.EsegenException;

import java.util.Arrays;
import java.util.stream.Collectors;

/** How the host reaches the accelerator's registers and the DDR banks on the ADM-PCIE-KU3. */
public enum HostBridge {
    /**
     * Xilinx DMA/Bridge Subsystem for PCIe (XDMA), Gen3 x8: its AXI-Lite master BAR drives the
     * registers, its DMA master writes and reads both DDR banks, the interrupt goes to its first
     * user interrupt.
     */
    XDMA("xdma"),
    /**
     * Two JTAG-to-AXI masters for bring-up without a PCIe driver: one AXI4-Lite to the registers,
     * one AXI4 to the DDR banks; driven from the Vivado hardware manager's Tcl console.
     */
    JTAG("jtag");

    private final String cliName;

    HostBridge(String cliName) {
        this.cliName = cliName;
    }

    /** The name on the command line and in settings.tcl. */
    public String cliName() {
        return cliName;
    }

    /** Parses a command-line name; a bad one fails with the allowed values. */
    public static HostBridge parse(String name) {
        for (HostBridge host : values()) {
            if (host.cliName.equals(name)) {
                return host;
            }
        }
        throw new EsegenException("--host " + name + " is not a host bridge; allowed: "
                + Arrays.stream(values()).map(HostBridge::cliName).collect(Collectors.joining(", ")));
    }
}
