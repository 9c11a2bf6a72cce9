package org.esegen.hdl;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

import org.esegen.EsegenException;
import org.esegen.compile.ColumnBalancedEncoding;
import org.esegen.fixed.FixedFormat;
import org.esegen.golden.FrameTrace;
import org.esegen.golden.GoldenModel;
import org.esegen.hdl.StreamBench.Port;
import org.esegen.hdl.spinal.Hdl;
import org.esegen.hdl.units.ColumnBalancedStore;
import org.esegen.hdl.units.DeltaUnit;

/**
 * What the delta engine's benches share: the {@code groups} words of a vector, the DeltaEngine bench
 * with its store words, the read-out of every PE's delta memory after a frame and its parsing, and
 * hex fields a bench prints.
 */
final class DeltaBench {
    /** The tag of the lines {@link #readRows} prints. */
    static final String ROW_TAG = "m";
    /** The bench variables {@link #readRows} uses, for {@code StreamBench.raw}. */
    static final String READ_OUT_VARIABLES = "  integer frame = 0;\n  integer row = 0;";

    /** One read-out line: the frame (0 when not printed), the local row, each PE's M word. */
    record Row(int frame, int row, long[] values) {
    }

    private DeltaBench() {
    }

    /**
     * The groups of one vector {@code v} for a DeltaEngine of {@code arrays} arrays: group g holds
     * columns g A .. g A + A - 1 (DeltaEngine's {@code groups} layout: g, the mask, the values).
     */
    static List<BigInteger[]> groups(long[] v, int arrays, int actBits) {
        int localColumns = (v.length + arrays - 1) / arrays;
        int groupBits = DeltaUnit.columnBits(localColumns);
        List<BigInteger[]> groups = new ArrayList<>();
        for (int g = 0; g < localColumns; g++) {
            BigInteger group = BigInteger.valueOf(g);
            for (int a = 0; a < arrays; a++) {
                int c = g * arrays + a;
                if (c < v.length) {
                    group = group.setBit(groupBits + a).or(BigInteger.valueOf(v[c] & ((1L << actBits) - 1))
                            .shiftLeft(groupBits + arrays + a * actBits));
                }
            }
            groups.add(new BigInteger[] {group});
        }
        return groups;
    }

    /** The traces of one layer, frame 0 first; an error if a frame has none. */
    static List<FrameTrace> layerTraces(GoldenModel.DeltaResult result, int layer, int frames) {
        List<FrameTrace> traces = result.traces().stream().filter(t -> t.layer() == layer).toList();
        for (int t = 0; t < frames; t++) {
            if (traces.size() <= t || traces.get(t).frame() != t) {
                throw new EsegenException("no trace of frame " + t + " layer " + layer);
            }
        }
        return traces;
    }

    /** The store words of array 0, then array 1, ...: what a DeltaEngine's {@code load} stream takes, one item each. */
    static List<BigInteger[]> storeWords(ColumnBalancedEncoding matrix, int arrays, int weightBits) {
        List<BigInteger[]> words = new ArrayList<>();
        for (int a = 0; a < arrays; a++) {
            matrix.arrayStoreWords(a, arrays, weightBits).forEach(word -> words.add(new BigInteger[] {word}));
        }
        return words;
    }

    /** Store words an array holds for {@code matrix} over {@code columns} columns: ceil(columns / A) K, and one more. */
    static int arrayDepth(ColumnBalancedEncoding matrix, int columns, int arrays) {
        return (columns + arrays - 1) / arrays * matrix.k() + 1;
    }

