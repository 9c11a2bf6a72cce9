package org.esegen.hdl.spinal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import scala.Function0;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;
import scala.math.BigInt;
import scala.runtime.BoxedUnit;
import spinal.core.BaseType;
import spinal.core.BitCount;
import spinal.core.BitVector;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.Component;
import spinal.core.Data;
import spinal.core.DataPimper;
import spinal.core.HardType;
import spinal.core.Mem;
import spinal.core.S$;
import spinal.core.SInt;
import spinal.core.U$;
import spinal.core.UInt;
import spinal.core.Vec;
import spinal.core.when$;
import spinal.idslplugin.Location;
import spinal.lib.Stream;
import spinal.lib.Stream$;
import spinal.lib.StreamFifo;
import spinal.lib.StreamFifoInterface;
import spinal.lib.UIntToOh$;
import spinal.lib.master$;
import spinal.lib.slave$;

/**
 * Static helpers that let a {@link JavaComponent} constructor describe hardware without the
 * SpinalHDL Scala compiler plugin. Use them with {@code import static org.esegen.hdl.spinal.Hdl.*}.
 *
 * <p>Every helper that creates, names or drives a signal acts on the component whose constructor
 * is running ({@code Component.current()}); calling one outside a component constructor, or
 * outside {@link VerilogEmitter#emit}, fails inside SpinalHDL.
 *
 * <p>Names given here are the names in the Verilog, unless two signals of one module share a name
 * (SpinalHDL then appends {@code _1}, {@code _2}, ...). Unnamed intermediate signals come out as
 * {@code _zz_N}.
 */
public final class Hdl {
    private static final String LAYER_PACKAGE = Hdl.class.getPackageName();
    private static final StackWalker STACK = StackWalker.getInstance();

    private Hdl() {
    }

    /**
     * The source position of the builder line calling into this layer (first stack frame outside
     * this package), in the form SpinalHDL's plugin would have captured. SpinalHDL uses it only
     * in error messages, because {@link VerilogEmitter} turns off naming {@code when} conditions
     * after source lines.
     */
    public static Location loc() {
        return STACK.walk(frames -> frames
                .filter(frame -> !frame.getClassName().startsWith(LAYER_PACKAGE + "."))
                .findFirst()
                .map(frame -> new Location(sourceName(frame), frame.getLineNumber(), 0))
                .orElseGet(() -> new Location("unknown", 0, 0)));
    }

    private static String sourceName(StackWalker.StackFrame frame) {
        String file = frame.getFileName();
        return file == null ? frame.getClassName() : file.replace(".java", "");
    }

    // ---- names and hierarchy ----

    /** Names {@code signal} (a signal, bundle, memory or child component) in the current component. */
    public static <T> T named(String name, T signal) {
        return Component.current().valCallback(signal, name);
    }

    /**
     * Finishes a child component constructed in the current component's constructor and names
     * its instance. Every {@code new SomeComponent(...)} inside a component must be wrapped in
     * this call: it restores the parent's scope. Without it the parent's later statements land in
     * the child, and generation fails with HIERARCHY VIOLATION at the parent's next assignment.
     */
    public static <T extends Component> T child(String instanceName, T component) {
        component.postInitCallback();
        return named(instanceName, component);
    }

    // ---- signal types and constants ----

    /** A new, unnamed combinational Bool. */
    public static Bool bool() {
        return new Bool();
    }

    /** A new, unnamed combinational UInt of {@code width} bits. */
    public static UInt uint(int width) {
        return (UInt) new UInt().setWidth(width);
    }

    /** A new, unnamed combinational SInt of {@code width} bits. */
    public static SInt sint(int width) {
        return (SInt) new SInt().setWidth(width);
    }

    /** A new, unnamed combinational Bits of {@code width} bits. */
    public static Bits bits(int width) {
        return (Bits) new Bits().setWidth(width);
    }

    /** The type of a signal, as SpinalHDL's memories and streams take it: {@code hardType(() -> sint(16))}. */
    public static <T extends Data> HardType<T> hardType(Supplier<T> factory) {
        return new HardType<>(factory::get);
    }

