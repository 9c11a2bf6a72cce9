package org.esegen.hdl.units;

import static org.esegen.hdl.spinal.Hdl.and;
import static org.esegen.hdl.spinal.Hdl.assign;
import static org.esegen.hdl.spinal.Hdl.bits;
import static org.esegen.hdl.spinal.Hdl.bitsConst;
import static org.esegen.hdl.spinal.Hdl.concatLowFirst;
import static org.esegen.hdl.spinal.Hdl.equal;
import static org.esegen.hdl.spinal.Hdl.hardType;
import static org.esegen.hdl.spinal.Hdl.inBool;
import static org.esegen.hdl.spinal.Hdl.inUInt;
import static org.esegen.hdl.spinal.Hdl.lessThan;
import static org.esegen.hdl.spinal.Hdl.masterStream;
import static org.esegen.hdl.spinal.Hdl.mux;
import static org.esegen.hdl.spinal.Hdl.named;
import static org.esegen.hdl.spinal.Hdl.not;
import static org.esegen.hdl.spinal.Hdl.or;
import static org.esegen.hdl.spinal.Hdl.outBool;
import static org.esegen.hdl.spinal.Hdl.regInit;
import static org.esegen.hdl.spinal.Hdl.select;
import static org.esegen.hdl.spinal.Hdl.slaveStream;
import static org.esegen.hdl.spinal.Hdl.slice;
import static org.esegen.hdl.spinal.Hdl.sub;
import static org.esegen.hdl.spinal.Hdl.add;
import static org.esegen.hdl.spinal.Hdl.uint;
import static org.esegen.hdl.spinal.Hdl.uintConst;
import static org.esegen.hdl.spinal.Hdl.when;
import static org.esegen.hdl.spinal.Hdl.widthFor;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

import org.esegen.EsegenException;
import org.esegen.hdl.spinal.JavaComponent;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.UInt;
import spinal.lib.Stream;

/**
 * Packs a row that arrives in chunks of {@code chunkBits} bits (chunk 0 in the row's lowest bits)
 * into DDR words of {@code wordBits} bits, as {@code LaneRows} lays a row out: word k is bits
 * [k wordBits, (k+1) wordBits) of the row, zero past the chunks' bits.
 *
 * <p>{@code start} (a pulse, only while not {@code busy}) samples {@code chunks} and
 * {@code words}: the unit takes exactly {@code chunks} chunks and sends exactly {@code words}
 * words; chunk bits past the last word are dropped, words past the last chunk's bits are zero.
 *
 * <p>Timing: a chunk or a word per cycle, never both: a chunk is taken while fewer than wordBits
 * bits are buffered, a word leaves once wordBits bits are buffered or every chunk is in (so a
 * 1024-bit word of two 512-bit chunks takes three cycles). The buffer is wordBits + chunkBits wide
 * and a chunk enters it at one of (wordBits / g) positions, g = gcd(chunkBits, wordBits).
 *
 * <p>Ports: {@code start} in; {@code chunks}, {@code words} in (UInt countBits); stream
 * {@code chunk} (slave, Bits chunkBits); stream {@code word} (master, Bits wordBits); {@code busy}
 * out.
 */
public final class ChunkPacker extends JavaComponent {
    public final Bool start;
    public final UInt chunks;
    public final UInt words;
    public final Stream<Bits> chunk;
    public final Stream<Bits> word;
    public final Bool busy;

    /**
     * @param chunkBits bits of one chunk, 1..4096
     * @param wordBits  bits of one word, 8..1024
     * @param countBits width of {@code chunks} and {@code words}, 1..24
     * @throws EsegenException if a parameter is out of range
     */
    public ChunkPacker(int chunkBits, int wordBits, int countBits) {
        super(validated(chunkBits, wordBits, countBits));
        int unit = BigInteger.valueOf(chunkBits).gcd(BigInteger.valueOf(wordBits)).intValueExact();
        int wordUnits = wordBits / unit;
        int chunkUnits = chunkBits / unit;
        int bufferBits = wordBits + chunkBits;
        int fillBits = widthFor(wordUnits + chunkUnits);

        start = inBool("start");
        chunks = inUInt("chunks", countBits);
        words = inUInt("words", countBits);
        chunk = slaveStream("chunk", hardType(() -> bits(chunkBits)));
        word = masterStream("word", hardType(() -> bits(wordBits)));
        busy = outBool("busy");

        Bits buffer = regInit("buffer", bits(bufferBits), bitsConst(0, bufferBits));
        UInt fill = regInit("fill", uint(fillBits), uintConst(0, fillBits));
        UInt chunksLeft = regInit("chunks_left", uint(countBits), uintConst(0, countBits));
        UInt wordsLeft = regInit("words_left", uint(countBits), uintConst(0, countBits));

        Bool chunksDone = named("chunks_done", equal(chunksLeft, uintConst(0, countBits)));
        Bool wordsDone = named("words_done", equal(wordsLeft, uintConst(0, countBits)));
        Bool full = named("full", not(lessThan(fill, uintConst(wordUnits, fillBits))));
        assign(word.valid(), and(not(wordsDone), or(full, chunksDone)));
        assign(word.payload(), slice(buffer, 0, wordBits));
        assign(chunk.ready(), and(not(chunksDone), or(not(full), wordsDone)));

        List<Bits> placed = new ArrayList<>();
        for (int at = 0; at < wordUnits; at++) {
            List<Bits> parts = new ArrayList<>();
            if (at > 0) {
                parts.add(bitsConst(0, at * unit));
            }
            parts.add(chunk.payload());
            if (bufferBits - at * unit - chunkBits > 0) {
                parts.add(bitsConst(0, bufferBits - at * unit - chunkBits));
            }
            placed.add(concatLowFirst(parts));
        }
        int positionBits = widthFor(wordUnits - 1);
        Bits incoming = named("incoming", select(fill.resize(positionBits), placed));
        Bits shifted = named("shifted", concatLowFirst(List.of(slice(buffer, wordBits, chunkBits),
                bitsConst(0, wordBits))));

        when(and(word.valid(), word.ready()), () -> {
            assign(buffer, shifted);
            assign(fill, mux(full, sub(fill, uintConst(wordUnits, fillBits)), uintConst(0, fillBits)));
            assign(wordsLeft, sub(wordsLeft, uintConst(1, countBits)));
        });
        when(and(chunk.valid(), chunk.ready()), () -> {
            assign(chunksLeft, sub(chunksLeft, uintConst(1, countBits)));
            when(not(wordsDone), () -> {
                assign(buffer, or(buffer, incoming));
                assign(fill, add(fill, uintConst(chunkUnits, fillBits)));
            });
        });
        when(start, () -> {
            assign(buffer, bitsConst(0, bufferBits));
            assign(fill, uintConst(0, fillBits));
            assign(chunksLeft, chunks);
            assign(wordsLeft, words);
        });
        assign(busy, not(and(chunksDone, wordsDone)));
    }

    private static String validated(int chunkBits, int wordBits, int countBits) {
        if (chunkBits < 1 || chunkBits > 4096 || wordBits < 8 || wordBits > 1024) {
            throw new EsegenException("ChunkPacker: chunkBits " + chunkBits + " / wordBits " + wordBits
                    + " outside 1..4096 / 8..1024");
        }
        if (countBits < 1 || countBits > 24) {
            throw new EsegenException("ChunkPacker: countBits " + countBits + " is outside 1..24");
        }
        return "ChunkPacker";
    }
}
