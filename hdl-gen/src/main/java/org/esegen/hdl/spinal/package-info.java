/**
 * A small Java layer over SpinalHDL 1.14 so that hardware builders written in Java read like
 * hardware. SpinalHDL normally relies on a Scala compiler plugin to name signals, to close each
 * component's scope and to capture source locations; javac runs no plugin, so this layer does
 * those three things explicitly. Everything SpinalHDL-specific stays in this package.
 *
 * <h2>Recipe: a component</h2>
 * <pre>{@code
 * import static org.esegen.hdl.spinal.Hdl.*;
 *
 * public final class Accumulator extends JavaComponent {
 *     public final Bool enable;          // ports a parent drives or reads: public final fields
 *     public final SInt sample;
 *     public final SInt total;
 *
 *     public Accumulator(int width) {    // the constructor is the module body
 *         super("Accumulator");           // Verilog module name
 *         enable = inBool("enable");      // ports: named, with direction and width
 *         sample = inSInt("sample", width);
 *         total = outSInt("total", width);
 *
 *         SInt sum = regInit("sum", sint(width), sintConst(0, width));   // register, reset to 0
 *         when(enable, () -> assign(sum, add(sum, sample)));
 *         assign(total, sum);
 *     }
 * }
 * }</pre>
 *
 * <h2>Recipe: hierarchy and generation</h2>
 * <pre>{@code
 * // inside a parent constructor: wrap every child construction in child(...)
 * Accumulator left = child("left", new Accumulator(16));
 * assign(left.enable, go);
 *
 * // generation: construct the top only inside the supplier
 * List<Path> files = VerilogEmitter.emit(outDir, "Accumulator", () -> new Accumulator(16));
 * }</pre>
 *
 * <h2>Rules a builder author must keep</h2>
 * <ul>
 *   <li>Construct components only inside {@link org.esegen.hdl.spinal.VerilogEmitter#emit}'s
 *       supplier (SpinalHDL needs its elaboration context; on an elaboration error it calls the
 *       supplier a second time). The supplier must not depend on state it changes.</li>
 *   <li>Wrap every child in {@link org.esegen.hdl.spinal.Hdl#child}: it calls
 *       {@code postInitCallback()}, which restores the parent's scope. Without it the parent's
 *       statements land in the child and generation fails with HIERARCHY VIOLATION.</li>
 *   <li>Name every signal worth reading in the Verilog: ports are named by their factory
 *       ({@code inSInt("x", w)}), registers by {@code reg}/{@code regInit}/{@code regNext},
 *       anything else by {@link org.esegen.hdl.spinal.Hdl#named}. Unnamed signals come out as
 *       {@code _zz_N}. Verilog keywords (for example {@code table}) and repeated names get a
 *       {@code _1} suffix.</li>
 *   <li>Assignments follow SpinalHDL rules: a parent may drive a child's inputs and read its
 *       outputs; the last assignment in elaboration order wins; a combinational signal assigned
 *       inside {@code when} needs a value on every path (or SpinalHDL reports a latch).</li>
 *   <li>Widths are checked, not adjusted: {@code assign} needs equal widths, so resize explicitly
 *       ({@code x.resize(w)}; SInt sign-extends). {@code add}/{@code sub} drop the carry;
 *       {@code mul} returns the full product width.</li>
 *   <li>A {@code when} body is a Java lambda: it runs once, at elaboration. Local variables it
 *       captures must be effectively final, so create the signals it assigns before the
 *       {@code when}.</li>
 *   <li>Every module gets {@code clk} and a synchronous active-high {@code reset}; registers made
 *       by {@code reg}/{@code regNext(name, source)} have no reset (as DSP and block-RAM registers
 *       need), those made by {@code regInit}/{@code regNext(name, source, resetValue)} do.</li>
 *   <li>Lint with the waivers in {@code verilator-waivers.vlt} (a resource of this module);
 *       anything else Verilator reports is a builder bug.</li>
 * </ul>
 *
 * <p>Operators with no helper here are SpinalHDL's own methods under their JVM names
 * ({@code $plus}, {@code $times}, {@code $eq$eq$eq}, ...); add a helper to {@link
 * org.esegen.hdl.spinal.Hdl} rather than calling them from builders.
 */
package org.esegen.hdl.spinal;
