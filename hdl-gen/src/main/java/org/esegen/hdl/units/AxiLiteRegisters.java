package org.esegen.hdl.units;

import static org.esegen.hdl.spinal.Hdl.and;
import static org.esegen.hdl.spinal.Hdl.assign;
import static org.esegen.hdl.spinal.Hdl.bool;
import static org.esegen.hdl.spinal.Hdl.boolConst;
import static org.esegen.hdl.spinal.Hdl.equal;
import static org.esegen.hdl.spinal.Hdl.inBool;
import static org.esegen.hdl.spinal.Hdl.inUInt;
import static org.esegen.hdl.spinal.Hdl.named;
import static org.esegen.hdl.spinal.Hdl.not;
import static org.esegen.hdl.spinal.Hdl.outBool;
import static org.esegen.hdl.spinal.Hdl.outUInt;
import static org.esegen.hdl.spinal.Hdl.reg;
import static org.esegen.hdl.spinal.Hdl.regInit;
import static org.esegen.hdl.spinal.Hdl.shiftRight;
import static org.esegen.hdl.spinal.Hdl.slice;
import static org.esegen.hdl.spinal.Hdl.uint;
import static org.esegen.hdl.spinal.Hdl.uintConst;
import static org.esegen.hdl.spinal.Hdl.unused;
import static org.esegen.hdl.spinal.Hdl.when;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.esegen.EsegenException;
import org.esegen.compile.RegisterMap;
import org.esegen.compile.RegisterMap.Register;
import org.esegen.hdl.axi.AxiPort;
import org.esegen.hdl.axi.AxiSignals;
import org.esegen.hdl.spinal.JavaComponent;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.UInt;

/**
 * The accelerator's AXI4-Lite control registers: exactly a list of the {@link RegisterMap} ({@link
 * RegisterMap#ALL} for the sparse engine's design, {@link RegisterMap#DELTA} for the delta engine's),
 * decoded in a loop over that list, so a register added to the map appears here without a change.
 *
 * <h2>Registers</h2>
 * Four registers have fixed meanings:
 * <ul>
 *   <li>{@code CONTROL} (RW): writing bit 0 = 1 makes {@code start} high for one cycle (bit 0
 *       reads 0); bit 1 is the interrupt enable.</li>
 *   <li>{@code STATUS} (RO): bit 0 {@code busy}, bit 1 {@code done}, both inputs.</li>
 *   <li>{@code INTERRUPT_STATUS} (W1C): bit 0 is set by a cycle of {@code done_pulse} and cleared
 *       by writing 1 to it (a set in the same cycle wins); {@code interrupt} = bit 0 AND the
 *       enable.</li>
 *   <li>{@code ID} (RO): {@link RegisterMap#ID_VALUE}.</li>
 * </ul>
 * Every other register gets a port named after it in lower case:
 * <ul>
 *   <li>RW, name ending in {@code _BASE}: a byte address, a LO/HI pair at offset and offset + 4,
 *       output UInt addrBits = {HI, LO} truncated to addrBits; bits at or above addrBits are not
 *       stored and read 0. Example: {@code wa_pointers_base}.</li>
 *   <li>other RW: output UInt 32, e.g. {@code input_size}.</li>
 *   <li>RO, name ending in {@code CYCLES}: input UInt 64 read as LO/HI pair, e.g.
 *       {@code cycles}, {@code ddr_stall_cycles}. The halves are read separately, so read a
 *       counter that may move as HI, LO, HI and retry if HI changed.</li>
 *   <li>other RO: input UInt 32.</li>
 * </ul>
 * RW registers reset to 0 and read back what was written; writes honour {@code s_axil_wstrb}
 * byte by byte. Reads of an address no register occupies return 0, writes to one are ignored,
 * and both respond OKAY, like every access ({@code bresp} and {@code rresp} are always 0). The
 * low two address bits are ignored.
 *
 * <h2>Ports</h2>
 * AXI4-Lite slave: {@code s_axil_awvalid} in, {@code s_axil_awready} out, {@code s_axil_awaddr}
 * in 12, {@code s_axil_wvalid} in, {@code s_axil_wready} out, {@code s_axil_wdata} in 32,
 * {@code s_axil_wstrb} in 4, {@code s_axil_bvalid} out, {@code s_axil_bready} in,
 * {@code s_axil_bresp} out 2, {@code s_axil_arvalid} in, {@code s_axil_arready} out,
 * {@code s_axil_araddr} in 12, {@code s_axil_rvalid} out, {@code s_axil_rready} in,
 * {@code s_axil_rdata} out 32, {@code s_axil_rresp} out 2 (a parent presents them with
 * {@code Hdl.exposePorts(registers, "s_axil_")}); {@code start} out, {@code interrupt} out,
 * {@code busy}, {@code done}, {@code done_pulse} in; one port per other register as above, in
 * map order (see {@link #port}).
 *
 * <h2>Timing</h2>
 * AW and W are taken independently, each when its holding register is empty and no response is
 * pending. If the later of the two is taken at rising edge t, the register is written at edge
 * t+1, {@code bvalid} is high from edge t+1 until {@code bready}, and a start request makes
 * {@code start} high from edge t+1 to edge t+2. A read whose AR is taken at edge t has
 * {@code rvalid} and {@code rdata} from edge t until {@code rready}; {@code arready} is low
 * meanwhile. A read whose AR is taken after the write edge (any read issued after bvalid) sees
 * the written value. Every output is a register or a function of registers only (no path from
 * an input to an output).
 */
