package org.esegen.hdl;

import static org.esegen.hdl.spinal.Hdl.add;
import static org.esegen.hdl.spinal.Hdl.and;
import static org.esegen.hdl.spinal.Hdl.assign;
import static org.esegen.hdl.spinal.Hdl.equal;
import static org.esegen.hdl.spinal.Hdl.greaterThan;
import static org.esegen.hdl.spinal.Hdl.hardType;
import static org.esegen.hdl.spinal.Hdl.inBits;
import static org.esegen.hdl.spinal.Hdl.inBool;
import static org.esegen.hdl.spinal.Hdl.inSInt;
import static org.esegen.hdl.spinal.Hdl.inUInt;
import static org.esegen.hdl.spinal.Hdl.lessThan;
import static org.esegen.hdl.spinal.Hdl.masterStream;
import static org.esegen.hdl.spinal.Hdl.mul;
import static org.esegen.hdl.spinal.Hdl.named;
import static org.esegen.hdl.spinal.Hdl.not;
import static org.esegen.hdl.spinal.Hdl.or;
import static org.esegen.hdl.spinal.Hdl.outBits;
import static org.esegen.hdl.spinal.Hdl.outBool;
import static org.esegen.hdl.spinal.Hdl.outSInt;
import static org.esegen.hdl.spinal.Hdl.outUInt;
import static org.esegen.hdl.spinal.Hdl.reg;
import static org.esegen.hdl.spinal.Hdl.shiftLeft;
import static org.esegen.hdl.spinal.Hdl.shiftRight;
import static org.esegen.hdl.spinal.Hdl.sub;
import static org.esegen.hdl.spinal.Hdl.uint;
import static org.esegen.hdl.spinal.Hdl.uintConst;

import org.esegen.hdl.spinal.JavaComponent;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.SInt;
import spinal.core.UInt;
import spinal.lib.Stream;

/**
 * Exercises the {@code Hdl} helpers the unit builders do not use, so a test can check their
 * Verilog meaning against Java arithmetic. All outputs but {@code a_q} are combinational.
 */
final class LayerExercise extends JavaComponent {
    static final int WIDTH = 8;

    LayerExercise() {
        super("LayerExercise");
        UInt a = inUInt("a", WIDTH);
        UInt b = inUInt("b", WIDTH);
        SInt s = inSInt("s", WIDTH);
        SInt t = inSInt("t", WIDTH);
        Bool x = inBool("x");
        Bool y = inBool("y");
        Bits flagsIn = inBits("flags_in", 3);

        assign(outUInt("sum", WIDTH), add(a, b));
        assign(outUInt("difference", WIDTH), sub(a, b));
        assign(outUInt("product", 2 * WIDTH), mul(a, b));
        assign(outUInt("a_shl2", WIDTH + 2), shiftLeft(a, 2));
        assign(outUInt("a_shr3", WIDTH - 3), shiftRight(a, 3));
        assign(outSInt("s_shl1", WIDTH + 1), shiftLeft(s, 1));
        assign(outSInt("s_shr2", WIDTH - 2), shiftRight(s, 2));
        assign(outSInt("s_minus_t", WIDTH), sub(s, t));
        assign(outBool("a_lt_b"), lessThan(a, b));
        assign(outBool("a_gt_b"), greaterThan(a, b));
        assign(outBool("a_eq_b"), equal(a, b));
        assign(outBool("a_is_5"), equal(a, uintConst(5, WIDTH)));
        assign(outBool("x_and_not_y"), and(x, not(y)));
        assign(outBool("x_or_y"), or(x, y));
        assign(outBits("flags_out", 3), flagsIn);

        UInt aDelayed = reg("a_q", uint(WIDTH));
        assign(aDelayed, a);
        assign(outUInt("a_delayed", WIDTH), aDelayed);

        Stream<UInt> offer = masterStream("offer", hardType(() -> uint(WIDTH)));
        assign(offer.valid(), x);
        assign(offer.payload(), a);
        assign(outBool("stalled"), named("stall", and(offer.valid(), not(offer.ready()))));
    }
}
