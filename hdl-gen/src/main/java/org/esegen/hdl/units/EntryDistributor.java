package org.esegen.hdl.units;

import static org.esegen.hdl.spinal.Hdl.allOf;
import static org.esegen.hdl.spinal.Hdl.and;
import static org.esegen.hdl.spinal.Hdl.assign;
import static org.esegen.hdl.spinal.Hdl.bits;
import static org.esegen.hdl.spinal.Hdl.equal;
import static org.esegen.hdl.spinal.Hdl.hardType;
import static org.esegen.hdl.spinal.Hdl.inBool;
import static org.esegen.hdl.spinal.Hdl.inUInt;
import static org.esegen.hdl.spinal.Hdl.masterStream;
import static org.esegen.hdl.spinal.Hdl.named;
import static org.esegen.hdl.spinal.Hdl.not;
import static org.esegen.hdl.spinal.Hdl.outBool;
import static org.esegen.hdl.spinal.Hdl.regInit;
import static org.esegen.hdl.spinal.Hdl.slaveStream;
import static org.esegen.hdl.spinal.Hdl.slice;
import static org.esegen.hdl.spinal.Hdl.sub;
import static org.esegen.hdl.spinal.Hdl.uint;
import static org.esegen.hdl.spinal.Hdl.uintConst;
import static org.esegen.hdl.spinal.Hdl.when;

import java.util.ArrayList;
import java.util.List;

import org.esegen.EsegenException;
import org.esegen.hdl.spinal.JavaComponent;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.UInt;
import spinal.lib.Stream;

/**
 * Deals the entry rows of one sparse matrix out to the PEs: row k of section WA_ENTRIES or
 * WHR_ENTRIES holds one slice per PE (slice p, {@code entryBits} wide: the PE's pair of entries
 * 2k and 2k + 1 in the accelerator, see {@code ImageLayout.entryPacking}), and the row is
 * pushed into every PE's entry stream in the same cycle, when all of them accept. Lanes past a
 * PE's last entry are filler, which the PE discards itself (see ARCHITECTURE.md).
 *
 * <p>{@code start} arms the unit for one matrix of {@code row_count} rows (sampled with
 * {@code start}); it forwards exactly that many rows and then takes no more, so rows of the next
 * matrix wait on {@code rows} until the next {@code start}. A {@code start} while busy restarts
 * the count.
 *
 * <p>Ports: {@code start} in; {@code row_count} in (UInt countBits); stream {@code rows} (slave,
 * Bits pes * entryBits, lane p at bits [p entryBits, (p+1) entryBits)); streams
 * {@code entries_<p>} (master, Bits entryBits) for p &lt; pes; {@code busy} out, rows of the
 * matrix are left to forward; {@code starved} out, busy and no row offered (the PEs may be
 * waiting for DDR).
 *
 * <p>Timing: combinational, no latency: {@code entries_<p>_valid} is {@code rows_valid} while
 * busy and every {@code entries_<q>_ready} is high; {@code rows_ready} is busy and every ready.
 */
public final class EntryDistributor extends JavaComponent {
    public final Bool start;
    public final UInt rowCount;
    public final Stream<Bits> rows;
    public final List<Stream<Bits>> entries;
    public final Bool busy;
    public final Bool starved;

    /**
     * @param pes        PEs (lanes of a row), 1..256
     * @param entryBits  bits of one PE's slice of a row
     * @param countBits  width of {@code row_count}
     * @throws EsegenException if a parameter is out of range
     */
    public EntryDistributor(int pes, int entryBits, int countBits) {
        super(validated(pes, entryBits, countBits));
        start = inBool("start");
        rowCount = inUInt("row_count", countBits);
        rows = slaveStream("rows", hardType(() -> bits(pes * entryBits)));
        List<Stream<Bits>> outputs = new ArrayList<>();
        for (int p = 0; p < pes; p++) {
            outputs.add(masterStream("entries_" + p, hardType(() -> bits(entryBits))));
        }
        entries = List.copyOf(outputs);
        busy = outBool("busy");
        starved = outBool("starved");

        UInt remaining = regInit("remaining", uint(countBits), uintConst(0, countBits));
        Bool active = named("active", not(equal(remaining, uintConst(0, countBits))));
        Bool allReady = named("all_ready", allOf(entries.stream().map(Stream::ready).toList()));
        Bool pass = named("pass", and(active, allReady));
        for (int p = 0; p < pes; p++) {
            assign(entries.get(p).valid(), and(rows.valid(), pass));
            assign(entries.get(p).payload(), slice(rows.payload(), p * entryBits, entryBits));
        }
        assign(rows.ready(), pass);
        when(and(rows.valid(), pass), () -> assign(remaining, sub(remaining, uintConst(1, countBits))));
        when(start, () -> assign(remaining, rowCount));
        assign(busy, active);
        assign(starved, and(active, not(rows.valid())));
    }

    private static String validated(int pes, int entryBits, int countBits) {
        if (pes < 1 || pes > 256) {
            throw new EsegenException("EntryDistributor: pes " + pes + " is outside 1..256");
        }
        if (entryBits < 2 || entryBits > 64) {
            throw new EsegenException("EntryDistributor: entryBits " + entryBits + " is outside 2..64");
        }
        if (countBits < 1 || countBits > 32) {
            throw new EsegenException("EntryDistributor: countBits " + countBits + " is outside 1..32");
        }
        return "EntryDistributor";
    }
}
