package org.esegen.hdl;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.esegen.EsegenException;
import org.esegen.compile.ColumnBalancedEncoding;
import org.esegen.compile.CompiledLayer;
import org.esegen.config.AcceleratorConfig;
import org.esegen.fixed.FixedFormat;
import org.esegen.golden.FrameTrace;
import org.esegen.golden.GoldenModel;
import org.esegen.hdl.StreamBench.Port;
import org.esegen.hdl.spinal.Hdl;
import org.esegen.hdl.spinal.VerilogEmitter;
import org.esegen.hdl.units.ColumnBalancedStore;
import org.esegen.hdl.units.DeltaLayer;
import org.esegen.hdl.units.Elementwise;
import org.esegen.rnn.CellKind;

/**
 * Runs layer 0 of a compiled delta model (lstm or gru) through a whole {@link DeltaLayer} (engine, element-wise
 * units, h fed back) against {@code GoldenModel.runDelta}: the store words, the bias and peephole words
 * and every frame's x_t go in, and each frame's {@code outputs} beats must equal the golden layer
 * output y (h_t) at every cell. Each frame's cycles are the cycles between the last output beats of
 * consecutive frames (frame 0: from the layer's first {@code ready}).
 */
final class DeltaLayerCosim {
    /**
     * @param framesCompared frames whose every cell matched
     * @param cyclesPerFrame cycles of each frame
     * @param counters       the layer's cycle counters at the end of the run, by port name ({@link #COUNTERS})
     * @param mismatch       the first mismatch (recording, frame, layer, stage, cell, expected, actual), or null
     */
    record Result(int framesCompared, long[] cyclesPerFrame, Map<String, Long> counters, String mismatch) {
        long cellCycles() {
            return counters.getOrDefault("cells_cycles", 0L);
        }
    }

    /** The layer's cycle counters the run prints. */
    static final List<String> COUNTERS = List.of("cells_cycles", "engine_stall_cycles", "drain_cycles",
            "inputs_wait_cycles", "outputs_wait_cycles");

    private DeltaLayerCosim() {
    }

    /**
     * @param name        what the frames are, for messages
     * @param inputs      T x I raw activation-format frames
     * @param result      the golden model's traced delta run over {@code inputs}
     * @param stallPercent chance in percent that a source withholds or the sink refuses in a cycle (0: none)
     */
    static Result run(Path dir, String name, AcceleratorConfig config, CompiledLayer layer, long[][] inputs,
                      GoldenModel.DeltaResult result, GoldenModel.DeltaThresholds thresholds, int arrays,
                      int stallPercent, long seed, boolean verilator) throws Exception {
        return run(dir, name, config, layer, List.<long[][]>of(inputs), List.of(result), thresholds, arrays, stallPercent, seed,
                verilator);
    }

