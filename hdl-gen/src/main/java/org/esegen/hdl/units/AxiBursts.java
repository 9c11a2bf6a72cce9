package org.esegen.hdl.units;

import static org.esegen.hdl.spinal.Hdl.lessThan;
import static org.esegen.hdl.spinal.Hdl.mux;
import static org.esegen.hdl.spinal.Hdl.named;
import static org.esegen.hdl.spinal.Hdl.sub;
import static org.esegen.hdl.spinal.Hdl.uintConst;

import org.esegen.EsegenException;
import spinal.core.Bool;
import spinal.core.UInt;

/** What {@link DdrReader} and {@link DdrWriter} share: AXI4 bus limits and INCR burst splitting. */
final class AxiBursts {
    /** AXI4 bursts must not cross a boundary of this many bytes. */
    static final int PAGE_BYTES = 4096;
    /** The longest AXI4 INCR burst. */
    static final int MAX_BURST_BEATS = 256;
    /** Width of AXI IDs on the m_axi ports. */
    static final int ID_BITS = 4;
    /** Width of the beat count of a command. */
    static final int BEATS_BITS = 24;
    /** The AXI burst type INCR ({@code arburst}/{@code awburst}). */
    static final int INCR = 1;

    private AxiBursts() {
    }

    /** Bits needed to hold every value 0..n. */
    static int bitsFor(int n) {
        return Math.max(1, 32 - Integer.numberOfLeadingZeros(n));
    }

    /** log2 of a power of two. */
    static int log2(int powerOfTwo) {
        return Integer.numberOfTrailingZeros(powerOfTwo);
    }

    /** 1 when {@code condition} holds, else 0, as a {@code width}-bit UInt (for counters). */
    static UInt oneIf(Bool condition, int width) {
        return mux(condition, uintConst(1, width), uintConst(0, width));
    }

    /**
     * Checks the parameters both masters share.
     *
     * @throws EsegenException naming the unit, the parameter, its value and the legal range
     */
    static void validate(String unit, int dataBits, int addrBits, int maxBurstBeats, int maxOutstanding) {
        if (dataBits < 32 || dataBits > 1024 || Integer.bitCount(dataBits) != 1) {
            throw new EsegenException(unit + ": dataBits " + dataBits + " is not a power of two in 32..1024");
        }
        if (addrBits < 12 || addrBits > 64) {
            throw new EsegenException(unit + ": addrBits " + addrBits + " is outside 12..64");
        }
        if (maxBurstBeats < 1 || maxBurstBeats > MAX_BURST_BEATS) {
            throw new EsegenException(unit + ": maxBurstBeats " + maxBurstBeats + " is outside 1.." + MAX_BURST_BEATS);
        }
        if (maxOutstanding < 1 || maxOutstanding > 64) {
            throw new EsegenException(unit + ": maxOutstanding " + maxOutstanding + " is outside 1..64");
        }
    }

    /**
     * The beats of the next burst of a transfer at {@code wordAddress} (byte address / beatBytes)
     * with {@code remaining} beats to go: min(remaining, maxBurstBeats, beats to the next 4 KiB
     * boundary). Combinational, {@code bitsFor(maxBurstBeats)} bits; 0 only when remaining is 0.
     */
    static UInt nextBurst(String name, UInt wordAddress, UInt remaining, int beatBytes, int maxBurstBeats) {
        int pageBeats = PAGE_BYTES / beatBytes;
        int pageBits = log2(pageBeats);
        int burstBits = bitsFor(maxBurstBeats);
        UInt pageLeft = named(name + "_page_left", sub(uintConst(pageBeats, pageBits + 1),
                wordAddress.resize(pageBits).resize(pageBits + 1)));
        UInt limit = pageBeats <= maxBurstBeats
                ? pageLeft.resize(burstBits)
                : mux(lessThan(pageLeft, uintConst(maxBurstBeats, pageBits + 1)), pageLeft.resize(burstBits),
                        uintConst(maxBurstBeats, burstBits));
        return named(name, mux(lessThan(remaining, limit.resize(remaining.getWidth())),
                remaining.resize(burstBits), limit));
    }
}
