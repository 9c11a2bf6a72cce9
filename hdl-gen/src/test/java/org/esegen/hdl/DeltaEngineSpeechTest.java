package org.esegen.hdl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.esegen.compile.ColumnBalancedEncoding;
import org.esegen.compile.CompiledLayer;
import org.esegen.compile.CompiledModel;
import org.esegen.compile.Compiler;
import org.esegen.config.AcceleratorConfig;
import org.esegen.config.Presets;
import org.esegen.fixed.FixedFormat;
import org.esegen.golden.FrameTrace;
import org.esegen.golden.GoldenModel;
import org.esegen.hdl.StreamBench.Port;
import org.esegen.hdl.spinal.Hdl;
import org.esegen.hdl.spinal.VerilogEmitter;
import org.esegen.hdl.units.AccumulatorLane;
import org.esegen.hdl.units.ColumnBalancedStore;
import org.esegen.hdl.units.DeltaEngine;
import org.esegen.hdl.units.DeltaUnit;
import org.esegen.hdl.units.Dsp48e2;
import org.esegen.io.SyntheticModel;
import org.esegen.prune.PruningMethod;
import org.esegen.rnn.CellKind;
import org.esegen.rnn.LayerWeights;
import org.esegen.speech.Features;
import org.esegen.speech.Normalization;
import org.esegen.speech.Wav;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * DeltaEngine under Icarus on real speech against the golden model: an lstm layer (120 -> 32, CBTD
 * at K / 32 per PE slice of 4 PEs) compiled for the tiny configuration, and a whole FSDD recording's
 * features; {@code GoldenModel.runDelta} gives, frame by frame, the vector v = [x_t; y_(t-1)] and
 * the stage z (the delta memory rescaled). The engine takes each frame's v as groups and, after each
 * frame, its M (the sum of its arrays' partial memories) rescaled as the element-wise step does must
 * equal z at every row (fabric or DSP48E2 multiply-accumulate); a mismatch names the recording, frame, stage, row, expected and actual.
 */
class DeltaEngineSpeechTest {
    private static final Path RECORDINGS = Path.of("..", "..", "shared", "datasets", "fsdd", "recordings");

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}, {1} arrays, K {2}, thresholds {3}/{4}, {5}")
    @CsvSource({"0_jackson_0.wav, 2, 2, 0.05, 0.05, FABRIC", "7_theo_12.wav, 4, 1, 0.1, 0.02, DSP48E2"})
    void deltaMemoryEqualsTheGoldenModelsZOnARecording(String recording, int arrays, int k, double thetaX,
                                                       double thetaH, AccumulatorLane.Mac mac) throws Exception {
        Path file = resolveRecording(recording);
        double[][] features = Features.of(Wav.read(file));
        features = Normalization.of(List.<double[][]>of(features)).apply(features);
        int pes = 4;
        int hidden = 32;
        AcceleratorConfig config = Presets.get("tiny").with("maxInputSize", 128);
        LayerWeights layer = SyntheticModel.generate(CellKind.LSTM, 0, Features.DIMENSION, hidden, hidden, false, 5);
        CompiledModel compiled = Compiler.compile(config, layer, PruningMethod.CBTD, k / (4.0 * hidden / pes));
        CompiledLayer compiledLayer = compiled.layer(0);
        ColumnBalancedEncoding matrix = ColumnBalancedEncoding.encode("W_a", compiledLayer.pruned().combinedInputMatrix(),
                compiledLayer.wa().decode(), compiledLayer.wa().mapping(), compiledLayer.wa().fracBits());
        assertEquals(k, matrix.k(), "CBTD leaves K in every column of every PE's slice");
        FixedFormat act = config.activationFormat();
        int actBits = act.totalBits();
        int weightBits = config.formats().weightBits();
        int accBits = config.pe().accBits();
        assertTrue(compiledLayer.wa().accBitsWithoutOverflow(actBits) <= accBits,
                "no partial sum can saturate, so the arrays' partial memories add up exactly");

        long[][] inputs = new long[features.length][];
        for (int t = 0; t < features.length; t++) {
            inputs[t] = Arrays.stream(features[t]).mapToLong(act::quantize).toArray();
        }
        GoldenModel golden = new GoldenModel(config, compiled.image(new long[][][] {inputs}));
        GoldenModel.DeltaResult result = golden.runDelta(inputs, golden.deltaThresholds(thetaX, thetaH), true);
        GoldenModel.DeltaThresholds thresholds = golden.deltaThresholds(thetaX, thetaH);

        int columns = Features.DIMENSION + hidden;
        int localColumns = (columns + arrays - 1) / arrays;
        int groupBits = DeltaUnit.columnBits(localColumns);
        int arrayWords = localColumns * k;
        List<BigInteger[]> words = new ArrayList<>();
        for (int a = 0; a < arrays; a++) {
            matrix.arrayStoreWords(a, arrays, weightBits).forEach(word -> words.add(new BigInteger[] {word}));
        }
        List<BigInteger[]> groups = new ArrayList<>();
        long[] previousY = new long[hidden];
        for (int t = 0; t < inputs.length; t++) {
            long[] v = new long[columns];
            System.arraycopy(inputs[t], 0, v, 0, Features.DIMENSION);
            System.arraycopy(previousY, 0, v, Features.DIMENSION, hidden);
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
            previousY = result.traces().get(t).y();
        }

        int localRows = compiledLayer.wa().mapping().localRows();
        int rowBits = AccumulatorLane.rowBits(localRows);
        StringBuilder perFrame = new StringBuilder();
        StringBuilder format = new StringBuilder("m %0d %h");
        StringBuilder args = new StringBuilder(", frame, read_row");
        for (int p = 0; p < pes; p++) {
            format.append(" %h %h");
            args.append(", read_valid_").append(p).append(", read_value_").append(p);
        }
        perFrame.append("""
                for (frame = 0; frame < %d; frame = frame + 1) begin
                  group_limit = (frame + 1) * %d;
                  wait (elements_seen == (frame + 1) * %d);
                  wait (!busy);
                  repeat (2) @(negedge clk);
                  for (row = 0; row < %d; row = row + 1) begin
                    read_row = row; @(negedge clk) $display("%s"%s);
                  end
                end
                """.formatted(inputs.length, localColumns, columns, localRows, format, args));
        int arrayDepth = arrayWords + 1;
        StreamBench bench = new StreamBench("DeltaEngine")
                .input("launch", 1, 0)
                .input("input_size", DeltaUnit.columnBits(columns) + 1, Features.DIMENSION)
                .input("input_theta", actBits + 1, thresholds.input()[0])
                .input("recurrent_theta", actBits + 1, thresholds.recurrent()[0])
                .input("array_words", ColumnBalancedStore.addressBits(arrayDepth) + 1, arrayWords)
                .input("base", ColumnBalancedStore.addressBits(arrayDepth), 0)
                .input("entries_per_column", Hdl.widthFor(k), k)
                .input("read_row", rowBits, 0)
                .raw("  integer frame = 0;\n  integer row = 0;\n  integer group_limit = 0;")
                .output("loaded", 1)
                .output("fired_inputs", 32)
                .output("fired_recurrent", 32)
                .output("elements_seen", 32)
                .output("busy", 1)
                .source("load", List.of(new Port("load_payload", matrix.entryBits(weightBits) * pes)), words, 90)
                .gatedSource("groups", List.of(new Port("groups_payload", groupBits + arrays + arrays * actBits)),
                        groups, 90, "loaded && groups_next < group_limit")
                .stimulus(perFrame.toString());
        for (int p = 0; p < pes; p++) {
            bench.output("read_valid_" + p, 1).output("read_value_" + p, accBits);
        }
        Path verilog = VerilogEmitter.emit(dir, "DeltaEngine", () -> new DeltaEngine(arrays, pes, localRows, columns,
                arrayDepth, k, weightBits, actBits, accBits, 16, mac)).get(0);
        List<Path> sources = new ArrayList<>(List.of(verilog));
        if (mac == AccumulatorLane.Mac.DSP48E2) {
            sources.add(Dsp48e2.writeSimulationModel(dir.resolve("sim")));
        }

        List<String> printed = Tools.simulate(dir, bench.write(dir, 7, 40, 400 * inputs.length + 20_000), sources);

        assertTrue(printed.stream().noneMatch(line -> line.contains("timeout")), recording + ": timed out");
        int[][] global = compiledLayer.wa().mapping().globalRows();
        int shift = compiledLayer.wa().fracBits() + act.fracBits();
        int compared = 0;
        for (String line : printed) {
            if (!line.startsWith("m ")) {
                continue;
            }
            String[] parts = line.trim().split("\\s+");
            int t = Integer.parseInt(parts[1]);
            int r = Integer.parseInt(parts[2], 16);
            FrameTrace trace = result.traces().get(t);
            for (int p = 0; p < pes; p++) {
                if (global[p][r] < 0) {
                    continue;
                }
                boolean valid = Integer.parseInt(parts[3 + 2 * p], 16) == 1;
                long m = valid ? FixedFormat.signExtend(Long.parseUnsignedLong(parts[4 + 2 * p], 16), accBits) : 0;
                long expected = trace.stage("z")[global[p][r]];
                assertEquals(expected, act.rescale(m, shift), recording + ": frame " + t + ", layer 0, stage z, row "
                        + global[p][r] + " (PE " + p + ", local row " + r + "), expected " + expected);
                compared++;
            }
        }
        assertEquals(inputs.length * 4 * hidden, compared, recording + ": every frame's every row compared");
        System.out.printf("DeltaEngineSpeechTest %s: %d frames, fired inputs %.1f %%, states %.1f %%%n", recording,
                inputs.length, 100 * result.firedInputs()[0], 100 * result.firedStates()[0]);
    }

    private static Path resolveRecording(String name) {
        Path file = RECORDINGS.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("the FSDD recording " + file.toAbsolutePath()
                    + " is missing: this test needs ../shared/datasets/fsdd beside the repository");
        }
        return file;
    }
}
