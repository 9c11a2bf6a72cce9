package org.esegen.hdl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.esegen.compile.LaneRows;
import org.esegen.hdl.StreamBench.Port;
import org.esegen.hdl.spinal.VerilogEmitter;
import org.esegen.hdl.units.RowUnpacker;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * RowUnpacker under Icarus against {@link LaneRows}: rows of random lanes are packed into an image
 * by {@code LaneRows.put}, cut into words, and must come back as rows, under random gaps and
 * back-pressure.
 */
class RowPackingTest {
    private static final long SEED = 20_260_102L;

    @TempDir
    Path dir;

    /** A section of random rows: each row's lane count (all lanes unless variable) and its image bytes. */
    private record Section(LaneRows packing, int[] lanes, byte[] image) {
        int wordsOf(int row) {
            return new LaneRows(lanes[row], packing.laneBits(), packing.wordBits()).wordsPerRow();
        }

        /** Word k of a row as the image holds it (little-endian bytes). */
        BigInteger word(int row, int k) {
            int wordBytes = packing.wordBits() / 8;
            byte[] bigEndian = new byte[wordBytes + 1];
            int at = row * packing.rowBytes() + k * wordBytes;
            for (int i = 0; i < wordBytes; i++) {
                bigEndian[wordBytes - i] = image[at + i];
            }
            return new BigInteger(bigEndian);
        }

        /** The row's first {@code words} words as one number (padding included). */
        BigInteger rowBits(int row, int words) {
            BigInteger value = BigInteger.ZERO;
            for (int k = words - 1; k >= 0; k--) {
                value = value.shiftLeft(packing.wordBits()).or(word(row, k));
            }
            return value;
        }
    }

    private static Section randomSection(LaneRows packing, int rows, boolean variable, Random random) {
        int[] lanes = new int[rows];
        byte[] image = new byte[(int) packing.bytes(rows)];
        for (int r = 0; r < rows; r++) {
            lanes[r] = variable ? 1 + random.nextInt(packing.lanes()) : packing.lanes();
            for (int j = 0; j < lanes[r]; j++) {
                long value = random.nextInt(4) == 0 ? -1 : random.nextLong();
                packing.put(image, 0, r, j, value);
            }
        }
        return new Section(packing, lanes, image);
    }

    private static BigInteger mask(int bits) {
        return BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE);
    }

    @ParameterizedTest(name = "{0} lanes x {1} bits in {2}-bit words, variable {3}")
    @CsvSource({"4, 16, 64, false", "4, 24, 64, false", "64, 12, 64, false", "3, 12, 32, false",
            "2, 16, 32, false", "64, 16, 64, true", "20, 12, 64, true", "5, 24, 32, true"})
    void unpackerRebuildsTheRowsLaneRowsPacked(int lanes, int laneBits, int wordBits, boolean variable)
            throws Exception {
        LaneRows packing = new LaneRows(lanes, laneBits, wordBits);
        Section section = randomSection(packing, 40, variable, new Random(SEED + lanes));
        int rowBits = lanes * laneBits;
        int countBits = org.esegen.hdl.spinal.Hdl.widthFor(packing.wordsPerRow());

        List<Port> fields = new ArrayList<>(List.of(new Port("words_payload", wordBits)));
        if (variable) {
            fields.add(new Port("row_words", countBits));
        }
        List<BigInteger[]> words = new ArrayList<>();
        for (int r = 0; r < section.lanes().length; r++) {
            for (int k = 0; k < section.wordsOf(r); k++) {
                words.add(new BigInteger[] {section.word(r, k), BigInteger.valueOf(section.wordsOf(r))});
            }
        }
        StreamBench bench = new StreamBench("Unpacker")
                .source("words", fields, words, 70)
                .sink("rows", List.of(new Port("rows_payload", rowBits)), 60);
        Path verilog = VerilogEmitter.emit(dir, "Unpacker", () -> new RowUnpacker("Unpacker", packing, variable)).get(0);
        if (packing.wordsPerRow() == 1) {
            bench.unclocked();
        }

        List<BigInteger[]> rows = StreamBench.taken(
                Tools.simulate(dir, bench.write(dir, SEED, 20, 20_000), List.of(verilog)), "rows");

        assertEquals(section.lanes().length, rows.size());
        for (int r = 0; r < rows.size(); r++) {
            int defined = Math.min(rowBits, section.wordsOf(r) * wordBits);
            assertEquals(section.rowBits(r, section.wordsOf(r)).and(mask(defined)).toString(16),
                    rows.get(r)[0].and(mask(defined)).toString(16), "row " + r);
        }
    }
}