public final class AxiLiteRegisters extends JavaComponent {
    /** Data bits of the AXI4-Lite port and of every register. */
    public static final int DATA_BITS = 32;
    private static final int WORD_ADDRESS_BITS = RegisterMap.ADDRESS_BITS - 2;

    public final Bool start;
    public final Bool interrupt;
    public final Bool busy;
    public final Bool done;
    public final Bool donePulse;
    private final Map<Register, UInt> ports = new LinkedHashMap<>();

    /** How the hardware treats a register of the map. */
    private enum Kind {
        CONTROL, STATUS, INTERRUPT_STATUS, ID, ADDRESS, WORD, COUNTER, INPUT_WORD;

        static Kind of(Register register) {
            if (register.equals(RegisterMap.CONTROL)) {
                return CONTROL;
            }
            if (register.equals(RegisterMap.STATUS)) {
                return STATUS;
            }
            if (register.equals(RegisterMap.INTERRUPT_STATUS)) {
                return INTERRUPT_STATUS;
            }
            if (register.equals(RegisterMap.ID)) {
                return ID;
            }
            return switch (register.access()) {
                case RW -> register.name().endsWith("_BASE") ? ADDRESS : WORD;
                case RO -> register.name().endsWith("CYCLES") ? COUNTER : INPUT_WORD;
                case W1C -> throw new EsegenException("AxiLiteRegisters: register " + register.name()
                        + " is W1C; only INTERRUPT_STATUS has a write-one-to-clear meaning in hardware");
            };
        }
    }

    /**
     * @param addrBits width of DDR byte addresses, the {@code _BASE} outputs, 12..64
     * @throws EsegenException if addrBits is out of range, or if {@link RegisterMap#ALL} has a
     *                         W1C register other than INTERRUPT_STATUS, an unaligned or
     *                         out-of-range offset, or two registers on one word
     */
    public AxiLiteRegisters(int addrBits) {
        this(addrBits, RegisterMap.ALL);
    }

