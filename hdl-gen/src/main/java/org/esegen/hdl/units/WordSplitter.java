package org.esegen.hdl.units;

import static org.esegen.hdl.spinal.Hdl.add;
import static org.esegen.hdl.spinal.Hdl.and;
import static org.esegen.hdl.spinal.Hdl.assign;
import static org.esegen.hdl.spinal.Hdl.bits;
import static org.esegen.hdl.spinal.Hdl.equal;
import static org.esegen.hdl.spinal.Hdl.hardType;
import static org.esegen.hdl.spinal.Hdl.inBool;
import static org.esegen.hdl.spinal.Hdl.inUInt;
import static org.esegen.hdl.spinal.Hdl.masterStream;
import static org.esegen.hdl.spinal.Hdl.mux;
import static org.esegen.hdl.spinal.Hdl.named;
import static org.esegen.hdl.spinal.Hdl.or;
import static org.esegen.hdl.spinal.Hdl.regInit;
import static org.esegen.hdl.spinal.Hdl.select;
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
import spinal.core.UInt;
import spinal.lib.Stream;

/**
 * Cuts section rows, as {@code LaneRows} packs them, into chunks of {@code chunkBits} bits, a divisor of
 * {@code wordBits}: of each row the first {@code row_chunks} chunks leave in order (chunk j is bits
 * [j chunkBits, (j + 1) chunkBits) of the row), and the rest of the row's last word is dropped. A row
 * is the fewest words that hold its chunks, so the row's last chunk lies in its last word.
 *
 * <p>Ports: {@code clear} in (a pulse: the next word starts a row); {@code row_chunks} in (UInt
 * countBits, at least 1, held while words flow); stream {@code words} (slave, Bits wordBits); stream
 * {@code chunks} (master, Bits chunkBits).
 *
 * <p>Timing: one chunk a cycle, no bubble between words or rows; {@code chunks_valid} and
 * {@code chunks_payload} are combinational from {@code words} (a multiplexer), {@code words_ready}
 * from {@code chunks_ready} (a word is taken with its last chunk, or the row's).
 */
public final class WordSplitter extends JavaComponent {
    public final Bool clear;
    public final UInt rowChunks;
    public final Stream<Bits> words;
    public final Stream<Bits> chunks;

    /**
     * @param wordBits  bits of a word, 8..1024
     * @param chunkBits bits of a chunk, a divisor of wordBits
     * @param countBits width of {@code row_chunks}, 1..24
     * @throws EsegenException if a parameter is out of range
     */
    public WordSplitter(int wordBits, int chunkBits, int countBits) {
        super(validated(wordBits, chunkBits, countBits));
        int slots = wordBits / chunkBits;
        int slotBits = widthFor(slots - 1);
        clear = inBool("clear");
        rowChunks = inUInt("row_chunks", countBits);
        words = slaveStream("words", hardType(() -> bits(wordBits)));
        chunks = masterStream("chunks", hardType(() -> bits(chunkBits)));

        UInt slot = regInit("slot", uint(slotBits), uintConst(0, slotBits));
        UInt chunk = regInit("row_chunk", uint(countBits), uintConst(0, countBits));
        List<Bits> parts = new ArrayList<>();
        for (int k = 0; k < slots; k++) {
            parts.add(slice(words.payload(), k * chunkBits, chunkBits));
        }
        Bool lastOfRow = named("last_of_row", equal(chunk, sub(rowChunks, uintConst(1, countBits))));
        Bool lastOfWord = named("last_of_word", or(equal(slot, uintConst(slots - 1, slotBits)), lastOfRow));
        assign(chunks.valid(), words.valid());
        assign(chunks.payload(), slots == 1 ? parts.get(0) : select(slot, parts));
        assign(words.ready(), and(chunks.ready(), lastOfWord));
        when(and(chunks.valid(), chunks.ready()), () -> {
            assign(slot, mux(lastOfWord, uintConst(0, slotBits), add(slot, uintConst(1, slotBits))));
            assign(chunk, mux(lastOfRow, uintConst(0, countBits), add(chunk, uintConst(1, countBits))));
        });
        when(clear, () -> {
            assign(slot, uintConst(0, slotBits));
            assign(chunk, uintConst(0, countBits));
        });
    }

    private static String validated(int wordBits, int chunkBits, int countBits) {
        if (wordBits < 8 || wordBits > 1024 || chunkBits < 1 || wordBits % chunkBits != 0) {
            throw new EsegenException("WordSplitter: chunkBits " + chunkBits + " must divide wordBits " + wordBits
                    + " (8..1024)");
        }
        if (countBits < 1 || countBits > 24) {
            throw new EsegenException("WordSplitter: countBits " + countBits + " is outside 1..24");
        }
        return "WordSplitter";
    }
}
