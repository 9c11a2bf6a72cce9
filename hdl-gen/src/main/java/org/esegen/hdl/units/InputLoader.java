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
import static org.esegen.hdl.spinal.Hdl.named;
import static org.esegen.hdl.spinal.Hdl.not;
import static org.esegen.hdl.spinal.Hdl.or;
import static org.esegen.hdl.spinal.Hdl.outBool;
import static org.esegen.hdl.spinal.Hdl.outSInt;
import static org.esegen.hdl.spinal.Hdl.outUInt;
import static org.esegen.hdl.spinal.Hdl.reg;
import static org.esegen.hdl.spinal.Hdl.regInit;
import static org.esegen.hdl.spinal.Hdl.regNext;
import static org.esegen.hdl.spinal.Hdl.select;
import static org.esegen.hdl.spinal.Hdl.slaveStream;
import static org.esegen.hdl.spinal.Hdl.slice;
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
 * Writes one frame's input rows into the vector buffers: the rows of channels 0 .. C-1 arrive in
 * that order (INPUT rows ch T + t), and lane j of channel ch's row becomes word j of vector buffer
 * ch, for j &lt; I.
 *
 * <p>{@code start} (a pulse, ignored while busy) samples {@code input_size} I and takes the next C
 * rows. Each row is held while its I lanes are written, one per cycle, and taken with its last
 * lane (a row with I = 0 is taken at once). A write leaves one cycle after its lane is selected:
 * {@code write_valid}, {@code write_channel}, {@code write_index} j, {@code write_value}.
 * {@code busy} is high from the cycle after start until the last write has been presented.
 *
 * <p>Ports: {@code start}, {@code input_size} (UInt) in; {@code busy} out; stream {@code rows}
 * (slave, Bits maxInputSize * actBits: an INPUT row of the most lanes); the write outputs.
 */
public final class InputLoader extends JavaComponent {
    public final Bool start;
    public final UInt inputSize;
    public final Bool busy;
    public final Stream<Bits> rows;
    public final Bool writeValid;
    public final UInt writeChannel;
    public final UInt writeIndex;
    public final SInt writeValue;

    /**
     * @param channels     channels C, 1..64
     * @param actBits      lane width
     * @param maxInputSize largest I
     * @throws EsegenException if a parameter is out of range
     */
    public InputLoader(int channels, int actBits, int maxInputSize) {
        super(validated(channels, maxInputSize));
        int sizeBits = widthFor(maxInputSize);
        int indexBits = widthFor(maxInputSize - 1);
        int channelBits = widthFor(channels - 1);

        start = inBool("start");
        inputSize = inUInt("input_size", sizeBits);
        busy = outBool("busy");
        rows = slaveStream("rows", hardType(() -> bits(maxInputSize * actBits)));
        writeValid = outBool("write_valid");
        writeChannel = outUInt("write_channel", channelBits);
        writeIndex = outUInt("write_index", indexBits);
        writeValue = outSInt("write_value", actBits);

        Bool active = regInit("active", bool(), boolConst(false));
        UInt size = reg("size", uint(sizeBits));
        UInt channel = regInit("channel", uint(channelBits), uintConst(0, channelBits));
        UInt lane = regInit("lane", uint(sizeBits), uintConst(0, sizeBits));
        Bool lastLane = named("last_lane", not(lessThan(add(lane, uintConst(1, sizeBits)), size)));
        Bool lastChannel = named("last_channel", equal(channel, uintConst(channels - 1, channelBits)));
        Bool present = named("present", and(active, rows.valid()));
        Bool write = named("write", and(present, lessThan(lane, size)));
        Bool rowDone = named("row_done", and(present, lastLane));
        assign(rows.ready(), and(active, lastLane));
        when(present, () -> assign(lane, add(lane, uintConst(1, sizeBits))));
        when(rowDone, () -> {
            assign(lane, uintConst(0, sizeBits));
            assign(channel, add(channel, uintConst(1, channelBits)));
            when(lastChannel, () -> assign(active, boolConst(false)));
        });

        List<Bits> lanes = new ArrayList<>();
        for (int j = 0; j < maxInputSize; j++) {
            lanes.add(slice(rows.payload(), j * actBits, actBits));
        }
        Bool writing = regNext("writing", write, boolConst(false));
        assign(writeValid, writing);
        assign(writeChannel, regNext("channel_q", channel));
        assign(writeIndex, regNext("index_q", lane.resize(indexBits)));
        assign(writeValue, regNext("value_q", asSInt(select(lane.resize(indexBits), lanes))));

        when(and(start, not(active)), () -> {
            assign(size, inputSize);
            assign(channel, uintConst(0, channelBits));
            assign(lane, uintConst(0, sizeBits));
            assign(active, boolConst(true));
        });
        assign(busy, or(active, writing));
    }

    private static String validated(int channels, int maxInputSize) {
        if (channels < 1 || channels > 64) {
            throw new EsegenException("InputLoader: channels " + channels + " is outside 1..64");
        }
        if (maxInputSize < 1) {
            throw new EsegenException("InputLoader: maxInputSize " + maxInputSize + " must be at least 1");
        }
        return "InputLoader";
    }
}