    /** A Bool constant. */
    public static Bool boolConst(boolean value) {
        return value ? spinal.core.package$.MODULE$.True(loc()) : spinal.core.package$.MODULE$.False(loc());
    }

    /** An unsigned constant of {@code width} bits; generation fails if it does not fit. */
    public static UInt uintConst(long value, int width) {
        return U$.MODULE$.apply(value, new BitCount(width));
    }

    /** A signed constant of {@code width} bits; generation fails if it does not fit. */
    public static SInt sintConst(long value, int width) {
        return S$.MODULE$.apply(value, new BitCount(width));
    }

    // ---- ports ----

    /** An input port named {@code name}. */
    public static Bool inBool(String name) {
        return named(name, (Bool) bool().asInput());
    }

    /** An output port named {@code name}. */
    public static Bool outBool(String name) {
        return named(name, (Bool) bool().asOutput());
    }

    /** An input port named {@code name}. */
    public static UInt inUInt(String name, int width) {
        return named(name, (UInt) uint(width).asInput());
    }

    /** An output port named {@code name}. */
    public static UInt outUInt(String name, int width) {
        return named(name, (UInt) uint(width).asOutput());
    }

    /** An input port named {@code name}. */
    public static SInt inSInt(String name, int width) {
        return named(name, (SInt) sint(width).asInput());
    }

    /** An output port named {@code name}. */
    public static SInt outSInt(String name, int width) {
        return named(name, (SInt) sint(width).asOutput());
    }