    /**
     * The registers {@code registers} of the map (CONTROL, STATUS, INTERRUPT_STATUS and ID among them).
     *
     * @param addrBits  width of DDR byte addresses, the {@code _BASE} outputs, 12..64
     * @param registers registers of {@link RegisterMap}
     * @throws EsegenException as {@link #AxiLiteRegisters(int)}, or if a fixed register is missing
     */
    public AxiLiteRegisters(int addrBits, List<Register> registers) {
        super(validated(addrBits, registers));

        AxiPort axil = AxiPort.declare("s_axil_", AxiPort.Role.SLAVE, AxiSignals.Protocol.AXI4_LITE,
                new AxiSignals.Widths(DATA_BITS, RegisterMap.ADDRESS_BITS, 0));
        Bool awvalid = axil.bool("awvalid");
        Bool awready = axil.bool("awready");
        UInt awaddr = axil.uint("awaddr");
        Bool wvalid = axil.bool("wvalid");
        Bool wready = axil.bool("wready");
        UInt wdata = axil.bits("wdata").asUInt();
        UInt wstrb = axil.bits("wstrb").asUInt();
        Bool bvalid = axil.bool("bvalid");
        Bool bready = axil.bool("bready");
        UInt bresp = axil.uint("bresp");
        Bool arvalid = axil.bool("arvalid");
        Bool arready = axil.bool("arready");
        UInt araddr = axil.uint("araddr");
        Bool rvalid = axil.bool("rvalid");
        Bool rready = axil.bool("rready");
        Bits rdata = axil.bits("rdata");
        UInt rresp = axil.uint("rresp");
        start = outBool("start");
        interrupt = outBool("interrupt");
        busy = inBool("busy");
        done = inBool("done");
        donePulse = inBool("done_pulse");

        // Write: hold AW and W as they come, write when both are held, then respond.
        Bool awHeld = regInit("aw_held", bool(), boolConst(false));
        UInt awWord = reg("aw_word", uint(WORD_ADDRESS_BITS));
        Bool wHeld = regInit("w_held", bool(), boolConst(false));
        UInt wData = reg("w_data", uint(DATA_BITS));
        UInt wStrb = reg("w_strb", uint(DATA_BITS / 8));
        Bool bValid = regInit("b_valid", bool(), boolConst(false));
        assign(awready, and(not(awHeld), not(bValid)));
        assign(wready, and(not(wHeld), not(bValid)));
        when(and(awvalid, awready), () -> {
            assign(awHeld, boolConst(true));
            assign(awWord, shiftRight(awaddr, 2));
        });
        when(and(wvalid, wready), () -> {
            assign(wHeld, boolConst(true));
            assign(wData, wdata);
            assign(wStrb, wstrb);
        });
        Bool write = named("write", and(awHeld, wHeld));
        when(write, () -> {
            assign(awHeld, boolConst(false));
            assign(wHeld, boolConst(false));
            assign(bValid, boolConst(true));
        }).elseWhen(bready, () -> assign(bValid, boolConst(false)));
        Writes writes = new Writes(write, awWord, wData, wStrb);

        // The registers, and the 32-bit value of every word the map occupies.
        Map<Integer, UInt> readWords = new TreeMap<>();
        Bool startPulse = regInit("start_pulse", bool(), boolConst(false));
        Bool interruptEnable = regInit("interrupt_enable", bool(), boolConst(false));
        Bool pending = regInit("interrupt_pending", bool(), boolConst(false));
        for (Register register : registers) {
            String name = register.name().toLowerCase(Locale.ROOT);
            int offset = register.offset();
            switch (Kind.of(register)) {
                case CONTROL -> {
                    Bool controlWrite = writes.byteLane(offset, 0);
                    assign(startPulse, and(controlWrite, wData.apply(0)));
                    when(controlWrite, () -> assign(interruptEnable, wData.apply(1)));
                    put(readWords, offset, bitsWord(name, boolConst(false), interruptEnable));
                }
                case STATUS -> put(readWords, offset, bitsWord(name, busy, done));
                case INTERRUPT_STATUS -> {
                    when(donePulse, () -> assign(pending, boolConst(true)))
                            .elseWhen(and(writes.byteLane(offset, 0), wData.apply(0)),
                                    () -> assign(pending, boolConst(false)));
                    put(readWords, offset, bitsWord(name, pending));
                }
                case ID -> put(readWords, offset, uintConst(RegisterMap.ID_VALUE, DATA_BITS));
                case WORD -> {
                    UInt value = regInit(name + "_reg", uint(DATA_BITS), uintConst(0, DATA_BITS));
                    writes.into(value, 0, DATA_BITS, offset);
                    UInt port = outUInt(name, DATA_BITS);
                    assign(port, value);
                    ports.put(register, port);
                    put(readWords, offset, value);
                }
                case ADDRESS -> {
                    UInt value = regInit(name + "_reg", uint(addrBits), uintConst(0, addrBits));
                    int loBits = Math.min(DATA_BITS, addrBits);
                    writes.into(value, 0, loBits, offset);
                    put(readWords, offset, value.resize(DATA_BITS));
                    if (addrBits > DATA_BITS) {
                        writes.into(value, DATA_BITS, addrBits - DATA_BITS, offset + 4);
                        put(readWords, offset + 4, shiftRight(value, DATA_BITS).resize(DATA_BITS));
                    } else {
                        put(readWords, offset + 4, uintConst(0, DATA_BITS));
                    }
                    UInt port = outUInt(name, addrBits);
                    assign(port, value);
                    ports.put(register, port);
                }
                case COUNTER -> {
                    UInt port = inUInt(name, 2 * DATA_BITS);
                    ports.put(register, port);
                    put(readWords, offset, port.resize(DATA_BITS));
                    put(readWords, offset + 4, shiftRight(port, DATA_BITS));
                }
                case INPUT_WORD -> {
                    UInt port = inUInt(name, DATA_BITS);
                    ports.put(register, port);
                    put(readWords, offset, port);
                }
            }
        }
        assign(start, startPulse);
        assign(interrupt, and(pending, interruptEnable));

        // Read: decode the word address, register the value, hold it until rready.
        Bool rValid = regInit("r_valid", bool(), boolConst(false));
        UInt rData = reg("r_data", uint(DATA_BITS));
        UInt readWord = named("read_word", shiftRight(araddr, 2));
        UInt readValue = named("read_value", uint(DATA_BITS));
        assign(readValue, uintConst(0, DATA_BITS));
        for (Map.Entry<Integer, UInt> word : readWords.entrySet()) {
            when(equal(readWord, uintConst(word.getKey() >> 2, WORD_ADDRESS_BITS)),
                    () -> assign(readValue, word.getValue()));
        }
        assign(arready, not(rValid));
        when(and(arvalid, arready), () -> {
            assign(rValid, boolConst(true));
            assign(rData, readValue);
        }).elseWhen(rready, () -> assign(rValid, boolConst(false)));

        unused("awaddr_low", awaddr.resize(2));
        unused("araddr_low", araddr.resize(2));
        assign(bvalid, bValid);
        assign(bresp, uintConst(0, 2));
        assign(rvalid, rValid);
        assign(rdata, rData.asBits());
        assign(rresp, uintConst(0, 2));
    }

