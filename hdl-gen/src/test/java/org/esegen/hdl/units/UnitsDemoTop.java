package org.esegen.hdl.units;

import static org.esegen.hdl.spinal.Hdl.assign;
import static org.esegen.hdl.spinal.Hdl.boolConst;
import static org.esegen.hdl.spinal.Hdl.child;
import static org.esegen.hdl.spinal.Hdl.connect;
import static org.esegen.hdl.spinal.Hdl.hardType;
import static org.esegen.hdl.spinal.Hdl.inBool;
import static org.esegen.hdl.spinal.Hdl.inUInt;
import static org.esegen.hdl.spinal.Hdl.outSInt;
import static org.esegen.hdl.spinal.Hdl.outUInt;
import static org.esegen.hdl.spinal.Hdl.regNext;
import static org.esegen.hdl.spinal.Hdl.sint;
import static org.esegen.hdl.spinal.Hdl.slaveStream;
import static org.esegen.hdl.spinal.Hdl.streamFifo;

import org.esegen.hdl.spinal.Hdl.FifoPorts;
import org.esegen.hdl.spinal.JavaComponent;
import spinal.core.Bool;
import spinal.core.SInt;
import spinal.core.UInt;
import spinal.lib.Stream;

/**
 * A toy processing element that exercises the Java SpinalHDL layer end to end: activations
 * arrive on a stream into a {@value #QUEUE_DEPTH}-deep queue (the activation queue depth ESE
 * found best), weights come from a {@link LookupRom}, and a {@link SaturatingMac} accumulates
 * their products.
 *
 * <p>Every cycle the queue holds an activation, it pops one; {@code weight_index} and
 * {@code clear} are sampled in that same cycle and travel with the activation (one cycle through
 * the ROM, then the MAC's two). Activations are never refused while the queue has room.
 *
 * <p>Ports: stream {@code activations} (slave, SInt actBits payload); {@code weight_index} in
 * UInt indexBits; {@code clear} in Bool; {@code acc} out SInt accBits; {@code queue_occupancy} out
 * UInt, the number of activations queued.
 */
public final class UnitsDemoTop extends JavaComponent {
    /** Activations the queue holds. */
    public static final int QUEUE_DEPTH = 8;

    /**
     * @param weights    the weight table, 2^indexBits words of weightBits signed bits
     * @param weightBits signed weight width
     * @param indexBits  weight index width
     * @param actBits    signed activation width
     * @param accBits    signed accumulator width
     */
    public UnitsDemoTop(long[] weights, int weightBits, int indexBits, int actBits, int accBits) {
        super("UnitsDemoTop");
        Stream<SInt> activations = slaveStream("activations", hardType(() -> sint(actBits)));
        UInt weightIndex = inUInt("weight_index", indexBits);
        Bool clear = inBool("clear");
        SInt acc = outSInt("acc", accBits);

        FifoPorts<SInt> queue = streamFifo("activation_queue", hardType(() -> sint(actBits)), QUEUE_DEPTH);
        UInt queueOccupancy = outUInt("queue_occupancy", queue.occupancy().getWidth());
        connect(queue.push(), activations);
        assign(queue.pop().ready(), boolConst(true));
        assign(queueOccupancy, queue.occupancy());

        LookupRom weightRom = child("weight_rom", new LookupRom("WeightRom", weights, weightBits, indexBits));
        assign(weightRom.index, weightIndex);

        SaturatingMac mac = child("mac", new SaturatingMac(weightBits, actBits, accBits));
        assign(mac.weight, weightRom.value);
        assign(mac.activation, regNext("activation_d", queue.pop().payload()));
        assign(mac.enable, regNext("enable_d", queue.pop().valid(), boolConst(false)));
        assign(mac.clear, regNext("clear_d", clear, boolConst(false)));
        assign(acc, mac.acc);
    }
}
