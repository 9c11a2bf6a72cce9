package org.esegen.hdl.units;

import static org.esegen.hdl.spinal.Hdl.add;
import static org.esegen.hdl.spinal.Hdl.and;
import static org.esegen.hdl.spinal.Hdl.assign;
import static org.esegen.hdl.spinal.Hdl.bits;
import static org.esegen.hdl.spinal.Hdl.concatLowFirst;
import static org.esegen.hdl.spinal.Hdl.equal;
import static org.esegen.hdl.spinal.Hdl.hardType;
import static org.esegen.hdl.spinal.Hdl.inUInt;
import static org.esegen.hdl.spinal.Hdl.masterStream;
import static org.esegen.hdl.spinal.Hdl.mux;
import static org.esegen.hdl.spinal.Hdl.named;
import static org.esegen.hdl.spinal.Hdl.not;
import static org.esegen.hdl.spinal.Hdl.or;
import static org.esegen.hdl.spinal.Hdl.reg;
import static org.esegen.hdl.spinal.Hdl.regInit;
import static org.esegen.hdl.spinal.Hdl.slaveStream;
import static org.esegen.hdl.spinal.Hdl.slice;
import static org.esegen.hdl.spinal.Hdl.unused;
import static org.esegen.hdl.spinal.Hdl.uint;
import static org.esegen.hdl.spinal.Hdl.uintConst;
import static org.esegen.hdl.spinal.Hdl.when;
import static org.esegen.hdl.spinal.Hdl.widthFor;

import java.util.ArrayList;
import java.util.List;

import org.esegen.EsegenException;
import org.esegen.compile.LaneRows;
import org.esegen.hdl.spinal.JavaComponent;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.UInt;
import spinal.lib.Stream;

/**
 * Gathers DDR words into section rows, as {@link LaneRows} packs them: a row is the little-endian
 * concatenation of its words (the first word in the least significant bits) and lane j sits at
 * bits [j laneBits, (j+1) laneBits).
 *
 * <p>Ports: stream {@code words} (slave, Bits wordBits); stream {@code rows} (master, Bits
 * lanes * laneBits: the row without the padding of its last word); with a variable row length,
 * {@code row_words} in (UInt), the words of the row in progress, 1 .. wordsPerRow, held from the
 * row's first word to its last.
 *
 * <p>Timing: the row is presented in the cycle its last word is offered, built from the earlier
 * words (registers) and the last word itself (combinational from {@code words}), so a row of w
 * words takes w accepted words and there is no bubble between rows. {@code rows_valid} and
 * {@code rows_payload} depend combinationally on {@code words_valid} and {@code words_payload};
 * {@code words_ready} on {@code rows_ready} (for the last word of a row). With a variable length,
 * row words at and past {@code row_words} are undefined (they hold words of an earlier row). With
 * one word per row the unit is wires.
 */
public final class RowUnpacker extends JavaComponent {
    public final Stream<Bits> words;
    public final Stream<Bits> rows;
    /** Words of the row in progress; {@code null} unless constructed with a variable row length. */
    public final UInt rowWords;

    /**
     * @param moduleName    the Verilog module name
     * @param packing       the section packing; {@code wordsPerRow()} words make one row (the most
     *                      words, with a variable row length)
     * @param variableWords true to add the {@code row_words} input
     * @throws EsegenException if the packing has no lanes
     */
    public RowUnpacker(String moduleName, LaneRows packing, boolean variableWords) {
        super(validated(moduleName, packing));
        int wordBits = packing.wordBits();
        int maxWords = packing.wordsPerRow();
        int rowBits = packing.lanes() * packing.laneBits();

        words = slaveStream("words", hardType(() -> bits(wordBits)));
        rows = masterStream("rows", hardType(() -> bits(rowBits)));
        rowWords = variableWords ? inUInt("row_words", widthFor(maxWords)) : null;

        if (maxWords == 1) {
            assign(rows.valid(), words.valid());
            assign(rows.payload(), slice(words.payload(), 0, rowBits));
            if (rowBits < wordBits) {
                unused("word_padding", slice(words.payload(), rowBits, wordBits - rowBits));
            }
            assign(words.ready(), rows.ready());
            return;
        }
        int indexBits = widthFor(maxWords - 1);
        UInt wordIndex = regInit("word_index", uint(indexBits), uintConst(0, indexBits));
        Bool lastWord = named("last_word", variableWords
                ? equal(add(wordIndex.resize(rowWords.getWidth()), uintConst(1, rowWords.getWidth())), rowWords)
                : equal(wordIndex, uintConst(maxWords - 1, indexBits)));
        Bool accepted = named("accepted", and(words.valid(), words.ready()));

        List<Bits> row = new ArrayList<>();
        for (int i = 0; i < maxWords - 1; i++) {
            Bits held = reg("word_" + i, bits(wordBits));
            UInt position = uintConst(i, indexBits);
            when(and(accepted, equal(wordIndex, position)), () -> assign(held, words.payload()));
            row.add(variableWords ? mux(equal(rowWords, uintConst(i + 1, rowWords.getWidth())), words.payload(), held)
                    : held);
        }
        row.add(slice(words.payload(), 0, rowBits - (maxWords - 1) * wordBits));

        assign(rows.payload(), concatLowFirst(row));
        assign(rows.valid(), and(words.valid(), lastWord));
        assign(words.ready(), or(not(lastWord), rows.ready()));
        when(accepted, () -> assign(wordIndex,
                mux(lastWord, uintConst(0, indexBits), add(wordIndex, uintConst(1, indexBits)))));
    }

    private static String validated(String moduleName, LaneRows packing) {
        if (packing.lanes() < 1) {
            throw new EsegenException(moduleName + ": a row needs at least one lane, got " + packing.lanes());
        }
        return moduleName;
    }
}
