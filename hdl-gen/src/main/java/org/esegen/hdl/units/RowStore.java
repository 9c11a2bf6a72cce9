package org.esegen.hdl.units;

import static org.esegen.hdl.spinal.Hdl.add;
import static org.esegen.hdl.spinal.Hdl.and;
import static org.esegen.hdl.spinal.Hdl.assign;
import static org.esegen.hdl.spinal.Hdl.bits;
import static org.esegen.hdl.spinal.Hdl.blockRam;
import static org.esegen.hdl.spinal.Hdl.bool;
import static org.esegen.hdl.spinal.Hdl.boolConst;
import static org.esegen.hdl.spinal.Hdl.equal;
import static org.esegen.hdl.spinal.Hdl.hardType;
import static org.esegen.hdl.spinal.Hdl.inBool;
import static org.esegen.hdl.spinal.Hdl.inUInt;
import static org.esegen.hdl.spinal.Hdl.masterStream;
import static org.esegen.hdl.spinal.Hdl.mux;
import static org.esegen.hdl.spinal.Hdl.named;
import static org.esegen.hdl.spinal.Hdl.not;
import static org.esegen.hdl.spinal.Hdl.or;
import static org.esegen.hdl.spinal.Hdl.readSync;
import static org.esegen.hdl.spinal.Hdl.regInit;
import static org.esegen.hdl.spinal.Hdl.slaveStream;
import static org.esegen.hdl.spinal.Hdl.sub;
import static org.esegen.hdl.spinal.Hdl.uint;
import static org.esegen.hdl.spinal.Hdl.uintConst;
import static org.esegen.hdl.spinal.Hdl.when;
import static org.esegen.hdl.spinal.Hdl.widthFor;
import static org.esegen.hdl.spinal.Hdl.write;

import org.esegen.EsegenException;
import org.esegen.hdl.spinal.JavaComponent;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.Mem;
import spinal.core.UInt;
import spinal.lib.Stream;

/**
 * The on-chip weight store of one row stream (pointer rows or entry rows): a run's first frame
 * passes from DDR through it and is written into block RAM, and every later frame of the run is
 * replayed from there, one row a cycle, the same rows in the same order. The consumer cannot tell
 * the two apart, so the data path computes the same bits with either store.
 *
 * <p>Ports: stream {@code rows_in} (slave, Bits rowBits, the DDR rows); stream {@code rows_out}
 * (master, Bits rowBits); {@code launch} in, a run starts (back to capture, from row 0); {@code
 * rows_per_frame} in (UInt), the rows of one frame, 1 .. depth, and {@code frames} in (UInt 32), the
 * run's frames, both held during the run.
 *
 * <p>Timing: while capturing, {@code rows_out} is {@code rows_in} (combinational valid, payload and
 * ready); after the frame's last row it takes no more input and replays the remaining frames - 1
 * frames, no more (the consumer's FIFOs must not prefetch rows past the run): a synchronous
 * block-RAM read one cycle ahead, a row every cycle the consumer takes one. Capacity: {@code depth} rows of
 * {@code rowBits}; a frame of more rows than that is outside the contract (the compiler refuses
 * such a model).
 */
public final class RowStore extends JavaComponent {
    public final Stream<Bits> rowsIn;
    public final Stream<Bits> rowsOut;
    public final Bool launch;
    public final UInt rowsPerFrame;
    public final UInt frames;

    /** Width of {@code frames} (the FRAME_COUNT register's). */
    public static final int FRAME_BITS = 32;

    /**
     * @param name    module name
     * @param rowBits bits of a row, 1..65536
     * @param depth   rows held, 1..2^20
     * @throws EsegenException if a parameter is out of range
     */
    public RowStore(String name, int rowBits, int depth) {
        super(validated(name, rowBits, depth));
        int addrBits = countBits(depth);
        int memoryAddressBits = widthFor(depth - 1);
        rowsIn = slaveStream("rows_in", hardType(() -> bits(rowBits)));
        rowsOut = masterStream("rows_out", hardType(() -> bits(rowBits)));
        launch = inBool("launch");
        rowsPerFrame = inUInt("rows_per_frame", addrBits);
        frames = inUInt("frames", FRAME_BITS);

        Mem<Bits> rows = blockRam("rows", hardType(() -> bits(rowBits)), depth);
        Bool replaying = regInit("replaying", bool(), boolConst(false));
        UInt lastRow = named("last_row", sub(rowsPerFrame, uintConst(1, addrBits)));

        UInt captureAddress = regInit("capture_address", uint(addrBits), uintConst(0, addrBits));
        Bool captured = named("captured", and(rowsIn.valid(), rowsIn.ready()));
        write(rows, captureAddress.resize(memoryAddressBits), rowsIn.payload(), captured);
        UInt framesLeft = regInit("frames_left", uint(FRAME_BITS), uintConst(0, FRAME_BITS));
        when(captured, () -> {
            when(equal(captureAddress, lastRow), () -> {
                assign(replaying, boolConst(true));
                assign(captureAddress, uintConst(0, addrBits));
                assign(framesLeft, sub(frames, uintConst(1, FRAME_BITS)));
            }).otherwise(() -> assign(captureAddress, add(captureAddress, uintConst(1, addrBits))));
        });

        UInt replayAddress = regInit("replay_address", uint(addrBits), uintConst(0, addrBits));
        Bool held = regInit("held", bool(), boolConst(false));
        Bool framesToGo = named("frames_to_go", not(equal(framesLeft, uintConst(0, FRAME_BITS))));
        Bool advance = named("advance", and(and(replaying, framesToGo), or(not(held), rowsOut.ready())));
        Bits replayed = readSync(rows, replayAddress.resize(memoryAddressBits), advance);
        when(advance, () -> {
            assign(held, boolConst(true));
            when(equal(replayAddress, lastRow), () -> {
                assign(replayAddress, uintConst(0, addrBits));
                assign(framesLeft, sub(framesLeft, uintConst(1, FRAME_BITS)));
            }).otherwise(() -> assign(replayAddress, add(replayAddress, uintConst(1, addrBits))));
        }).elseWhen(rowsOut.ready(), () -> assign(held, boolConst(false)));

        assign(rowsOut.valid(), mux(replaying, held, rowsIn.valid()));
        assign(rowsOut.payload(), mux(replaying, replayed, rowsIn.payload()));
        assign(rowsIn.ready(), and(not(replaying), rowsOut.ready()));

        when(launch, () -> {
            assign(replaying, boolConst(false));
            assign(held, boolConst(false));
            assign(captureAddress, uintConst(0, addrBits));
            assign(replayAddress, uintConst(0, addrBits));
            assign(framesLeft, uintConst(0, FRAME_BITS));
        });
    }

    /** Width of {@code rows_per_frame} (and of the row counters) for a store of {@code depth} rows. */
    public static int countBits(int depth) {
        return widthFor(depth);
    }

    private static String validated(String name, int rowBits, int depth) {
        if (rowBits < 1 || rowBits > 65536) {
            throw new EsegenException("RowStore: rowBits " + rowBits + " is outside 1..65536");
        }
        if (depth < 1 || depth > (1 << 20)) {
            throw new EsegenException("RowStore: depth " + depth + " is outside 1..2^20");
        }
        return name;
    }
}
