package org.esegen.hdl.axi;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The AXI4 and AXI4-Lite signal sets, defined once, with Xilinx names (channel prefix and field:
 * {@code arvalid}, {@code rdata}, ...): which channel a signal belongs to, which side drives it, and
 * its width. Every port list esegen writes or checks (the DDR reader and writer, the register
 * block, the bank splitter, the accelerator's and the board top's port contracts, the C++
 * harness's port checks) is read from here.
 *
 * <p>esegen's own ports use the AXI4 set with IDs and no lock, cache, prot, qos, region or user
 * signals (the Xilinx controllers and interconnect default them), and AXI4-Lite without prot. The
 * optional signals are in the table too, each tagged with its {@link Option}, for the IP cores of the
 * board top, which have some of them; {@link Signal#tieOff} is what drives one the other side lacks.
 */
public final class AxiSignals {
    private AxiSignals() {
    }

    /** The two protocols. */
    public enum Protocol { AXI4, AXI4_LITE }

    /** The five channels, in the AXI specification's order; the master drives AW, W and AR. */
    public enum Channel {
        AW(true), W(true), B(false), AR(true), R(false);

        private final boolean fromMaster;

        Channel(boolean fromMaster) {
            this.fromMaster = fromMaster;
        }

        /** The channel's prefix in signal names: {@code aw}, {@code w}, ... */
        public String prefix() {
            return name().toLowerCase();
        }
    }

    /** What sets a signal's width. */
    public enum Width { ONE, ADDRESS, DATA, STROBE, ID, LEN, SIZE, BURST, RESP, CACHE, PROT, QOS, REGION }

    /** The optional signal groups an interface may have. */
    public enum Option { ID, LOCK, CACHE, PROT, QOS, REGION }

    /**
     * The widths of one port.
     *
     * @param data    data bits, a multiple of 8
     * @param address address bits
     * @param id      ID bits (AXI4 only; ignored for AXI4-Lite)
     */
    public record Widths(int data, int address, int id) {
        /** Bits of a signal of kind {@code width}. */
        public int bits(Width width) {
            return switch (width) {
                case ONE -> 1;
                case ADDRESS -> address;
                case DATA -> data;
                case STROBE -> data / 8;
                case ID -> id;
                case LEN -> 8;
                case SIZE -> 3;
                case BURST, RESP -> 2;
                case CACHE, QOS, REGION -> 4;
                case PROT -> 3;
            };
        }
    }

    /**
     * One signal.
     *
     * @param channel its channel
     * @param field   the name without the channel prefix: {@code valid}, {@code ready}, {@code addr}, ...
     * @param width   what sets its width
     * @param option  the optional group it belongs to, or null when every interface of its protocol has it
     */
    public record Signal(Channel channel, String field, Width width, Option option) {
        Signal(Channel channel, String field, Width width) {
            this(channel, field, width, null);
        }

        /** The Xilinx name without a port prefix: {@code arvalid}, {@code rdata}, ... */
        public String name() {
            return channel.prefix() + field;
        }

        /** True when the master drives it: every signal of AW, W and AR but ready, and ready of B and R. */
        public boolean drivenByMaster() {
            return channel.fromMaster != field.equals("ready");
        }

        /** A single wire (valid, ready, last). */
        public boolean isBit() {
            return width == Width.ONE;
        }

        /** Carries data bytes (data, strobes), declared as Bits rather than a number. */
        public boolean isData() {
            return width == Width.DATA || width == Width.STROBE;
        }

        /**
         * The Verilog constant that drives this signal when the other side lacks it: INCR for a burst,
         * 4'b0011 (bufferable, modifiable: Xilinx's recommendation) for a cache, 1 for the master's ready
         * of B and R, 0 otherwise.
         */
        public String tieOff(Widths widths) {
            int bits = widths.bits(width);
            return switch (field) {
                case "burst" -> "2'b01";
                case "cache" -> "4'b0011";
                case "ready" -> drivenByMaster() ? "1'b1" : "1'b0";
                default -> bits + "'d0";
            };
        }
    }

    private static final List<Signal> AXI4 = List.of(
            new Signal(Channel.AW, "valid", Width.ONE), new Signal(Channel.AW, "ready", Width.ONE),
            new Signal(Channel.AW, "addr", Width.ADDRESS), new Signal(Channel.AW, "id", Width.ID, Option.ID),
            new Signal(Channel.AW, "len", Width.LEN), new Signal(Channel.AW, "size", Width.SIZE),
            new Signal(Channel.AW, "burst", Width.BURST), new Signal(Channel.AW, "lock", Width.ONE, Option.LOCK),
            new Signal(Channel.AW, "cache", Width.CACHE, Option.CACHE), new Signal(Channel.AW, "prot", Width.PROT, Option.PROT),
            new Signal(Channel.AW, "qos", Width.QOS, Option.QOS), new Signal(Channel.AW, "region", Width.REGION, Option.REGION),
            new Signal(Channel.W, "valid", Width.ONE), new Signal(Channel.W, "ready", Width.ONE),
            new Signal(Channel.W, "data", Width.DATA), new Signal(Channel.W, "strb", Width.STROBE),
            new Signal(Channel.W, "last", Width.ONE),
            new Signal(Channel.B, "valid", Width.ONE), new Signal(Channel.B, "ready", Width.ONE),
            new Signal(Channel.B, "id", Width.ID, Option.ID), new Signal(Channel.B, "resp", Width.RESP),
            new Signal(Channel.AR, "valid", Width.ONE), new Signal(Channel.AR, "ready", Width.ONE),
            new Signal(Channel.AR, "addr", Width.ADDRESS), new Signal(Channel.AR, "id", Width.ID, Option.ID),
            new Signal(Channel.AR, "len", Width.LEN), new Signal(Channel.AR, "size", Width.SIZE),
            new Signal(Channel.AR, "burst", Width.BURST), new Signal(Channel.AR, "lock", Width.ONE, Option.LOCK),
            new Signal(Channel.AR, "cache", Width.CACHE, Option.CACHE), new Signal(Channel.AR, "prot", Width.PROT, Option.PROT),
            new Signal(Channel.AR, "qos", Width.QOS, Option.QOS), new Signal(Channel.AR, "region", Width.REGION, Option.REGION),
            new Signal(Channel.R, "valid", Width.ONE), new Signal(Channel.R, "ready", Width.ONE),
            new Signal(Channel.R, "data", Width.DATA), new Signal(Channel.R, "id", Width.ID, Option.ID),
            new Signal(Channel.R, "resp", Width.RESP), new Signal(Channel.R, "last", Width.ONE));

    private static final List<Signal> AXI4_LITE = List.of(
            new Signal(Channel.AW, "valid", Width.ONE), new Signal(Channel.AW, "ready", Width.ONE),
            new Signal(Channel.AW, "addr", Width.ADDRESS), new Signal(Channel.AW, "prot", Width.PROT, Option.PROT),
            new Signal(Channel.W, "valid", Width.ONE), new Signal(Channel.W, "ready", Width.ONE),
            new Signal(Channel.W, "data", Width.DATA), new Signal(Channel.W, "strb", Width.STROBE),
            new Signal(Channel.B, "valid", Width.ONE), new Signal(Channel.B, "ready", Width.ONE),
            new Signal(Channel.B, "resp", Width.RESP),
            new Signal(Channel.AR, "valid", Width.ONE), new Signal(Channel.AR, "ready", Width.ONE),
            new Signal(Channel.AR, "addr", Width.ADDRESS), new Signal(Channel.AR, "prot", Width.PROT, Option.PROT),
            new Signal(Channel.R, "valid", Width.ONE), new Signal(Channel.R, "ready", Width.ONE),
            new Signal(Channel.R, "data", Width.DATA), new Signal(Channel.R, "resp", Width.RESP));

    /** The optional groups of esegen's own ports: IDs on AXI4, nothing on AXI4-Lite. */
    public static Set<Option> esegenOptions(Protocol protocol) {
        return protocol == Protocol.AXI4 ? EnumSet.of(Option.ID) : EnumSet.noneOf(Option.class);
    }

    /** The signals of esegen's own {@code protocol} ports in {@code channels} (all when none), in table order. */
    public static List<Signal> of(Protocol protocol, Channel... channels) {
        return of(protocol, esegenOptions(protocol), channels);
    }

    /**
     * The signals of {@code protocol} with the optional groups {@code options}, in {@code channels} (all
     * when none is given), channel by channel in the specification's order.
     */
    public static List<Signal> of(Protocol protocol, Set<Option> options, Channel... channels) {
        Set<Channel> wanted = channels.length == 0 ? EnumSet.allOf(Channel.class) : EnumSet.copyOf(Arrays.asList(channels));
        List<Signal> selected = new ArrayList<>();
        for (Signal s : protocol == Protocol.AXI4 ? AXI4 : AXI4_LITE) {
            if (wanted.contains(s.channel()) && (s.option() == null || options.contains(s.option()))) {
                selected.add(s);
            }
        }
        return List.copyOf(selected);
    }
}
