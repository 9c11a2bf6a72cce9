package org.esegen.hdl.units;

import spinal.core.Bool;
import spinal.core.UInt;

import static org.esegen.hdl.spinal.Hdl.assign;
import static org.esegen.hdl.spinal.Hdl.inBool;
import static org.esegen.hdl.spinal.Hdl.inUInt;
import static org.esegen.hdl.spinal.Hdl.outBool;
import static org.esegen.hdl.spinal.Hdl.outUInt;

/**
 * The one DDR command handshake: the {@link Sequencer}'s issuers send commands, the {@link DdrReader}'s
 * clients and the {@link DdrWriter} take them. Ports {@code <prefix>_valid}, {@code _ready},
 * {@code _address} (byte address, aligned to the AXI word) and {@code _beats} (AXI data words,
 * {@value #BEATS_BITS} bits; 0 is a command that does nothing); a command is taken in a cycle with
 * valid and ready high, and valid, address and beats hold until then.
 */
public record DdrCommand(Bool valid, Bool ready, UInt address, UInt beats) {
    /** Width of a command's beat count. */
    public static final int BEATS_BITS = AxiBursts.BEATS_BITS;

    /** The sender's ports on the component being built. */
    public static DdrCommand sender(String prefix, int addrBits) {
        return new DdrCommand(outBool(prefix + "_valid"), inBool(prefix + "_ready"), outUInt(prefix + "_address", addrBits),
                outUInt(prefix + "_beats", BEATS_BITS));
    }

    /** The receiver's ports on the component being built. */
    public static DdrCommand receiver(String prefix, int addrBits) {
        return new DdrCommand(inBool(prefix + "_valid"), outBool(prefix + "_ready"), inUInt(prefix + "_address", addrBits),
                inUInt(prefix + "_beats", BEATS_BITS));
    }

    /** In a parent: {@code to} (a child's receiver) takes the commands of {@code from} (a child's sender). */
    public static void connect(DdrCommand from, DdrCommand to) {
        assign(to.valid, from.valid);
        assign(to.address, from.address);
        assign(to.beats, from.beats);
        assign(from.ready, to.ready);
    }
}
