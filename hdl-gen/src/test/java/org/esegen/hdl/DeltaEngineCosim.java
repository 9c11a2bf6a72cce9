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
import org.esegen.hdl.spinal.VerilogEmitter;
import org.esegen.hdl.units.DeltaEngine;

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
        List<BigInteger[]> groups = new ArrayList<>();
        long[] previousY = new long[recurrent];
        DeltaEncoder encoder = new DeltaEncoder(columns, inputSize, thresholds.input()[0], thresholds.recurrent()[0]);
        long[] bounds = new long[inputs.length];
        List<FrameTrace> traces = DeltaBench.layerTraces(result, 0, inputs.length);
        for (int t = 0; t < inputs.length; t++) {
            long[] v = new long[columns];
            System.arraycopy(inputs[t], 0, v, 0, inputSize);
            System.arraycopy(previousY, 0, v, inputSize, recurrent);
            bounds[t] = DeltaEncoder.cycleBound(encoder.fire(v), columns, arrays, k);
            groups.addAll(DeltaBench.groups(v, arrays, actBits));
            previousY = traces.get(t).y();
        }

        int localRows = layer.wa().mapping().localRows();
        String perFrame = """
                wait (loaded);
                for (frame = 0; frame < %d; frame = frame + 1) begin
                  frame_start = cycle;
                  group_limit = (frame + 1) * %d;
                  wait (elements_seen == (frame + 1) * %d);
                  wait (!busy);
                  $display("frame_cycles %%0d %%0d", frame, cycle - frame_start);
                  repeat (2) @(negedge clk);
                  %s
                end
                """.formatted(inputs.length, localColumns, columns, DeltaBench.readRows(pes, localRows, true));
        StreamBench bench = DeltaBench.engine(matrix, weightBits, arrays, columns, inputSize, thresholds.input()[0],
                thresholds.recurrent()[0], actBits, accBits, groups, "loaded && groups_next < group_limit", 100)
                .raw(DeltaBench.READ_OUT_VARIABLES + "\n  integer group_limit = 0;\n  integer frame_start = 0;")
                .stimulus(perFrame);
        int arrayDepth = DeltaBench.arrayDepth(matrix, columns, arrays);
        Path verilog = VerilogEmitter.emit(dir, "DeltaEngine", () -> new DeltaEngine(arrays, pes, localRows, columns,
                arrayDepth, k, weightBits, actBits, accBits, 16)).get(0);
        List<Path> sources = List.of(verilog);

        int wordCount = arrays * localColumns * k;
        String tb = bench.write(dir, 7, 40, (2 * localColumns + 2 * localRows + 50) * inputs.length + wordCount + 20_000);
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
        }
        for (DeltaBench.Row row : DeltaBench.rows(printed, pes, accBits, true)) {
            int t = row.frame();
            int r = row.row();
            FrameTrace trace = traces.get(t);
            for (int p = 0; p < pes; p++) {
                if (global[p][r] < 0) {
                    continue;
                }
                long expected = trace.stage("z")[global[p][r]];
                long actual = act.rescale(row.values()[p], shift);
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
}
