package org.esegen.hdl.units;

import static org.esegen.hdl.spinal.Hdl.add;
import static org.esegen.hdl.spinal.Hdl.and;
import static org.esegen.hdl.spinal.Hdl.asSInt;
import static org.esegen.hdl.spinal.Hdl.assign;
import static org.esegen.hdl.spinal.Hdl.bits;
import static org.esegen.hdl.spinal.Hdl.bool;
import static org.esegen.hdl.spinal.Hdl.boolConst;
import static org.esegen.hdl.spinal.Hdl.equal;
import static org.esegen.hdl.spinal.Hdl.hardType;
import static org.esegen.hdl.spinal.Hdl.inBool;
import static org.esegen.hdl.spinal.Hdl.inUInt;
import static org.esegen.hdl.spinal.Hdl.lessThan;
import static org.esegen.hdl.spinal.Hdl.mul;
import static org.esegen.hdl.spinal.Hdl.named;
import static org.esegen.hdl.spinal.Hdl.not;
import static org.esegen.hdl.spinal.Hdl.or;
import static org.esegen.hdl.spinal.Hdl.outBool;
import static org.esegen.hdl.spinal.Hdl.outSInt;
import static org.esegen.hdl.spinal.Hdl.outUInt;
import static org.esegen.hdl.spinal.Hdl.regInit;
import static org.esegen.hdl.spinal.Hdl.regNext;
import static org.esegen.hdl.spinal.Hdl.shiftLeft;
import static org.esegen.hdl.spinal.Hdl.slaveStream;
import static org.esegen.hdl.spinal.Hdl.slice;
import static org.esegen.hdl.spinal.Hdl.sub;
import static org.esegen.hdl.spinal.Hdl.uint;
import static org.esegen.hdl.spinal.Hdl.uintConst;
import static org.esegen.hdl.spinal.Hdl.when;
import static org.esegen.hdl.spinal.Hdl.widthFor;

import java.util.ArrayList;
import java.util.List;

import org.esegen.EsegenException;
import org.esegen.hdl.spinal.JavaComponent;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.SInt;
import spinal.core.UInt;
import spinal.lib.Stream;

/**
 * Loads the BIAS and PEEPHOLES sections into the element-wise units' RAMs. The two sections
 * arrive back to back as rows of pes lanes (lane p for PE p): 4 cpp bias rows, row r going to
 * bias word r of every PE, then 3 cpp peephole rows, row r to peephole word r (cpp = CELLS_PER_PE;
 * see {@code Section.BIAS}, {@code Section.PEEPHOLES}).
 *
 * <p>{@code start} (a pulse, ignored while busy) samples {@code cells_per_pe} and takes the next
 * 7 cpp rows, one per cycle as they come, then no more. Each row is written one cycle after it is
 * taken: {@code bias_write_valid} with {@code bias_write_addr}, or {@code peep_write_valid} with
 * {@code peep_write_addr}, and {@code write_data_<p>} (lane p) for every PE. {@code busy} is high
 * from the cycle after start until the last write has been presented.
 *
 * <p>Ports: {@code start}, {@code cells_per_pe} (UInt) in; {@code busy} out; stream {@code rows}
 * (slave, Bits pes * actBits); the write outputs.
 */
public final class ParamLoader extends JavaComponent {
    public final Bool start;
    public final UInt cellsPerPe;
    public final Bool busy;
    public final Stream<Bits> rows;
    public final Bool biasWriteValid;
    public final UInt biasWriteAddr;
    public final Bool peepWriteValid;
    public final UInt peepWriteAddr;
    public final List<SInt> writeData;

    /**
     * @param pes         PEs (lanes of a row), 1..256
     * @param actBits     lane width
     * @param maxCellsPerPe largest CELLS_PER_PE
     * @throws EsegenException if a parameter is out of range
     */
    public ParamLoader(int pes, int actBits, int maxCellsPerPe) {
        super(validated(pes, maxCellsPerPe));
        int cellBits = widthFor(maxCellsPerPe);
        int biasBits = widthFor(4L * maxCellsPerPe - 1);
        int peepBits = widthFor(3L * maxCellsPerPe - 1);
        int rowIndexBits = cellBits + 3;

        start = inBool("start");
        cellsPerPe = inUInt("cells_per_pe", cellBits);
        busy = outBool("busy");
        rows = slaveStream("rows", hardType(() -> bits(pes * actBits)));
        biasWriteValid = outBool("bias_write_valid");
        biasWriteAddr = outUInt("bias_write_addr", biasBits);
        peepWriteValid = outBool("peep_write_valid");
        peepWriteAddr = outUInt("peep_write_addr", peepBits);
        List<SInt> data = new ArrayList<>();
        for (int p = 0; p < pes; p++) {
            data.add(outSInt("write_data_" + p, actBits));
        }
        writeData = List.copyOf(data);

        Bool active = regInit("active", bool(), boolConst(false));
        UInt biasRows = regInit("bias_rows", uint(rowIndexBits), uintConst(0, rowIndexBits));
        UInt allRows = regInit("all_rows", uint(rowIndexBits), uintConst(0, rowIndexBits));
        UInt row = regInit("row", uint(rowIndexBits), uintConst(0, rowIndexBits));
        Bool take = named("take", and(active, rows.valid()));
        Bool inBias = named("in_bias", lessThan(row, biasRows));
        assign(rows.ready(), active);
        when(take, () -> {
            assign(row, add(row, uintConst(1, rowIndexBits)));
            when(equal(row, sub(allRows, uintConst(1, rowIndexBits))), () -> assign(active, boolConst(false)));
        });
        Bool writing = regNext("writing", take, boolConst(false));
        assign(biasWriteValid, regNext("bias_valid", and(take, inBias), boolConst(false)));
        assign(peepWriteValid, regNext("peep_valid", and(take, not(inBias)), boolConst(false)));
        assign(biasWriteAddr, regNext("bias_addr", row.resize(biasBits)));
        assign(peepWriteAddr, regNext("peep_addr", sub(row.resize(peepBits), biasRows.resize(peepBits))));
        for (int p = 0; p < pes; p++) {
            assign(writeData.get(p), regNext("data_" + p, asSInt(slice(rows.payload(), p * actBits, actBits))));
        }
        when(and(start, not(active)), () -> {
            assign(biasRows, shiftLeft(cellsPerPe, 2).resize(rowIndexBits));
            assign(allRows, mul(cellsPerPe, uintConst(7, 3)));
            assign(row, uintConst(0, rowIndexBits));
            assign(active, not(equal(cellsPerPe, uintConst(0, cellBits))));
        });
        assign(busy, or(active, writing));
    }

    private static String validated(int pes, int maxCellsPerPe) {
        if (pes < 1 || pes > 256) {
            throw new EsegenException("ParamLoader: pes " + pes + " is outside 1..256");
        }
        if (maxCellsPerPe < 1) {
            throw new EsegenException("ParamLoader: maxCellsPerPe " + maxCellsPerPe + " must be at least 1");
        }
        return "ParamLoader";
    }
}
