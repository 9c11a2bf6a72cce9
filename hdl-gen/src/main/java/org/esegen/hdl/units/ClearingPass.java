package org.esegen.hdl.units;

import static org.esegen.hdl.spinal.Hdl.add;
import static org.esegen.hdl.spinal.Hdl.assign;
import static org.esegen.hdl.spinal.Hdl.bool;
import static org.esegen.hdl.spinal.Hdl.boolConst;
import static org.esegen.hdl.spinal.Hdl.equal;
import static org.esegen.hdl.spinal.Hdl.regInit;
import static org.esegen.hdl.spinal.Hdl.uint;
import static org.esegen.hdl.spinal.Hdl.uintConst;
import static org.esegen.hdl.spinal.Hdl.when;

import spinal.core.Bool;
import spinal.core.UInt;

/**
 * A pass over a RAM's addresses 0 .. words - 1, one a cycle, for a unit that zeroes its RAM through
 * its one write port instead of keeping a valid bit per word: {@link #active} is high from reset, or
 * from the cycle after {@code restart}, until {@link #address} has been words - 1 for a cycle. Built in
 * the current component (registers {@code <name>} and {@code <name>_address}).
 */
final class ClearingPass {
    /** The pass is running: the unit writes 0 at {@link #address} and takes no other work. */
    final Bool active;
    /** The word written in this cycle. */
    final UInt address;

    /**
     * @param name         register name of {@link #active}
     * @param words        words of the RAM, at least 1
     * @param addressBits  width of {@link #address}, enough for words - 1
     * @param restart      starts the pass again from address 0 (at the rising edge it is high)
     */
    ClearingPass(String name, int words, int addressBits, Bool restart) {
        active = regInit(name, bool(), boolConst(true));
        address = regInit(name + "_address", uint(addressBits), uintConst(0, addressBits));
        when(active, () -> {
            assign(address, add(address, uintConst(1, addressBits)));
            when(equal(address, uintConst(words - 1, addressBits)), () -> assign(active, boolConst(false)));
        });
        when(restart, () -> {
            assign(active, boolConst(true));
            assign(address, uintConst(0, addressBits));
        });
    }
}
