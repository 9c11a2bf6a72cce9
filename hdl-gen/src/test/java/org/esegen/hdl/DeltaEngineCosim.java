package org.esegen.hdl;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.esegen.EsegenException;
import org.esegen.compile.ColumnBalancedEncoding;
import org.esegen.compile.CompiledLayer;
import org.esegen.config.AcceleratorConfig;
import org.esegen.fixed.FixedFormat;
import org.esegen.golden.DeltaEncoder;
import org.esegen.golden.FrameTrace;
import org.esegen.golden.GoldenModel;
import org.esegen.hdl.StreamBench.Port;
import org.esegen.hdl.spinal.Hdl;
import org.esegen.hdl.spinal.VerilogEmitter;
import org.esegen.hdl.units.AccumulatorLane;
import org.esegen.hdl.units.ColumnBalancedStore;
import org.esegen.hdl.units.DeltaEngine;
import org.esegen.hdl.units.DeltaUnit;

/**
 * Runs layer 0's SpMV 1 of a compiled delta model through a {@link DeltaEngine} under Icarus, frame
 * by frame, against {@code GoldenModel.runDelta}'s traces: v = [x_t; y_(t-1)] goes in as groups, and
 * after each frame the engine's M, rescaled as the element-wise step does, is compared with the
 * golden z at every row. Also measures each frame's engine cycles (first group offered to idle, after
 * the store is loaded). Icarus, or Verilator for designs of hundreds of PEs.
 */
final class DeltaEngineCosim {
    /**
     * @param framesCompared frames whose every row matched
     * @param cyclesPerFrame engine cycles of each frame
     * @param boundPerFrame  each frame's {@link DeltaEncoder#cycleBound}
     * @param mismatch       the first mismatch (utterance, frame, layer, stage, row, PE, expected, actual), or null
     */
    record Result(int framesCompared, long[] cyclesPerFrame, long[] boundPerFrame, String mismatch) {
    }

    private DeltaEngineCosim() {
    }