    /**
     * A DeltaEngine bench: the store words of every array loaded first, then {@code groups} offered while
     * {@code groupGate} holds, every port of the engine connected ({@code read_row} an input the stimulus
     * drives, {@code read_value_<p>} outputs); the caller adds the stimulus.
     */
    static StreamBench engine(ColumnBalancedEncoding matrix, int weightBits, int arrays, int columns, int inputSize,
                              long inputTheta, long recurrentTheta, int actBits, int accBits,
                              List<BigInteger[]> groups, String groupGate, int validPercent) {
        int pes = matrix.mapping().pes();
        int k = matrix.k();
        int localColumns = (columns + arrays - 1) / arrays;
        int arrayDepth = arrayDepth(matrix, columns, arrays);
        List<BigInteger[]> words = storeWords(matrix, arrays, weightBits);
        StreamBench bench = new StreamBench("DeltaEngine")
                .input("launch", 1, 0)
                .input("bank", 1, 0)
                .input("read_bank", 1, 0)
                .input("fold", 1, 0)
                .input("input_size", DeltaUnit.columnBits(columns) + 1, inputSize)
                .input("input_theta", actBits + 1, inputTheta)
                .input("recurrent_theta", actBits + 1, recurrentTheta)
                .input("array_words", ColumnBalancedStore.addressBits(arrayDepth) + 1, (long) localColumns * k)
                .input("base", ColumnBalancedStore.addressBits(arrayDepth), 0)
                .input("entries_per_column", Hdl.widthFor(k), k)
                .input("read_row", matrix.rowBits(), 0)
                .output("loaded", 1)
                .output("fired_inputs", 32)
                .output("fired_recurrent", 32)
                .output("elements_seen", 32)
                .output("busy", 1)
                .source("load", List.of(new Port("load_payload", matrix.entryBits(weightBits) * pes)), words,
                        validPercent)
                .gatedSource("groups", List.of(new Port("groups_payload",
                        DeltaUnit.columnBits(localColumns) + arrays + arrays * actBits)), groups, validPercent, groupGate);
        readValueOutputs(bench, pes, accBits);
        return bench;
    }

    /** Connects {@code read_value_<p>} for every PE. */
    static void readValueOutputs(StreamBench bench, int pes, int accBits) {
        for (int p = 0; p < pes; p++) {
            bench.output("read_value_" + p, accBits);
        }
    }

    /**
     * Verilog statements that read every local row once ({@code read_row}, then a falling edge) and
     * print {@code m [frame] row value_0 .. value_(pes-1)}; they use a bench {@code integer row} (and
     * {@code frame} when {@code withFrame}), which {@link #READ_OUT_VARIABLES} declares.
     */
    static String readRows(int pes, int localRows, boolean withFrame) {
        StringBuilder format = new StringBuilder(ROW_TAG + (withFrame ? " %0d" : "") + " %h");
        StringBuilder args = new StringBuilder(withFrame ? ", frame, read_row" : ", read_row");
        for (int p = 0; p < pes; p++) {
            format.append(" %h");
            args.append(", read_value_").append(p);
        }
        return """
                for (row = 0; row < %d; row = row + 1) begin
                  read_row = row; @(negedge clk) $display("%s"%s);
                end
                """.formatted(localRows, format, args);
    }

    /** The lines {@link #readRows} printed, their words sign-extended from accBits. */
    static List<Row> rows(List<String> printed, int pes, int accBits, boolean withFrame) {
        List<Row> rows = new ArrayList<>();
        int first = withFrame ? 2 : 1;
        for (String line : printed) {
            String[] parts = line.trim().split("\\s+");
            if (!parts[0].equals(ROW_TAG)) {
                continue;
            }
            long[] values = new long[pes];
            for (int p = 0; p < pes; p++) {
                values[p] = FixedFormat.signExtend(Long.parseUnsignedLong(parts[first + 1 + p], 16), accBits);
            }
            rows.add(new Row(withFrame ? Integer.parseInt(parts[1]) : 0, Integer.parseInt(parts[first], 16), values));
        }
        return rows;
    }

    /** The hex fields of the first line a bench printed starting with {@code tag}. */
    static List<Long> hexFields(List<String> printed, String tag) {
        String line = printed.stream().filter(l -> l.startsWith(tag + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no '" + tag + "' line in " + printed));
        List<Long> values = new ArrayList<>();
        for (String part : line.substring(tag.length()).trim().split("\\s+")) {
            values.add(Long.parseLong(part, 16));
        }
        return values;
    }
}
