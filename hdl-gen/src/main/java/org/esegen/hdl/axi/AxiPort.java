package org.esegen.hdl.axi;

import org.esegen.hdl.axi.AxiSignals.Channel;
import org.esegen.hdl.axi.AxiSignals.Protocol;
import org.esegen.hdl.axi.AxiSignals.Signal;
import org.esegen.hdl.axi.AxiSignals.Widths;
import spinal.core.BaseType;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.UInt;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.esegen.hdl.spinal.Hdl.inBits;
import static org.esegen.hdl.spinal.Hdl.inBool;
import static org.esegen.hdl.spinal.Hdl.inUInt;
import static org.esegen.hdl.spinal.Hdl.outBits;
import static org.esegen.hdl.spinal.Hdl.outBool;
import static org.esegen.hdl.spinal.Hdl.outUInt;

/**
 * An AXI4 or AXI4-Lite interface of the component being built, declared from {@link AxiSignals}: one
 * port per signal of the chosen channels, named prefix + Xilinx name ({@code m_axi_arvalid}), in if
 * the other side drives it, out otherwise. valid, ready and last are Bool, data and strobes Bits,
 * the rest UInt. Call inside a component's constructor, where its ports are declared.
 */
public final class AxiPort {
    /** Which side of the interface the component is. */
    public enum Role { MASTER, SLAVE }

    private final String prefix;
    private final Map<String, BaseType> signals;

    private AxiPort(String prefix, Map<String, BaseType> signals) {
        this.prefix = prefix;
        this.signals = signals;
    }

    /**
     * Declares the ports.
     *
     * @param prefix   prepended to every signal name, e.g. {@code m_axi_}
     * @param role     master or slave
     * @param protocol AXI4 or AXI4-Lite
     * @param widths   data, address and ID widths
     * @param channels the channels to declare (all when none is given), each with all its signals
     */
    public static AxiPort declare(String prefix, Role role, Protocol protocol, Widths widths, Channel... channels) {
        Map<String, BaseType> signals = new LinkedHashMap<>();
        for (Signal s : AxiSignals.of(protocol, channels)) {
            boolean out = s.drivenByMaster() == (role == Role.MASTER);
            String name = prefix + s.name();
            int bits = widths.bits(s.width());
            BaseType port;
            if (s.isBit()) {
                port = out ? outBool(name) : inBool(name);
            } else if (s.isData()) {
                port = out ? outBits(name, bits) : inBits(name, bits);
            } else {
                port = out ? outUInt(name, bits) : inUInt(name, bits);
            }
            signals.put(s.name(), port);
        }
        return new AxiPort(prefix, signals);
    }

    /** A one-bit signal (valid, ready, last) by its Xilinx name, e.g. {@code arvalid}. */
    public Bool bool(String name) {
        return (Bool) get(name);
    }

    /** A numeric signal (addr, id, len, size, burst, resp). */
    public UInt uint(String name) {
        return (UInt) get(name);
    }

    /** A data or strobe signal. */
    public Bits bits(String name) {
        return (Bits) get(name);
    }

    private BaseType get(String name) {
        BaseType signal = signals.get(name);
        if (signal == null) {
            throw new IllegalArgumentException("AXI port " + prefix + "*: no signal " + name + " (declared: "
                    + signals.keySet() + ")");
        }
        return signal;
    }
}
