package org.esegen.hdl.units;

import static org.esegen.hdl.spinal.Hdl.assign;
import static org.esegen.hdl.spinal.Hdl.hardType;
import static org.esegen.hdl.spinal.Hdl.inUInt;
import static org.esegen.hdl.spinal.Hdl.outSInt;
import static org.esegen.hdl.spinal.Hdl.readSync;
import static org.esegen.hdl.spinal.Hdl.rom;
import static org.esegen.hdl.spinal.Hdl.sint;

import java.util.ArrayList;
import java.util.List;

import org.esegen.EsegenException;
import org.esegen.hdl.spinal.JavaComponent;
import spinal.core.Mem;
import spinal.core.SInt;
import spinal.core.UInt;

/**
 * A read-only table of signed words, such as a sigmoid or tanh table: {@code value} is
 * {@code contents[index]}, one cycle after {@code index} is sampled. The read is a synchronous
 * memory read (registered output), so Vivado and Yosys map a large table to block RAM and a small
 * one to LUTs. The word register has no reset: until the first clock edge after reset its value
 * is undefined. With two read ports (a block RAM has two) the second pair, {@code index_1} and
 * {@code value_1}, reads the same table independently with the same latency.
 *
 * <p>Ports: {@code index} in, UInt indexBits; {@code value} out, SInt valueBits; with two ports
 * also {@code index_1} in and {@code value_1} out.
 */
public final class LookupRom extends JavaComponent {
    public final UInt index;
    public final SInt value;
    /** The read ports' indexes, port 0 ({@link #index}) first. */
    public final List<UInt> indexes;
    /** The read ports' values, port 0 ({@link #value}) first. */
    public final List<SInt> values;

    /**
     * @param moduleName the Verilog module name
     * @param contents   the table, word i at index i; exactly 2^indexBits words, each within
     *                   [-2^(valueBits-1), 2^(valueBits-1) - 1]
     * @param valueBits  width of a signed word, 2..62
     * @param indexBits  width of the index, 1..20
     * @throws EsegenException if a parameter or word is out of range
     */
    public LookupRom(String moduleName, long[] contents, int valueBits, int indexBits) {
        this(moduleName, contents, valueBits, indexBits, 1);
    }

    /**
     * @param ports read ports, 1 or 2; the other parameters as for the one-port table
     * @throws EsegenException if a parameter or word is out of range
     */
    public LookupRom(String moduleName, long[] contents, int valueBits, int indexBits, int ports) {
        super(validated(moduleName, contents, valueBits, indexBits, ports));

        List<UInt> indexList = new ArrayList<>();
        List<SInt> valueList = new ArrayList<>();
        Mem<SInt> words = rom("words", hardType(() -> sint(valueBits)), contents);
        for (int port = 0; port < ports; port++) {
            String suffix = port == 0 ? "" : "_" + port;
            UInt portIndex = inUInt("index" + suffix, indexBits);
            SInt portValue = outSInt("value" + suffix, valueBits);
            assign(portValue, readSync(words, portIndex));
            indexList.add(portIndex);
            valueList.add(portValue);
        }
        indexes = List.copyOf(indexList);
        values = List.copyOf(valueList);
        index = indexes.get(0);
        value = values.get(0);
    }

    private static String validated(String moduleName, long[] contents, int valueBits, int indexBits, int ports) {
        if (ports < 1 || ports > 2) {
            throw new EsegenException(moduleName + ": ports " + ports + " is outside 1..2");
        }
        if (valueBits < 2 || valueBits > 62) {
            throw new EsegenException(moduleName + ": valueBits " + valueBits + " is outside 2..62");
        }
        if (indexBits < 1 || indexBits > 20) {
            throw new EsegenException(moduleName + ": indexBits " + indexBits + " is outside 1..20");
        }
        if (contents.length != 1 << indexBits) {
            throw new EsegenException(moduleName + ": the table has " + contents.length
                    + " words; indexBits " + indexBits + " needs exactly " + (1 << indexBits));
        }
        long min = -(1L << (valueBits - 1));
        long max = (1L << (valueBits - 1)) - 1;
        for (int i = 0; i < contents.length; i++) {
            if (contents[i] < min || contents[i] > max) {
                throw new EsegenException(moduleName + ": word " + i + " is " + contents[i]
                        + ", outside the " + valueBits + "-bit signed range " + min + ".." + max);
            }
        }
        return moduleName;
    }
}
