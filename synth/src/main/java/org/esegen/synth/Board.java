package org.esegen.synth;

import org.esegen.EsegenException;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The board a Vivado folder targets. */
public enum Board {
    /** No board: out-of-context synthesis of the accelerator only. */
    NONE("none"),
    /** Alpha Data ADM-PCIE-KU3: XCKU060, two DDR3 SODIMM banks, PCIe Gen3 x8. */
    ADM_PCIE_KU3("adm-pcie-ku3");

    private final String cliName;

    Board(String cliName) {
        this.cliName = cliName;
    }

    /** The name on the command line and in settings.tcl. */
    public String cliName() {
        return cliName;
    }

    /** Parses a command-line name; a bad one fails with the allowed values. */
    public static Board parse(String name) {
        for (Board board : values()) {
            if (board.cliName.equals(name)) {
                return board;
            }
        }
        throw new EsegenException("--board " + name + " is not a supported board; allowed: "
                + Arrays.stream(values()).map(Board::cliName).collect(Collectors.joining(", ")));
    }
}
