package org.esegen.hdl.units;

import static org.esegen.hdl.spinal.Hdl.allOf;
import static org.esegen.hdl.spinal.Hdl.and;
import static org.esegen.hdl.spinal.Hdl.assign;
import static org.esegen.hdl.spinal.Hdl.bits;
import static org.esegen.hdl.spinal.Hdl.hardType;
import static org.esegen.hdl.spinal.Hdl.masterStream;
import static org.esegen.hdl.spinal.Hdl.named;
import static org.esegen.hdl.spinal.Hdl.not;
import static org.esegen.hdl.spinal.Hdl.outBool;
import static org.esegen.hdl.spinal.Hdl.slaveStream;
import static org.esegen.hdl.spinal.Hdl.slice;

import java.util.ArrayList;
import java.util.List;

import org.esegen.EsegenException;
import org.esegen.hdl.spinal.JavaComponent;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.lib.Stream;

/**
 * Deals the entry rows out to the PEs: row k of section WA_ENTRIES or WHR_ENTRIES holds one slice
 * per PE (slice p, {@code entryBits} wide: the PE's pair of entries 2k and 2k + 1 in the
 * accelerator, see {@code ImageLayout.entryPacking}), and the row is pushed into every PE's entry
 * stream in the same cycle, when all of them accept. Rows flow from one matrix into the next
 * without a break: each PE takes exactly its matrix's rows and leaves the next matrix's in its FIFO
 * (see PeSequencer), so the next matrix's entries load while the current one computes.
 *
 * <p>Ports: stream {@code rows} (slave, Bits pes * entryBits, slice p at bits [p entryBits,
 * (p+1) entryBits)); streams {@code entries_<p>} (master, Bits entryBits) for p &lt; pes;
 * {@code starved} out, no row offered (the PEs may be waiting for DDR).
 *
 * <p>Timing: combinational, no latency: {@code entries_<p>_valid} is {@code rows_valid} while
 * every {@code entries_<q>_ready} is high; {@code rows_ready} is every ready.
 */
public final class EntryDistributor extends JavaComponent {
    public final Stream<Bits> rows;
    public final List<Stream<Bits>> entries;
    public final Bool starved;

    /**
     * @param pes        PEs (slices of a row), 1..256
     * @param entryBits  bits of one PE's slice of a row
     * @throws EsegenException if a parameter is out of range
     */
    public EntryDistributor(int pes, int entryBits) {
        super(validated(pes, entryBits));
        rows = slaveStream("rows", hardType(() -> bits(pes * entryBits)));
        List<Stream<Bits>> outputs = new ArrayList<>();
        for (int p = 0; p < pes; p++) {
            outputs.add(masterStream("entries_" + p, hardType(() -> bits(entryBits))));
        }
        entries = List.copyOf(outputs);
        starved = outBool("starved");

        Bool allReady = named("all_ready", allOf(entries.stream().map(Stream::ready).toList()));
        for (int p = 0; p < pes; p++) {
            assign(entries.get(p).valid(), and(rows.valid(), allReady));
            assign(entries.get(p).payload(), slice(rows.payload(), p * entryBits, entryBits));
        }
        assign(rows.ready(), allReady);
        assign(starved, not(rows.valid()));
    }

    private static String validated(int pes, int entryBits) {
        if (pes < 1 || pes > 256) {
            throw new EsegenException("EntryDistributor: pes " + pes + " is outside 1..256");
        }
        if (entryBits < 2 || entryBits > 128) {
            throw new EsegenException("EntryDistributor: entryBits " + entryBits + " is outside 2..128");
        }
        return "EntryDistributor";
    }
}
