package org.esegen.hdl.units;

import static org.esegen.hdl.spinal.Hdl.add;
import static org.esegen.hdl.spinal.Hdl.and;
import static org.esegen.hdl.spinal.Hdl.assign;
import static org.esegen.hdl.spinal.Hdl.bits;
import static org.esegen.hdl.spinal.Hdl.bitsConst;
import static org.esegen.hdl.spinal.Hdl.concatLowFirst;
import static org.esegen.hdl.spinal.Hdl.equal;
import static org.esegen.hdl.spinal.Hdl.hardType;
import static org.esegen.hdl.spinal.Hdl.inUInt;
import static org.esegen.hdl.spinal.Hdl.masterStream;
import static org.esegen.hdl.spinal.Hdl.mux;
import static org.esegen.hdl.spinal.Hdl.named;
import static org.esegen.hdl.spinal.Hdl.regInit;
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
import org.esegen.compile.LaneRows;
import org.esegen.hdl.spinal.JavaComponent;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.UInt;
import spinal.lib.Stream;

/**
 * Splits section rows into DDR words, as {@link LaneRows} packs them: word k of a row is bits
 * [k wordBits, (k+1) wordBits) of the row padded with zeros to a whole number of words.
 *
 * <p>Ports: stream {@code rows} (slave, Bits lanes * laneBits, lane j at bits
 * [j laneBits, (j+1) laneBits)); stream {@code words} (master, Bits wordBits); with a variable row
 * length, {@code row_words} in (UInt), the words to send of the row in progress, 1 .. wordsPerRow,
 * held from the row's first word to its last.
 *
 * <p>Timing: word k of the offered row is presented combinationally from {@code rows_payload};
 * the row is accepted ({@code rows_ready}) together with its last word, so one word leaves per
 * cycle while {@code words_ready} is high, with no bubble between rows. The row must stay
 * unchanged while it is offered.
 */
public final class RowPacker extends JavaComponent {
    public final Stream<Bits> rows;
    public final Stream<Bits> words;
    /** Words of the row in progress; {@code null} unless constructed with a variable row length. */
    public final UInt rowWords;

    /**
     * @param moduleName    the Verilog module name
     * @param packing       the section packing; a row is {@code wordsPerRow()} words (the most
     *                      words, with a variable row length)
     * @param variableWords true to add the {@code row_words} input
     * @throws EsegenException if the packing has no lanes
     */
    public RowPacker(String moduleName, LaneRows packing, boolean variableWords) {
        super(validated(moduleName, packing));
        int wordBits = packing.wordBits();
        int maxWords = packing.wordsPerRow();
        int rowBits = packing.lanes() * packing.laneBits();
        int paddedBits = maxWords * wordBits;

        rows = slaveStream("rows", hardType(() -> bits(rowBits)));
        words = masterStream("words", hardType(() -> bits(wordBits)));
        rowWords = variableWords ? inUInt("row_words", widthFor(maxWords)) : null;

        Bits padded = rowBits == paddedBits ? rows.payload()
                : named("padded", concatLowFirst(List.of(rows.payload(), bitsConst(0, paddedBits - rowBits))));
        assign(words.valid(), rows.valid());
        if (maxWords == 1) {
            assign(words.payload(), padded);
            assign(rows.ready(), words.ready());
            return;
        }
        int indexBits = widthFor(maxWords - 1);
        UInt wordIndex = regInit("word_index", uint(indexBits), uintConst(0, indexBits));
        Bool lastWord = named("last_word", variableWords
                ? equal(add(wordIndex.resize(rowWords.getWidth()), uintConst(1, rowWords.getWidth())), rowWords)
                : equal(wordIndex, uintConst(maxWords - 1, indexBits)));
        List<Bits> slices = new ArrayList<>();
        for (int i = 0; i < maxWords; i++) {
            slices.add(slice(padded, i * wordBits, wordBits));
        }
        assign(words.payload(), select(wordIndex, slices));
        assign(rows.ready(), and(words.ready(), lastWord));
        when(and(words.valid(), words.ready()), () -> assign(wordIndex,
                mux(lastWord, uintConst(0, indexBits), add(wordIndex, uintConst(1, indexBits)))));
    }

    private static String validated(String moduleName, LaneRows packing) {
        if (packing.lanes() < 1) {
            throw new EsegenException(moduleName + ": a row needs at least one lane, got " + packing.lanes());
        }
        return moduleName;
    }
}