    /**
     * As {@link #run(Path, String, AcceleratorConfig, CompiledLayer, long[][], GoldenModel.DeltaResult,
     * GoldenModel.DeltaThresholds, int, int, long, boolean)} for several runs back to back, a {@code launch}
     * between them (the store and parameter words sent again): each run's outputs against its own golden run
     * from zero state; frames and cycles are numbered over all runs, a run's first frame counted from the
     * layer's {@code ready} after its launch; the counters are summed over the runs.
     */
    static Result run(Path dir, String name, AcceleratorConfig config, CompiledLayer layer, List<long[][]> runs,
                      List<GoldenModel.DeltaResult> results, GoldenModel.DeltaThresholds thresholds, int arrays,
                      int stallPercent, long seed, boolean verilator) throws Exception {
        ColumnBalancedEncoding matrix = ColumnBalancedEncoding.encode("W_a", layer.pruned().combinedInputMatrix(),
                layer.wa().decode(), layer.wa().mapping(), layer.wa().fracBits());
        FixedFormat act = config.activationFormat();
        int actBits = act.totalBits();
        int weightBits = config.formats().weightBits();
        int accBits = config.pe().accBits();
        if (layer.wa().accBitsWithoutOverflow(actBits) > accBits) {
            throw new EsegenException(name + ": " + accBits + "-bit accumulators could overflow");
        }
        int pes = config.pes();
        int inputSize = layer.pruned().inputSize();
        int hidden = layer.pruned().hiddenSize();
        int cells = (hidden + pes - 1) / pes;
        int columns = inputSize + hidden;
        int k = matrix.k();
        int localColumns = (columns + arrays - 1) / arrays;
        int arrayWords = localColumns * k;
        int arrayDepth = localColumns * k + 1;

        List<BigInteger[]> words = DeltaBench.storeWords(matrix, arrays, weightBits);
        if (words.size() != arrays * arrayWords) {
            throw new EsegenException(name + ": the encoding gives " + words.size() + " store words, the layer takes "
                    + arrays + " x " + arrayWords);
        }
        List<BigInteger[]> params = new ArrayList<>();
        for (int g = 0; g < 4; g++) {
            for (int l = 0; l < cells; l++) {
                params.add(new BigInteger[] {laneWord(layer.bias(), g * hidden, l, pes, hidden, actBits)});
            }
        }
        for (int x = 0; x < 3; x++) {
            for (int l = 0; l < cells; l++) {
                params.add(new BigInteger[] {laneWord(layer.peep(), x * hidden, l, pes, hidden, actBits)});
            }
        }
        List<BigInteger[]> beats = new ArrayList<>();
        int totalFrames = runs.stream().mapToInt(r -> r.length).sum();
        List<long[]> frames = runs.stream().flatMap(java.util.Arrays::stream).toList();
        for (long[] x : frames) {
            for (int q = 0; q < inputSize / arrays; q++) {
                BigInteger beat = BigInteger.ZERO;
                for (int a = 0; a < arrays; a++) {
                    beat = beat.or(BigInteger.valueOf(x[q * arrays + a] & ((1L << actBits) - 1)).shiftLeft(a * actBits));
                }
                beats.add(new BigInteger[] {beat});
            }
        }

        List<BigInteger[]> allWords = new ArrayList<>();
        List<BigInteger[]> allParams = new ArrayList<>();
        StringBuilder stimulus = new StringBuilder();
        int drain = 4 * cells * (pes / arrays + 2) + 20;
        int beatsBefore = 0;
        for (int r = 0; r < runs.size(); r++) {
            allWords.addAll(words);
            allParams.addAll(params);
            beatsBefore += runs.get(r).length * (inputSize / arrays);
            if (r > 0) {
                stimulus.append("launch = 1; @(negedge clk) launch = 0;\n");
            }
            stimulus.append("""
                    input_limit = %d;
                    wait (ready); $display("ready_at %%0d", cycle);
                    wait (frames_done == %d); repeat (%d) @(negedge clk);
                    $display("counters %%0d %%0d %%0d %%0d %%0d", cells_cycles, engine_stall_cycles,
                        drain_cycles, inputs_wait_cycles, outputs_wait_cycles);
                    """.formatted(beatsBefore, runs.get(r).length, drain));
        }
        int percent = 100 - stallPercent;
        StreamBench bench = new StreamBench("DeltaLayer")
                .input("launch", 1, 0)
                .input("array_words", ColumnBalancedStore.addressBits(arrayDepth) + 1, arrayWords)
                .input("base", ColumnBalancedStore.addressBits(arrayDepth), 0)
                .input("entries_per_column", Hdl.widthFor(k), k)
                .input("input_groups", Hdl.widthFor(inputSize / arrays), inputSize / arrays)
                .input("hidden", Hdl.widthFor((long) pes * cells), hidden)
                .input("cells", Hdl.widthFor(cells), cells)
                .input("frac_shift", DeltaLayer.FRAC_SHIFT_BITS, layer.wa().fracBits())
                .input("input_theta", actBits + 1, thresholds.input()[0])
                .input("recurrent_theta", actBits + 1, thresholds.recurrent()[0])
                .output("ready", 1)
                .output("frames_done", 32)
                .output("cells_cycles", 32)
                .output("engine_stall_cycles", 32)
                .output("drain_cycles", 32)
                .output("inputs_wait_cycles", 32)
                .output("outputs_wait_cycles", 32)
                .output("fired_inputs", 32)
                .output("fired_recurrent", 32)
                .output("elements_seen", 32)
                .source("load", List.of(new Port("load_payload", matrix.entryBits(weightBits) * pes)), allWords, percent)
                .source("params", List.of(new Port("params_payload", pes * actBits)), allParams, percent)
                .gatedSource("inputs", List.of(new Port("inputs_payload", arrays * actBits)), beats, percent,
                        "inputs_next < input_limit")
                .timedSink("outputs", List.of(new Port("outputs_payload", pes * actBits)), percent)
                .raw("  integer input_limit = 0;")
                .stimulus(stimulus.toString());
        Path verilog = VerilogEmitter.emit(dir, "DeltaLayer", () -> new DeltaLayer(arrays, pes, cells, inputSize,
                arrayDepth, k, weightBits, accBits, 16, Elementwise.Arithmetic.of(config),
                layer.pruned().cell() == CellKind.GRU)).get(0);
        int perFrame = 2 * localColumns + (Elementwise.CYCLES_PER_CELL + pes / arrays + 4) * cells + 200;
        String tb = bench.write(dir, seed, 200, perFrame * totalFrames * (stallPercent > 0 ? 4 : 1)
                + 4 * allWords.size() + 20_000 * runs.size());
        List<String> printed = verilator ? Tools.simulateVerilator(dir, tb, List.of(verilog), 3_600)
                : Tools.simulate(dir, tb, List.of(verilog));
        if (printed.stream().anyMatch(line -> line.contains("timeout"))) {
            return new Result(0, new long[0], Map.of(), name + ": the simulation timed out");
        }
        List<Long> readyAt = decimalFields(printed, "ready_at");
        Map<String, Long> counters = new LinkedHashMap<>();
        COUNTERS.forEach(c -> counters.put(c, 0L));
        for (String line : printed.stream().filter(l -> l.startsWith("counters ")).toList()) {
            String[] fields = line.trim().split("\\s+");
            for (int i = 0; i < COUNTERS.size(); i++) {
                counters.merge(COUNTERS.get(i), Long.parseLong(fields[i + 1]), Long::sum);
            }
        }
        if (readyAt.size() != runs.size()) {
            return new Result(0, new long[0], counters, name + ": the layer was ready " + readyAt.size() + " times for "
                    + runs.size() + " runs");
        }

        List<List<FrameTrace>> layerTraces = new ArrayList<>();
        for (int r = 0; r < runs.size(); r++) {
            layerTraces.add(DeltaBench.layerTraces(results.get(r), 0, runs.get(r).length));
        }
        List<BigInteger[]> taken = StreamBench.taken(printed, "outputs");
        long[] cycles = new long[totalFrames];
        long previous = 0;
        int run = -1;
        int runStart = 0;
        for (int t = 0; t < totalFrames; t++) {
            if (run < 0 || t == runStart + runs.get(run).length) {
                runStart = run < 0 ? 0 : runStart + runs.get(run).length;
                run++;
                previous = readyAt.get(run);
            }
            long[] expected = layerTraces.get(run).get(t - runStart).stage("y");
            for (int l = 0; l < cells; l++) {
                int index = t * cells + l;
                if (index >= taken.size()) {
                    return new Result(t, cycles, counters, name + ": frame " + t + " gave " + (taken.size() - t * cells)
                            + " of its " + cells + " output beats");
                }
                BigInteger beat = taken.get(index)[0];
                for (int p = 0; p < pes && l * pes + p < hidden; p++) {
                    long actual = FixedFormat.signExtend(beat.shiftRight(p * actBits).longValue() & ((1L << actBits) - 1),
                            actBits);
                    int cell = l * pes + p;
                    if (actual != expected[cell]) {
                        return new Result(t, cycles, counters, name + ": run " + run + ", frame " + (t - runStart)
                                + ", layer 0, stage y, cell "
                                + cell + " (PE " + p + ", local cell " + l + "): expected " + expected[cell]
                                + ", actual " + actual);
                    }
                }
            }
            long end = taken.get(t * cells + cells - 1)[1].longValue();
            cycles[t] = end - previous;
            previous = end;
        }
        return new Result(totalFrames, cycles, counters, null);
    }

    private static List<Long> decimalFields(List<String> printed, String tag) {
        return printed.stream().filter(l -> l.startsWith(tag + " ")).map(l -> Long.parseLong(l.substring(
                tag.length()).trim())).toList();
    }

    /** Word l of a gate (or peephole) block starting at {@code offset}: lane p holds cell l N + p's value, 0 past H. */
    private static BigInteger laneWord(long[] values, int offset, int l, int pes, int hidden, int actBits) {
        BigInteger word = BigInteger.ZERO;
        for (int p = 0; p < pes; p++) {
            int cell = l * pes + p;
            long value = cell < hidden ? values[offset + cell] : 0;
            word = word.or(BigInteger.valueOf(value & ((1L << actBits) - 1)).shiftLeft(p * actBits));
        }
        return word;
    }
}
