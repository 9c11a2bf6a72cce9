package org.esegen.hdl.units;

import static org.esegen.hdl.spinal.Hdl.inBits;
import static org.esegen.hdl.spinal.Hdl.inBool;
import static org.esegen.hdl.spinal.Hdl.outBits;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.esegen.EsegenException;
import spinal.core.BlackBox;
import spinal.core.Bits;
import spinal.core.Bool;

/**
 * Xilinx's DSP48E2 primitive (UltraScale), instantiated by name with every input port declared, in
 * the one configuration esegen uses: P = Z + A x B with A (27-bit signed, in a 30-bit port) and B
 * (18-bit signed) each registered once (AREG = BREG = 1, clock enables CEA2 / CEB2), the product
 * registered (MREG = 1, CEM) and the result registered (PREG = 1, CEP); C, OPMODE, ALUMODE, INMODE
 * and the carry-in select unregistered; no pre-adder, no pattern detector, no SIMD. Latency: A and
 * B sampled at edge t give their product in P after edge t+2, added to the Z operand (OPMODE bits
 * [6:4]: 000 zero, 010 P, 011 C) presented between edges t+1 and t+2.
 *
 * <p>Synthesis and Vivado take the device primitive (Yosys knows it as a blackbox cell and counts
 * it as one DSP48E2). Verilator and Icarus read {@link #SIMULATION_MODEL}, a behavioral model of
 * exactly this subset that stops the simulation on any other parameter or OPMODE.
 */
public final class Dsp48e2 extends BlackBox {
    /** Classpath resource of the behavioral model, beside this class's package ({@code sim/DSP48E2.v}). */
    public static final String SIMULATION_MODEL = "/org/esegen/hdl/sim/DSP48E2.v";
    /** File name of the model as written beside generated Verilog. */
    public static final String MODEL_FILE = "DSP48E2.v";
    /** Width of the A port (its low 27 bits feed the multiplier). */
    public static final int A_BITS = 30;
    /** Widest signed A operand the multiplier takes. */
    public static final int A_MULTIPLIER_BITS = 27;
    /** Width of the B port, all of it the multiplier's signed input. */
    public static final int B_BITS = 18;
    /** Width of the C and P ports. */
    public static final int P_BITS = 48;
    /** OPMODE with X and Y selecting the product and W zero; bits [6:4] select Z. */
    public static final int OPMODE_MULTIPLY = 0b000000101;
    /** OPMODE bits [6:4] for Z = 0. */
    public static final int Z_ZERO = 0b000;
    /** OPMODE bits [6:4] for Z = P (the previous result). */
    public static final int Z_P = 0b010;
    /** OPMODE bits [6:4] for Z = C. */
    public static final int Z_C = 0b011;

    public final Bool clk = inBool("CLK");
    public final Bits a = inBits("A", A_BITS);
    public final Bits acin = inBits("ACIN", 30);
    public final Bits alumode = inBits("ALUMODE", 4);
    public final Bits b = inBits("B", B_BITS);
    public final Bits bcin = inBits("BCIN", 18);
    public final Bits c = inBits("C", P_BITS);
    public final Bool carrycascin = inBool("CARRYCASCIN");
    public final Bool carryin = inBool("CARRYIN");
    public final Bits carryinsel = inBits("CARRYINSEL", 3);
    public final Bool cea1 = inBool("CEA1");
    public final Bool cea2 = inBool("CEA2");
    public final Bool cead = inBool("CEAD");
    public final Bool cealumode = inBool("CEALUMODE");
    public final Bool ceb1 = inBool("CEB1");
    public final Bool ceb2 = inBool("CEB2");
    public final Bool cec = inBool("CEC");
    public final Bool cecarryin = inBool("CECARRYIN");
    public final Bool cectrl = inBool("CECTRL");
    public final Bool ced = inBool("CED");
    public final Bool ceinmode = inBool("CEINMODE");
    public final Bool cem = inBool("CEM");
    public final Bool cep = inBool("CEP");
    public final Bits d = inBits("D", 27);
    public final Bits inmode = inBits("INMODE", 5);
    public final Bool multsignin = inBool("MULTSIGNIN");
    public final Bits opmode = inBits("OPMODE", 9);
    public final Bits pcin = inBits("PCIN", P_BITS);
    public final Bool rsta = inBool("RSTA");
    public final Bool rstallcarryin = inBool("RSTALLCARRYIN");
    public final Bool rstalumode = inBool("RSTALUMODE");
    public final Bool rstb = inBool("RSTB");
    public final Bool rstc = inBool("RSTC");
    public final Bool rstctrl = inBool("RSTCTRL");
    public final Bool rstd = inBool("RSTD");
    public final Bool rstinmode = inBool("RSTINMODE");
    public final Bool rstm = inBool("RSTM");
    public final Bool rstp = inBool("RSTP");
    public final Bits p = outBits("P", P_BITS);

    public Dsp48e2() {
        setDefinitionName("DSP48E2", false);
        mapCurrentClockDomain(clk, mapCurrentClockDomain$default$2(), mapCurrentClockDomain$default$3(),
                mapCurrentClockDomain$default$4(), mapCurrentClockDomain$default$5());
        addGeneric("AREG", 1);
        addGeneric("ACASCREG", 1);
        addGeneric("BREG", 1);
        addGeneric("BCASCREG", 1);
        addGeneric("CREG", 0);
        addGeneric("MREG", 1);
        addGeneric("PREG", 1);
        addGeneric("ADREG", 0);
        addGeneric("DREG", 0);
        addGeneric("ALUMODEREG", 0);
        addGeneric("CARRYINREG", 0);
        addGeneric("CARRYINSELREG", 0);
        addGeneric("INMODEREG", 0);
        addGeneric("OPMODEREG", 0);
        addGeneric("A_INPUT", "DIRECT");
        addGeneric("B_INPUT", "DIRECT");
        addGeneric("AMULTSEL", "A");
        addGeneric("BMULTSEL", "B");
        addGeneric("PREADDINSEL", "A");
        addGeneric("USE_MULT", "MULTIPLY");
        addGeneric("USE_SIMD", "ONE48");
        addGeneric("USE_PATTERN_DETECT", "NO_PATDET");
    }

    /**
     * Writes {@link #SIMULATION_MODEL} into {@code dir} as {@value #MODEL_FILE} (replacing a file of
     * that name) and returns its path; for simulators only, never for synthesis.
     */
    public static Path writeSimulationModel(Path dir) {
        try (InputStream model = Dsp48e2.class.getResourceAsStream(SIMULATION_MODEL)) {
            if (model == null) {
                throw new EsegenException("the DSP48E2 simulation model " + SIMULATION_MODEL + " is not on the classpath");
            }
            Files.createDirectories(dir);
            Path file = dir.resolve(MODEL_FILE);
            Files.write(file, model.readAllBytes());
            return file;
        } catch (IOException e) {
            throw new EsegenException("cannot write the DSP48E2 simulation model into " + dir + ": " + e.getMessage(), e);
        }
    }
}