    /** Input ports {@code <name>_0 .. <name>_<count-1>}, in that order. */
    public static List<Bool> inBools(String name, int count) {
        List<Bool> ports = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ports.add(inBool(name + "_" + i));
        }
        return List.copyOf(ports);
    }

    /** Output ports {@code <name>_0 .. <name>_<count-1>}, in that order. */
    public static List<Bool> outBools(String name, int count) {
        List<Bool> ports = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ports.add(outBool(name + "_" + i));
        }
        return List.copyOf(ports);
    }

    /**
     * Input ports {@code <name>_<i>_<j>} (i &lt; outer, j &lt; inner) of {@code width} bits, declared
     * with j running fastest; {@code ports.get(i).get(j)} is {@code <name>_<i>_<j>}.
     */
    public static List<List<SInt>> inSIntGrid(String name, int outer, int inner, int width) {
        return sintGrid(name, outer, inner, width, true);
    }

    /** Output ports {@code <name>_<i>_<j>}, as {@link #inSIntGrid}. */
    public static List<List<SInt>> outSIntGrid(String name, int outer, int inner, int width) {
        return sintGrid(name, outer, inner, width, false);
    }

    private static List<List<SInt>> sintGrid(String name, int outer, int inner, int width, boolean input) {
        List<List<SInt>> grid = new ArrayList<>();
        for (int i = 0; i < outer; i++) {
            List<SInt> row = new ArrayList<>();
            for (int j = 0; j < inner; j++) {
                String port = name + "_" + i + "_" + j;
                row.add(input ? inSInt(port, width) : outSInt(port, width));
            }
            grid.add(List.copyOf(row));
        }
        return List.copyOf(grid);
    }

    /** An input port named {@code name}. */
    public static Bits inBits(String name, int width) {
        return named(name, (Bits) bits(width).asInput());
    }

    /** An output port named {@code name}. */
    public static Bits outBits(String name, int width) {
        return named(name, (Bits) bits(width).asOutput());
    }

    /**
     * A stream port this component consumes: ports {@code name_valid}, {@code name_payload} in and
     * {@code name_ready} out.
     */
    public static <T extends Data> Stream<T> slaveStream(String name, HardType<T> payloadType) {
        return named(name, slave$.MODULE$.apply(Stream$.MODULE$.apply(payloadType)));
    }

    /**
     * A stream port this component produces: ports {@code name_valid}, {@code name_payload} out and
     * {@code name_ready} in.
     */
    public static <T extends Data> Stream<T> masterStream(String name, HardType<T> payloadType) {
        return named(name, master$.MODULE$.apply(Stream$.MODULE$.apply(payloadType)));
    }

    // ---- statements ----

    /** {@code target := source}: drives {@code target}, under the enclosing {@code when} branches. */
    public static void assign(Data target, Data source) {
        new DataPimper<>(target).$colon$eq(source, loc());
    }

    /** Starts a {@code when} chain: {@code body} describes what happens while {@code condition} is true. */
    public static When when(Bool condition, Runnable body) {
        return new When(when$.MODULE$.apply(condition, block(body), loc()));
    }

    static Function0<BoxedUnit> block(Runnable body) {
        return () -> {
            body.run();
            return BoxedUnit.UNIT;
        };
    }

    // ---- registers ----

    /** A register without reset, of the type and width of {@code type} (a fresh unnamed signal). */
    public static <T extends Data> T reg(String name, T type) {
        return named(name, asReg(type));
    }

    /** A register that the synchronous reset sets to {@code resetValue}. */
    public static <T extends Data> T regInit(String name, T type, T resetValue) {
        T register = asReg(type);
        new DataPimper<>(register).init(resetValue);
        return named(name, register);
    }

    /** A register without reset that loads {@code source} every cycle (one cycle of delay). */
    public static <T extends Data> T regNext(String name, T source) {
        T register = reg(name, typeOf(source));
        assign(register, source);
        return register;
    }

    /** A register that loads {@code source} every cycle and that the reset sets to {@code resetValue}. */
    public static <T extends Data> T regNext(String name, T source, T resetValue) {
        T register = regInit(name, typeOf(source), resetValue);
        assign(register, source);
        return register;
    }

    @SuppressWarnings("unchecked")
    private static <T extends Data> T asReg(T type) {
        return (T) type.setAsReg();
    }

    private static <T extends Data> T typeOf(T signal) {
        return spinal.core.cloneOf$.MODULE$.apply(signal);
    }

    // ---- exposing and ignoring ports ----

    /**
     * Gives every port of {@code child} whose name starts with {@code prefix} an identically named
     * port, of the same width and direction, on the component being constructed, and connects the
     * two 1:1. This lets a top present a child's bus (for example {@code m_axi_}) under exactly the
     * child's port names. Call it after {@link #child}.
     */
    public static void exposePorts(Component child, String prefix) {
        for (BaseType port : CollectionConverters.asJava(child.getAllIo())) {
            if (!port.getName().startsWith(prefix)) {
                continue;
            }
            BaseType outer = typeOf(port);
            if (port.isInput()) {
                assign(port, named(port.getName(), (BaseType) outer.asInput()));
            } else {
                assign(named(port.getName(), (BaseType) outer.asOutput()), port);
            }
        }
    }

    /**
     * Declares that the current component deliberately does not read {@code signal} (an input it
     * must have by protocol, such as an AXI response ID, or the low bits of an aligned address):
     * {@code signal} drives a wire named {@code unused_<name>} that generation keeps. Verilator
     * {@code -Wall} skips signals whose name contains {@code unused} (its default
     * {@code --unused-regexp}), so no waiver is needed; synthesis removes the wire. SpinalHDL does
     * not report the wire, nor {@code signal} when the wire is all it drives, as pruned.
     */
    public static void unused(String name, BaseType signal) {
        BaseType wire = named("unused_" + name, typeOf(signal));
        assign(wire, signal);
        wire.dontSimplifyIt();
        wire.allowPruning();
        signal.allowPruning();
    }

    // ---- bit fields ----

    /**
     * Bits [lo, lo + width) of {@code vector}, of its type. Usable as a value and as the target of
     * {@link #assign} (then only those bits are driven).
     */
    @SuppressWarnings("unchecked")
    public static <T extends BitVector> T slice(T vector, int lo, int width) {
        return (T) vector.apply(lo, new BitCount(width));
    }

    // ---- arithmetic and comparison ----

    /** {@code a + b}, as wide as the wider operand; the carry out is dropped. */
    public static SInt add(SInt a, SInt b) {
        return a.$plus(b);
    }

    /** {@code a + b}, as wide as the wider operand; the carry out is dropped. */
    public static UInt add(UInt a, UInt b) {
        return a.$plus(b);
    }

    /** {@code a - b}, as wide as the wider operand; the borrow is dropped. */
    public static SInt sub(SInt a, SInt b) {
        return a.$minus(b);
    }

    /** {@code a - b}, as wide as the wider operand; the borrow is dropped. */
    public static UInt sub(UInt a, UInt b) {
        return a.$minus(b);
    }

    /** The full product {@code a * b}, width(a) + width(b) bits. */
    public static SInt mul(SInt a, SInt b) {
        return a.$times(b);
    }

    /** The full product {@code a * b}, width(a) + width(b) bits. */
    public static UInt mul(UInt a, UInt b) {
        return a.$times(b);
    }

    /** {@code a << n}, widened by n bits so nothing is lost. */
    public static SInt shiftLeft(SInt a, int n) {
        return a.$less$less(n);
    }

    /** {@code a << n}, widened by n bits so nothing is lost. */
    public static UInt shiftLeft(UInt a, int n) {
        return a.$less$less(n);
    }

    /**
     * Arithmetic {@code a >> n} (floor of a / 2^n), narrowed by n bits, 0 &lt; n &lt; width(a).
     * Emitted as the bit slice {@code a[w-1:n]}, which lints clean where SpinalHDL's own
     * {@code >>} does not.
     */
    public static SInt shiftRight(SInt a, int n) {
        return a.apply(n, new BitCount(a.getWidth() - n));
    }

    /** Logical {@code a >> n}, narrowed by n bits, 0 &lt; n &lt; width(a); emitted as {@code a[w-1:n]}. */
    public static UInt shiftRight(UInt a, int n) {
        return a.apply(n, new BitCount(a.getWidth() - n));
    }

    /** Bit {@code index} of {@code a}, chosen at run time (a multiplexer). */
    public static Bool bitAt(Bits a, UInt index) {
        return a.apply(index);
    }

    /** {@code width} bits, all 0 but bit {@code index} (all 0 when index &ge; width): a decoder. */
    public static Bits oneHot(UInt index, int width) {
        return UIntToOh$.MODULE$.apply(index, width);
    }

    /**
     * Arithmetic {@code a >> n} for a run-time amount {@code n} (floor of a / 2^n), as wide as
     * {@code a}; amounts of width(a) or more give the sign in every bit.
     */
    public static SInt shiftRight(SInt a, UInt n) {
        return a.$greater$greater(n);
    }

    /** The bits of {@code high} above those of {@code low}: width(low) + 1 bits. */
    public static UInt concat(Bool high, UInt low) {
        return high.asUInt().$at$at(low);
    }

    /** {@code value} clamped to the signed range of {@code bits} bits (bits &lt;= its width), as bits bits: {@code FixedFormat.saturate} in hardware. */
    public static SInt saturate(SInt value, int bits) {
        int width = value.getWidth();
        if (width == bits) {
            return value;
        }
        long max = (1L << (bits - 1)) - 1;
        long min = -(1L << (bits - 1));
        return mux(greaterThan(value, sintConst(max, width)), sintConst(max, bits),
                mux(lessThan(value, sintConst(min, width)), sintConst(min, bits), value.resize(bits)));
    }

    /** Signed {@code a < b}. */
    public static Bool lessThan(SInt a, SInt b) {
        return a.$less(b);
    }

    /** Unsigned {@code a < b}. */
    public static Bool lessThan(UInt a, UInt b) {
        return a.$less(b);
    }

    /** Signed {@code a > b}. */
    public static Bool greaterThan(SInt a, SInt b) {
        return a.$greater(b);
    }

    /** Unsigned {@code a > b}. */
    public static Bool greaterThan(UInt a, UInt b) {
        return a.$greater(b);
    }

    /** {@code a == b} (operands of one type; SpinalHDL checks widths). */
    public static Bool equal(Data a, Data b) {
        return new DataPimper<>(a).$eq$eq$eq(b);
    }

    /** {@code select ? whenTrue : whenFalse}. */
    public static <T extends Data> T mux(Bool select, T whenTrue, T whenFalse) {
        return select.mux(whenTrue, whenFalse);
    }

    /** {@code a && b}. */
    public static Bool and(Bool a, Bool b) {
        return a.$amp$amp(b);
    }

    /** {@code a || b}. */
    public static Bool or(Bool a, Bool b) {
        return a.$bar$bar(b);
    }

    /** Bitwise {@code a | b} of two operands of one width. */
    public static Bits or(Bits a, Bits b) {
        return a.$bar(b);
    }

    /** {@code !a}. */
    public static Bool not(Bool a) {
        return a.unary_$bang();
    }

    // ---- memories and library blocks ----

    /**
     * A read-only memory of {@code contents.length} words of {@code wordType}, word i initialised
     * to {@code contents[i]} (negative values as two's complement). The contents are inlined in
     * the Verilog as an {@code initial} block.
     */
    public static <T extends BitVector> Mem<T> rom(String name, HardType<T> wordType, long[] contents) {
        List<BigInt> words = new ArrayList<>(contents.length);
        for (long word : contents) {
            words.add(BigInt.apply(word));
        }
        Mem<T> memory = new Mem<>(wordType, contents.length);
        memory.initBigInt(CollectionConverters.asScala(words), true);
        return named(name, memory);
    }

    /**
     * A read-write memory of {@code words} words of {@code wordType}, without initial contents;
     * give it ports with {@link #write} and {@link #readSync}.
     */
    public static <T extends Data> Mem<T> ram(String name, HardType<T> wordType, int words) {
        return named(name, new Mem<>(wordType, words));
    }

    /**
     * As {@link #ram}, marked {@code (* ram_style = "block" *)}: Vivado and Yosys map it to block RAM
     * even where their cost models would pick LUT RAM (a deep, narrow buffer whose LUTs count more
     * than its block RAM).
     */
    public static <T extends Data> Mem<T> blockRam(String name, HardType<T> wordType, int words) {
        Mem<T> memory = ram(name, wordType, words);
        memory.addAttribute("ram_style", "block");
        return memory;
    }

    /**
     * As {@link #ram}, marked {@code (* ram_style = "distributed" *)}: Vivado and Yosys map it to LUT RAM even
     * where their cost models would pick block RAM (a shallow, wide memory that fills a fraction of a block
     * RAM's depth).
     */
    public static <T extends Data> Mem<T> lutRam(String name, HardType<T> wordType, int words) {
        Mem<T> memory = ram(name, wordType, words);
        memory.addAttribute("ram_style", "distributed");
        return memory;
    }

    /**
     * A synchronous read port: the word at {@code address} appears one cycle after the address is
     * sampled (the form synthesizers map to block RAM).
     */
    public static <T extends Data> T readSync(Mem<T> memory, UInt address) {
        return memory.readSync(address, memory.readSync$default$2(), memory.readSync$default$3(),
                memory.readSync$default$4());
    }

    /**
     * A synchronous write port: at the rising edge, when {@code enable} is high, the word at
     * {@code address} becomes {@code data}. A read of the same address at the same edge returns
     * either word (SpinalHDL's read-under-write "don't care"): a builder must not depend on it.
     */
    public static <T extends Data> void write(Mem<T> memory, UInt address, T data, Bool enable) {
        memory.write(address, data, enable, memory.write$default$4());
    }

    /** The ports of a stream FIFO instance, as seen from the parent. */
    public record FifoPorts<T extends Data>(Stream<T> push, Stream<T> pop, UInt occupancy) {
    }

    /**
     * A child {@code StreamFifo} instance named {@code instanceName} holding {@code depth} words of
     * {@code payloadType}, with SpinalHDL's default two-cycle latency from push to pop and its
     * memory read synchronously (block or distributed RAM). Outputs the parent leaves unread
     * (occupancy, availability) are removed without a SpinalHDL warning.
     */
    @SuppressWarnings("unchecked")
    public static <T extends Data> FifoPorts<T> streamFifo(String instanceName, HardType<T> payloadType, int depth) {
        StreamFifo<T> fifo = child(instanceName,
                new StreamFifo<>(payloadType, depth, false, false, true, false, false, Option::empty));
        StreamFifoInterface<T> io = (StreamFifoInterface<T>) fifo.io();
        fifo.io().allowPruning();
        return new FifoPorts<>(io.push(), io.pop(), io.pushOccupancy());
    }

    /** {@code sink << source}: valid and payload flow to {@code sink}, ready flows back. */
    public static <T extends Data> void connect(Stream<T> sink, Stream<T> source) {
        sink.connectFrom(source);
    }

    // ---- bit fields, lanes, selection and random-access memories ----

    /** Bits an unsigned counter needs to hold every value 0 .. {@code maxValue} (at least 1). */
    public static int widthFor(long maxValue) {
        return Math.max(1, 64 - Long.numberOfLeadingZeros(maxValue));
    }

    /**
     * The concatenation of {@code parts}, {@code parts.get(0)} in the least significant bits
     * (the order lanes have in a row).
     */
    public static Bits concatLowFirst(List<? extends Data> parts) {
        Bits result = parts.get(0).asBits();
        for (int i = 1; i < parts.size(); i++) {
            result = parts.get(i).asBits().$hash$hash(result);
        }
        return result;
    }

    /** The raw bits of {@code value}. */
    public static Bits asBits(Data value) {
        return value.asBits();
    }

    /** {@code value}'s bits read as unsigned. */
    public static UInt asUInt(Bits value) {
        return value.asUInt();
    }

    /** {@code value}'s bits read as two's complement. */
    public static SInt asSInt(Bits value) {
        return value.asSInt();
    }

    /**
     * {@code value} narrowed to {@code width} bits, saturating: the largest {@code width}-bit value
     * when any higher bit is set (every bit of {@code value} is read).
     */
    public static UInt clampToWidth(UInt value, int width) {
        if (value.getWidth() <= width) {
            return value.resize(width);
        }
        Bool high = value.apply(width, new BitCount(value.getWidth() - width)).orR();
        return mux(high, uintConst((1L << width) - 1, width), value.resize(width));
    }

    /** A Bits constant of {@code width} bits; generation fails if it does not fit. */
    public static Bits bitsConst(long value, int width) {
        return uintConst(value, width).asBits();
    }

    /**
     * {@code options.get(index)}: a multiplexer, emitted as a case statement. The options share
     * one type and width; {@code index} is log2Up(options) bits wide (1 bit for a single option,
     * which it then does not read); an index past the last option reads an undefined value.
     */
    @SuppressWarnings("unchecked")
    public static <T extends Data> T select(UInt index, List<T> options) {
        T first = options.get(0);
        if (options.size() == 1) {
            unused("select_index", index);
            return first;
        }
        Vec<T> vector = new Vec<>(new HardType<>(() -> typeOf(first)),
                scala.collection.immutable.Vector$.MODULE$.from(CollectionConverters.asScala(options)));
        return vector.apply(index);
    }

    /** True when every one of {@code bits} is (a reduction AND; true for an empty list). */
    public static Bool allOf(List<Bool> bits) {
        if (bits.isEmpty()) {
            return boolConst(true);
        }
        Bool result = bits.get(0);
        for (Bool bit : bits.subList(1, bits.size())) {
            result = and(result, bit);
        }
        return result;
    }

    /** True when any one of {@code bits} is (a reduction OR; false for an empty list). */
    public static Bool anyOf(List<Bool> bits) {
        if (bits.isEmpty()) {
            return boolConst(false);
        }
        Bool result = bits.get(0);
        for (Bool bit : bits.subList(1, bits.size())) {
            result = or(result, bit);
        }
        return result;
    }

    /** {@code a << amount} by a run-time amount, as wide as {@code a}: bits shifted past the top are lost. */
    public static UInt shiftLeftKeepWidth(UInt a, UInt amount) {
        return a.$bar$less$less(amount);
    }

    /**
     * A synchronous read port with a read enable: when {@code enable} is high at a rising edge, the
     * word at {@code address} appears after it and stays until the next enabled read. A read of a
     * word written at the same edge returns its old contents.
     */
    public static <T extends Data> T readSync(Mem<T> memory, UInt address, Bool enable) {
        return memory.readSync(address, enable, memory.readSync$default$3(), memory.readSync$default$4());
    }
}