    /**
     * @param name   what the frames are, for messages
     * @param inputs T x I raw activation-format frames
     * @param result the golden model's traced delta run over {@code inputs}
     */
    static Result run(Path dir, String name, AcceleratorConfig config, CompiledLayer layer, long[][] inputs,
                      GoldenModel.DeltaResult result, GoldenModel.DeltaThresholds thresholds, int arrays,
                      boolean verilator) throws Exception {
        ColumnBalancedEncoding matrix = ColumnBalancedEncoding.encode("W_a", layer.pruned().combinedInputMatrix(),
                layer.wa().decode(), layer.wa().mapping(), layer.wa().fracBits());
        int k = matrix.k();
        FixedFormat act = config.activationFormat();
        int actBits = act.totalBits();
        int weightBits = config.formats().weightBits();
        int accBits = config.pe().accBits();
        if (layer.wa().accBitsWithoutOverflow(actBits) > accBits) {
            throw new EsegenException(name + ": " + accBits + "-bit accumulators could overflow; the arrays' partial"
                    + " memories add up exactly only when no partial sum can");
        }
        int pes = config.pes();
        int inputSize = layer.pruned().inputSize();
        int recurrent = layer.pruned().projSize();
        int columns = inputSize + recurrent;
        int localColumns = (columns + arrays - 1) / arrays;
        int groupBits = DeltaUnit.columnBits(localColumns);
        int arrayWords = localColumns * k;
        List<BigInteger[]> words = new ArrayList<>();
        for (int a = 0; a < arrays; a++) {
            matrix.arrayStoreWords(a, arrays, weightBits).forEach(word -> words.add(new BigInteger[] {word}));
        }
        List<BigInteger[]> groups = new ArrayList<>();
        long[] previousY = new long[recurrent];
        DeltaEncoder encoder = new DeltaEncoder(columns, inputSize, thresholds.input()[0], thresholds.recurrent()[0]);
        long[] bounds = new long[inputs.length];
        for (int t = 0; t < inputs.length; t++) {
            long[] v = new long[columns];
            System.arraycopy(inputs[t], 0, v, 0, inputSize);
            System.arraycopy(previousY, 0, v, inputSize, recurrent);
            bounds[t] = DeltaEncoder.cycleBound(encoder.fire(v), columns, arrays, k);
            for (int g = 0; g < localColumns; g++) {
                BigInteger group = BigInteger.valueOf(g);
                for (int a = 0; a < arrays; a++) {
                    int c = g * arrays + a;
                    if (c < columns) {
                        group = group.setBit(groupBits + a).or(BigInteger.valueOf(v[c] & ((1L << actBits) - 1))
                                .shiftLeft(groupBits + arrays + a * actBits));
                    }
                }
                groups.add(new BigInteger[] {group});
            }
            previousY = traceOf(result, t, 0).y();
        }

        int localRows = layer.wa().mapping().localRows();
        int rowBits = AccumulatorLane.rowBits(localRows);
        StringBuilder format = new StringBuilder("m %0d %h");
        StringBuilder args = new StringBuilder(", frame, read_row");
        for (int p = 0; p < pes; p++) {
            format.append(" %h");
            args.append(", read_value_").append(p);
        }
        String perFrame = """
                wait (loaded);
                for (frame = 0; frame < %d; frame = frame + 1) begin
                  frame_start = cycle;
                  group_limit = (frame + 1) * %d;
                  wait (elements_seen == (frame + 1) * %d);
                  wait (!busy);
                  $display("frame_cycles %%0d %%0d", frame, cycle - frame_start);
                  repeat (2) @(negedge clk);
                  for (row = 0; row < %d; row = row + 1) begin
                    read_row = row; @(negedge clk) $display("%s"%s);
                  end
                end
                """.formatted(inputs.length, localColumns, columns, localRows, format, args);
        int arrayDepth = arrayWords + 1;
        StreamBench bench = new StreamBench("DeltaEngine")
                .input("launch", 1, 0)
                .input("input_size", DeltaUnit.columnBits(columns) + 1, inputSize)
                .input("input_theta", actBits + 1, thresholds.input()[0])
                .input("recurrent_theta", actBits + 1, thresholds.recurrent()[0])
                .input("array_words", ColumnBalancedStore.addressBits(arrayDepth) + 1, arrayWords)
                .input("base", ColumnBalancedStore.addressBits(arrayDepth), 0)
                .input("entries_per_column", Hdl.widthFor(k), k)
                .input("read_row", rowBits, 0)
                .raw("  integer frame = 0;\n  integer row = 0;\n  integer group_limit = 0;\n  integer frame_start = 0;")
                .output("loaded", 1)
                .output("fired_inputs", 32)
                .output("fired_recurrent", 32)
                .output("elements_seen", 32)
                .output("busy", 1)
                .source("load", List.of(new Port("load_payload", matrix.entryBits(weightBits) * pes)), words, 100)
                .gatedSource("groups", List.of(new Port("groups_payload", groupBits + arrays + arrays * actBits)),
                        groups, 100, "loaded && groups_next < group_limit")
                .stimulus(perFrame);
        for (int p = 0; p < pes; p++) {
            bench.output("read_value_" + p, accBits);
        }
        Path verilog = VerilogEmitter.emit(dir, "DeltaEngine", () -> new DeltaEngine(arrays, pes, localRows, columns,
                arrayDepth, k, weightBits, actBits, accBits, 16)).get(0);
        List<Path> sources = List.of(verilog);

        String tb = bench.write(dir, 7, 40, (2 * localColumns + 2 * localRows + 50) * inputs.length + words.size() + 20_000);
        List<String> printed = verilator ? Tools.simulateVerilator(dir, tb, sources, 1_800) : Tools.simulate(dir, tb, sources);

        if (printed.stream().anyMatch(line -> line.contains("timeout"))) {
            return new Result(0, new long[0], bounds, name + ": the simulation timed out");
        }
        int[][] global = layer.wa().mapping().globalRows();
        int shift = layer.wa().fracBits() + act.fracBits();
        long[] cycles = new long[inputs.length];
        int[] rowsCompared = new int[inputs.length];
        for (String line : printed) {
            String[] parts = line.trim().split("\\s+");
            if (parts[0].equals("frame_cycles")) {
                cycles[Integer.parseInt(parts[1])] = Long.parseLong(parts[2]);
            }
            if (!parts[0].equals("m")) {
                continue;
            }
            int t = Integer.parseInt(parts[1]);
            int r = Integer.parseInt(parts[2], 16);
            FrameTrace trace = traceOf(result, t, 0);
            for (int p = 0; p < pes; p++) {
                if (global[p][r] < 0) {
                    continue;
                }
                long m = FixedFormat.signExtend(Long.parseUnsignedLong(parts[3 + p], 16), accBits);
                long expected = trace.stage("z")[global[p][r]];
                long actual = act.rescale(m, shift);
                if (expected != actual) {
                    return new Result(t, cycles, bounds, name + ": frame " + t + ", layer 0, stage z, row " + global[p][r]
                            + " (PE " + p + ", local row " + r + "): expected " + expected + ", actual " + actual);
                }
            }
            rowsCompared[t]++;
        }
        int frames = 0;
        while (frames < inputs.length && rowsCompared[frames] == localRows) {
            frames++;
        }
        return new Result(frames, cycles, bounds, frames == inputs.length ? null
                : name + ": frame " + frames + " was not read out whole");
    }

    private static FrameTrace traceOf(GoldenModel.DeltaResult result, int frame, int layer) {
        return result.traces().stream().filter(t -> t.frame() == frame && t.layer() == layer).findFirst()
                .orElseThrow(() -> new EsegenException("no trace of frame " + frame + " layer " + layer));
    }
}