    /**
     * The port of {@code register}: the output of a RW register other than CONTROL, or the input
     * of a RO register other than STATUS and ID.
     *
     * @throws EsegenException if the register has no port of its own
     */
    public UInt port(Register register) {
        UInt port = ports.get(register);
        if (port == null) {
            throw new EsegenException("AxiLiteRegisters: register " + register.name() + " has no port of its own");
        }
        return port;
    }

    /** The write that is being performed this cycle, as register updates see it. */
    private record Writes(Bool write, UInt word, UInt data, UInt strobes) {

        /** High when the write goes to the word at byte {@code offset} and enables byte lane {@code lane}. */
        Bool byteLane(int offset, int lane) {
            return and(and(write, equal(word, uintConst(offset >> 2, WORD_ADDRESS_BITS))), strobes.apply(lane));
        }

        /** Writes bits [0, width) of the word at {@code offset} into bits [lo, lo + width) of {@code target}. */
        void into(UInt target, int lo, int width, int offset) {
            for (int lane = 0; lane * 8 < width; lane++) {
                int laneBits = Math.min(8, width - lane * 8);
                int laneLo = lane * 8;
                when(byteLane(offset, lane), () -> assign(slice(target, lo + laneLo, laneBits),
                        slice(data, laneLo, laneBits)));
            }
        }
    }

    /** A 32-bit word holding {@code bits} from bit 0 up, zero elsewhere. */
    private static UInt bitsWord(String name, Bool... bits) {
        UInt word = named(name + "_value", uint(DATA_BITS));
        assign(word, uintConst(0, DATA_BITS));
        for (int i = 0; i < bits.length; i++) {
            assign(slice(word, i, 1), bits[i].asUInt());
        }
        return word;
    }

    private static void put(Map<Integer, UInt> readWords, int offset, UInt value) {
        if (offset % 4 != 0 || offset < 0 || offset >= 1 << RegisterMap.ADDRESS_BITS) {
            throw new EsegenException("AxiLiteRegisters: offset 0x" + Integer.toHexString(offset)
                    + " is not a word address in the " + RegisterMap.ADDRESS_BITS + "-bit register space");
        }
        if (readWords.put(offset, value) != null) {
            throw new EsegenException("AxiLiteRegisters: two registers occupy offset 0x" + Integer.toHexString(offset));
        }
    }

    private static String validated(int addrBits, List<Register> registers) {
        if (addrBits < 12 || addrBits > 64) {
            throw new EsegenException("AxiLiteRegisters: addrBits " + addrBits + " is outside 12..64");
        }
        for (Register fixed : List.of(RegisterMap.CONTROL, RegisterMap.STATUS, RegisterMap.INTERRUPT_STATUS,
                RegisterMap.ID)) {
            if (!registers.contains(fixed)) {
                throw new EsegenException("AxiLiteRegisters: the register list lacks " + fixed.name());
            }
        }
        return "AxiLiteRegisters";
    }
}
