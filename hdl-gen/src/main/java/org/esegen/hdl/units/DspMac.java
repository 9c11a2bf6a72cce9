package org.esegen.hdl.units;

import static org.esegen.hdl.spinal.Hdl.assign;
import static org.esegen.hdl.spinal.Hdl.bitsConst;
import static org.esegen.hdl.spinal.Hdl.boolConst;
import static org.esegen.hdl.spinal.Hdl.child;
import static org.esegen.hdl.spinal.Hdl.concatLowFirst;
import static org.esegen.hdl.spinal.Hdl.inBits;
import static org.esegen.hdl.spinal.Hdl.inBool;
import static org.esegen.hdl.spinal.Hdl.inSInt;
import static org.esegen.hdl.spinal.Hdl.outSInt;
import static org.esegen.hdl.spinal.Hdl.slice;
import static org.esegen.hdl.spinal.Hdl.unused;

import java.util.List;

import org.esegen.hdl.spinal.JavaComponent;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.SInt;

/**
 * One multiply-accumulate in a {@link Dsp48e2}: {@code p} = Z + a x b, Z chosen by {@code z_select}
 * ({@link Dsp48e2#Z_ZERO}, {@link Dsp48e2#Z_C}: {@code c}, {@link Dsp48e2#Z_P}: the previous result).
 * {@code a} and {@code b} are sampled at an edge t where {@code operand_enable} is high (else the operands
 * held keep their value); the product of the held operands is registered at every edge, so the product of
 * operands sampled at edge t, if they are still held, is added to the Z presented between edges t+1 and
 * t+2 and the sum appears on {@code p} after edge t+2 if {@code p_enable} was high in that cycle (else p
 * keeps its value). {@code p} is the sum's low pBits bits (the DSP adds at 48 bits and
 * nothing saturates). The DSP's pipeline registers are its own; this module has no logic.
 *
 * <p>Ports: {@code a} in SInt aBits (up to 27), {@code b} in SInt bBits (up to 18), {@code c} in SInt
 * pBits (up to 48, sign-extended), {@code z_select} in Bits 3, {@code p_enable}, {@code operand_enable}
 * in Bool, {@code p} out SInt pBits.
 */
public final class DspMac extends JavaComponent {
    public final SInt a;
    public final SInt b;
    public final SInt c;
    public final Bits zSelect;
    public final Bool pEnable;
    public final Bool operandEnable;
    public final SInt p;

    public DspMac(int aBits, int bBits, int pBits) {
        super("DspMac");
        a = inSInt("a", aBits);
        b = inSInt("b", bBits);
        c = inSInt("c", pBits);
        zSelect = inBits("z_select", 3);
        pEnable = inBool("p_enable");
        operandEnable = inBool("operand_enable");
        p = outSInt("p", pBits);

        Dsp48e2 dsp = child("dsp", new Dsp48e2());
        assign(dsp.a, a.resize(Dsp48e2.A_BITS).asBits());
        assign(dsp.b, b.resize(Dsp48e2.B_BITS).asBits());
        assign(dsp.c, c.resize(Dsp48e2.P_BITS).asBits());
        assign(dsp.opmode, concatLowFirst(List.of(bitsConst(Dsp48e2.OPMODE_MULTIPLY & 0b1111, 4), zSelect,
                bitsConst(0, 2))));
        for (Bits zero : List.of(dsp.acin, dsp.alumode, dsp.bcin, dsp.carryinsel, dsp.d, dsp.inmode, dsp.pcin)) {
            assign(zero, bitsConst(0, zero.getWidth()));
        }
        assign(dsp.cea2, operandEnable);
        assign(dsp.ceb2, operandEnable);
        assign(dsp.cem, boolConst(true));
        for (Bool zero : List.of(dsp.carrycascin, dsp.carryin, dsp.cea1, dsp.cead, dsp.cealumode, dsp.ceb1, dsp.cec,
                dsp.cecarryin, dsp.cectrl, dsp.ced, dsp.ceinmode, dsp.multsignin, dsp.rsta, dsp.rstallcarryin,
                dsp.rstalumode, dsp.rstb, dsp.rstc, dsp.rstctrl, dsp.rstd, dsp.rstinmode, dsp.rstm, dsp.rstp)) {
            assign(zero, boolConst(false));
        }
        assign(dsp.cep, pEnable);
        assign(p, slice(dsp.p, 0, pBits).asSInt());
        if (pBits < Dsp48e2.P_BITS) {
            unused("p_high", slice(dsp.p, pBits, Dsp48e2.P_BITS - pBits));
        }
    }
}
