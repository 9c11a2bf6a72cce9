package org.esegen.hdl.units;

import static org.esegen.hdl.spinal.Hdl.add;
import static org.esegen.hdl.spinal.Hdl.assign;
import static org.esegen.hdl.spinal.Hdl.boolConst;
import static org.esegen.hdl.spinal.Hdl.greaterThan;
import static org.esegen.hdl.spinal.Hdl.inBool;
import static org.esegen.hdl.spinal.Hdl.inSInt;
import static org.esegen.hdl.spinal.Hdl.lessThan;
import static org.esegen.hdl.spinal.Hdl.mul;
import static org.esegen.hdl.spinal.Hdl.mux;
import static org.esegen.hdl.spinal.Hdl.named;
import static org.esegen.hdl.spinal.Hdl.or;
import static org.esegen.hdl.spinal.Hdl.outSInt;
import static org.esegen.hdl.spinal.Hdl.regInit;
import static org.esegen.hdl.spinal.Hdl.regNext;
import static org.esegen.hdl.spinal.Hdl.sint;
import static org.esegen.hdl.spinal.Hdl.sintConst;
import static org.esegen.hdl.spinal.Hdl.when;

import org.esegen.EsegenException;
import org.esegen.hdl.spinal.JavaComponent;
import spinal.core.Bool;
import spinal.core.SInt;

/**
 * A signed multiply-accumulate whose sum saturates instead of wrapping.
 *
 * <p>Per sample (the four inputs taken at one rising edge):
 * <ul>
 *   <li>{@code enable} and not {@code clear}: acc = sat(acc + weight * activation)</li>
 *   <li>{@code enable} and {@code clear} (clear-and-load, starts a new sum without a bubble):
 *       acc = weight * activation</li>
 *   <li>{@code clear} alone: acc = 0</li>
 *   <li>neither: acc keeps its value</li>
 * </ul>
 * sat clamps to [-2^(accBits-1), 2^(accBits-1) - 1]; nothing wraps. Reset sets acc to 0.
 *
 * <p>Latency: a sample taken at rising edge t shows in {@code acc} after edge t+2. Samples may
 * arrive every cycle. The pipeline is input registers ({@code weight_q}, {@code activation_q}),
 * product register ({@code product}), accumulator ({@code accumulator}): the A/B and M stages of
 * a DSP48E2, so the multiply maps to one DSP48E2 for operands up to 27 x 18 bits and Vivado can
 * absorb the input and product registers into it (Yosys 0.23 maps the multiply but leaves those
 * registers in fabric). The saturating add stays in fabric.
 *
 * <p>Ports: {@code clear}, {@code enable} in Bool; {@code weight} in SInt weightBits;
 * {@code activation} in SInt actBits; {@code acc} out SInt accBits.
 */
public final class SaturatingMac extends JavaComponent {
    public final Bool clear;
    public final Bool enable;
    public final SInt weight;
    public final SInt activation;
    public final SInt acc;

    /**
     * @param weightBits signed weight width, 2..31
     * @param actBits    signed activation width, 2..31
     * @param accBits    signed accumulator width, weightBits + actBits .. 62 (so one product
     *                   always fits and only the sum can saturate)
     * @throws EsegenException if a width is out of range
     */
    public SaturatingMac(int weightBits, int actBits, int accBits) {
        super(validated("SaturatingMac", weightBits, actBits, accBits));

        clear = inBool("clear");
        enable = inBool("enable");
        weight = inSInt("weight", weightBits);
        activation = inSInt("activation", actBits);
        acc = outSInt("acc", accBits);

        SInt weightQ = regNext("weight_q", weight);
        SInt activationQ = regNext("activation_q", activation);
        Bool clearQ = regNext("clear_q", clear, boolConst(false));
        Bool enableQ = regNext("enable_q", enable, boolConst(false));

        SInt product = regNext("product", mul(weightQ, activationQ));
        Bool clearP = regNext("clear_p", clearQ, boolConst(false));
        Bool enableP = regNext("enable_p", enableQ, boolConst(false));

        SInt accumulator = regInit("accumulator", sint(accBits), sintConst(0, accBits));
        SInt base = named("base", mux(clearP, sintConst(0, accBits), accumulator));
        SInt addend = named("addend", mux(enableP, product.resize(accBits), sintConst(0, accBits)));
        SInt sum = named("sum", add(base.resize(accBits + 1), addend.resize(accBits + 1)));

        long max = (1L << (accBits - 1)) - 1;
        long min = -(1L << (accBits - 1));
        SInt saturated = named("saturated", sint(accBits));
        when(greaterThan(sum, sintConst(max, accBits + 1)), () -> assign(saturated, sintConst(max, accBits)))
                .elseWhen(lessThan(sum, sintConst(min, accBits + 1)), () -> assign(saturated, sintConst(min, accBits)))
                .otherwise(() -> assign(saturated, sum.resize(accBits)));

        when(or(clearP, enableP), () -> assign(accumulator, saturated));
        assign(acc, accumulator);
    }

    private static String validated(String moduleName, int weightBits, int actBits, int accBits) {
        if (weightBits < 2 || weightBits > 31) {
            throw new EsegenException(moduleName + ": weightBits " + weightBits + " is outside 2..31");
        }
        if (actBits < 2 || actBits > 31) {
            throw new EsegenException(moduleName + ": actBits " + actBits + " is outside 2..31");
        }
        if (accBits < weightBits + actBits || accBits > 62) {
            throw new EsegenException(moduleName + ": accBits " + accBits + " is outside "
                    + (weightBits + actBits) + "..62 (weightBits + actBits .. 62)");
        }
        return moduleName;
    }
}
