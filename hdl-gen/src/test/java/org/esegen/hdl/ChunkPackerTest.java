package org.esegen.hdl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.esegen.hdl.StreamBench.Port;
import org.esegen.hdl.spinal.VerilogEmitter;
import org.esegen.hdl.units.ChunkPacker;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * ChunkPacker under Icarus against the LaneRows layout: rows of random chunks, back to back with
 * random back-pressure on both sides; each row's words must be the row's bits cut into words,
 * zero past the chunks, and exactly the commanded number of words (chunk bits past them dropped).
 */
class ChunkPackerTest {
    private static final long SEED = 20_261_123L;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}-bit chunks into {1}-bit words")
    @CsvSource({"512, 1024", "64, 64", "60, 32", "16, 64", "96, 64", "12, 8"})
    void packsEachRowIntoItsWords(int chunkBits, int wordBits) throws Exception {
        Random random = new Random(SEED + chunkBits * 31L + wordBits);
        int countBits = 6;
        List<BigInteger[]> chunks = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        StringBuilder stimulus = new StringBuilder();
        int sentWords = 0;
        for (int row = 0; row < 6; row++) {
            int rowChunks = row == 0 ? 1 : 1 + random.nextInt(5);
            int rowBits = rowChunks * chunkBits;
            int naturalWords = (rowBits + wordBits - 1) / wordBits;
            int rowWords = row % 3 == 2 ? Math.max(1, naturalWords - 1) : naturalWords + (row % 3 == 1 ? 1 : 0);
            BigInteger bits = BigInteger.ZERO;
            for (int c = 0; c < rowChunks; c++) {
                BigInteger value = new BigInteger(chunkBits, random);
                chunks.add(new BigInteger[] {value});
                bits = bits.or(value.shiftLeft(c * chunkBits));
            }
            for (int w = 0; w < rowWords; w++) {
                expected.add(bits.shiftRight(w * wordBits).and(BigInteger.ONE.shiftLeft(wordBits).subtract(BigInteger.ONE))
                        .toString(16));
            }
            sentWords += rowWords;
            stimulus.append("""
                        @(negedge clk) start = 1; chunks = %d; words = %d;
                        @(negedge clk) start = 0;
                        wait (sent == %d && !busy);
                    """.formatted(rowChunks, rowWords, sentWords));
        }
        StreamBench bench = new StreamBench("ChunkPacker")
                .input("start", 1, 0)
                .input("chunks", countBits, 0)
                .input("words", countBits, 0)
                .output("busy", 1)
                .raw("""
                          integer sent = 0;
                          always @(posedge clk) if (word_valid && word_ready) sent <= sent + 1;
                        """)
                .source("chunk", List.of(new Port("chunk_payload", chunkBits)), chunks, 70)
                .stimulus(stimulus.toString());
        bench.timedSink("word", List.of(new Port("word_payload", wordBits)), 70);
        Path verilog = VerilogEmitter.emit(dir, "ChunkPacker",
                () -> new ChunkPacker(chunkBits, wordBits, countBits)).get(0);

        List<String> printed = Tools.simulate(dir, bench.write(dir, SEED, 30, 20_000), List.of(verilog));

        assertEquals(expected, StreamBench.taken(printed, "word").stream().map(item -> item[0].toString(16)).toList(),
                "seed " + SEED + ", " + chunkBits + "-bit chunks, " + wordBits + "-bit words");
    }
}
