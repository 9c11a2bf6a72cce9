package org.esegen.io;

import org.esegen.EsegenException;
import org.esegen.rnn.CellKind;
import org.esegen.rnn.LayerStack;
import org.esegen.rnn.LayerWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Recurrent stacks in PyTorch's state_dict naming: every cell inferred from the tensors, and every refusal. */
class ModelFileTest {
    @TempDir
    Path dir;

    static Stream<Arguments> stacks() {
        return Stream.of(
                Arguments.of(CellKind.LSTMP, new int[]{6}, new int[]{3}, true, 21L),
                Arguments.of(CellKind.LSTMP, new int[]{6, 5, 4}, new int[]{3, 2, 5}, false, 22L),
                Arguments.of(CellKind.LSTM, new int[]{4}, null, false, 23L),
                Arguments.of(CellKind.LSTM, new int[]{4, 7}, null, true, 24L),
                Arguments.of(CellKind.GRU, new int[]{3}, null, false, 25L),
                Arguments.of(CellKind.GRU, new int[]{3, 3, 8}, null, false, 26L),
                Arguments.of(CellKind.GRU, new int[]{4}, null, false, 27L));
    }

    @ParameterizedTest(name = "{0} hidden {1} peepholes {3} seed {4}")
    @MethodSource("stacks")
    void roundTripInfersTheCellWithoutMetadata(CellKind cell, int[] hidden, int[] proj, boolean peepholes, long seed) {
        System.out.println("ModelFileTest " + cell + " seed=" + seed);
        LayerStack stack = SyntheticModel.stack(cell, 5, hidden, proj, peepholes, seed);
        Path file = dir.resolve("m.safetensors");
        ModelFile.write(stack, file, Safetensors.Dtype.F64);
        assertTrue(Safetensors.read(file).metadata().isEmpty(), "a state_dict has no metadata");
        LayerStack read = ModelFile.read(file, null);
        assertEquals(cell, read.cell());
        assertEquals(hidden.length, read.depth());
        for (int k = 0; k < hidden.length; k++) {
            LayerWeights a = stack.layer(k);
            LayerWeights b = read.layer(k);
            assertEquals(a.inputSize(), b.inputSize());
            assertEquals(a.hiddenSize(), b.hiddenSize());
            assertEquals(a.projSize(), b.projSize());
            assertEquals(a.hasPeepholes(), b.hasPeepholes());
            for (int r = 0; r < a.wIh().length; r++) {
                assertArrayEquals(a.wIh()[r], b.wIh()[r]);
                assertArrayEquals(a.wHh()[r], b.wHh()[r]);
            }
            assertArrayEquals(a.bHh(), b.bHh());
        }
        assertEquals(cell, ModelFile.read(file, cell).cell(), "stating the right cell is accepted");
    }

    @Test
    void namesAreExactlyPyTorchs() {
        LayerStack gru = SyntheticModel.stack(CellKind.GRU, 3, new int[]{2, 2}, null, false, 1);
        List<String> names = ModelFile.tensors(gru).stream().map(Tensor::name).toList();
        assertEquals(List.of("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
                "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1"), names);
        LayerStack lstmp = SyntheticModel.stack(CellKind.LSTMP, 3, new int[]{4}, new int[]{2}, true, 1);
        assertEquals(List.of("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_hr_l0",
                "weight_ic_l0", "weight_fc_l0", "weight_oc_l0"),
                ModelFile.tensors(lstmp).stream().map(Tensor::name).toList());
    }

    @Test
    void aGruAndAnLstmAreToldApartByTheirGateRows() {
        Path file = write("g.safetensors", List.of(
                Tensor.ofMatrix("weight_ih_l0", new double[12][3]), Tensor.ofMatrix("weight_hh_l0", new double[12][4]),
                Tensor.ofVector("bias_ih_l0", new double[12]), Tensor.ofVector("bias_hh_l0", new double[12])), Map.of());
        assertEquals(CellKind.GRU, ModelFile.read(file, null).cell(), "12 rows over H = 4 columns: 3 gates");
        Path lstm = write("l.safetensors", List.of(
                Tensor.ofMatrix("weight_ih_l0", new double[12][3]), Tensor.ofMatrix("weight_hh_l0", new double[12][3]),
                Tensor.ofVector("bias_ih_l0", new double[12]), Tensor.ofVector("bias_hh_l0", new double[12])), Map.of());
        assertEquals(CellKind.LSTM, ModelFile.read(lstm, null).cell(), "12 rows over H = 3 columns: 4 gates");
    }

    @Test
    void refusesAGateCountOtherThanThreeOrFour() {
        Path file = write("five.safetensors", List.of(
                Tensor.ofMatrix("weight_ih_l0", new double[10][3]), Tensor.ofMatrix("weight_hh_l0", new double[10][2]),
                Tensor.ofVector("bias_ih_l0", new double[10]), Tensor.ofVector("bias_hh_l0", new double[10])), Map.of());
        fails(file, null, "gate count", "of 5", "expected 4", "or 3");
    }

    @Test
    void refusesBidirectionalModels() {
        List<Tensor> tensors = new ArrayList<>(ModelFile.tensors(
                SyntheticModel.stack(CellKind.LSTM, 3, new int[]{2}, null, false, 2)));
        tensors.add(Tensor.ofMatrix("weight_ih_l0_reverse", new double[8][3]));
        fails(write("bi.safetensors", tensors, Map.of()), null, "weight_ih_l0_reverse", "bidirectional");
    }

    @Test
    void refusesAMissingSecondLayerTensorAndASkippedLayer() {
        List<Tensor> tensors = new ArrayList<>(ModelFile.tensors(
                SyntheticModel.stack(CellKind.LSTM, 3, new int[]{2, 2}, null, false, 3)));
        tensors.removeIf(t -> t.name().equals("bias_hh_l1"));
        fails(write("l1.safetensors", tensors, Map.of()), null, "has no tensor 'bias_hh_l1'", "expected shape [8]");
        List<Tensor> skipped = new ArrayList<>(ModelFile.tensors(
                SyntheticModel.stack(CellKind.LSTM, 3, new int[]{2, 2, 2}, null, false, 3)));
        skipped.removeIf(t -> t.name().endsWith("_l1"));
        fails(write("gap.safetensors", skipped, Map.of()), null, "none of layer 1", "weight_ih_l1");
    }

    @Test
    void refusesInconsistentLayerSizes() {
        List<Tensor> tensors = new ArrayList<>(ModelFile.tensors(
                SyntheticModel.stack(CellKind.GRU, 3, new int[]{4, 5}, null, false, 4)));
        tensors.removeIf(t -> t.name().equals("weight_ih_l1"));
        tensors.add(Tensor.ofMatrix("weight_ih_l1", new double[15][6]));
        fails(write("sizes.safetensors", tensors, Map.of()), null, "layer 1 takes 6 inputs", "layer 0 outputs 4");
    }

    @Test
    void refusesPeepholesOnAGru() {
        List<Tensor> tensors = new ArrayList<>(ModelFile.tensors(
                SyntheticModel.stack(CellKind.GRU, 3, new int[]{4}, null, false, 5)));
        tensors.add(Tensor.ofVector("weight_ic_l0", new double[4]));
        fails(write("peep.safetensors", tensors, Map.of()), null, "weight_ic_l0", "gru", "has none");
    }

    @Test
    void refusesAStatedCellTheTensorsContradict() {
        Path file = dir.resolve("lstm.safetensors");
        ModelFile.write(SyntheticModel.stack(CellKind.LSTM, 3, new int[]{2}, null, false, 6), file,
                Safetensors.Dtype.F32);
        fails(file, CellKind.GRU, "stated to be gru", "lstm");
        fails(file, CellKind.LSTMP, "stated to be lstmp", "weight_hr_l0");
        Path meta = write("meta.safetensors", ModelFile.tensors(SyntheticModel.stack(CellKind.LSTM, 3, new int[]{2},
                null, false, 6)), Map.of(ModelFile.CELL_KEY, "gru"));
        fails(meta, null, "stated to be gru");
        fails(meta, CellKind.LSTM, "metadata says the cell is gru", "lstm was asked for");
        Path unknown = write("unknown.safetensors", ModelFile.tensors(SyntheticModel.stack(CellKind.LSTM, 3,
                new int[]{2}, null, false, 6)), Map.of(ModelFile.CELL_KEY, "rnn_tanh"));
        fails(unknown, null, "'rnn_tanh'", "allowed are lstmp, lstm, gru");
    }

    @Test
    void refusesForeignTensors() {
        List<Tensor> tensors = new ArrayList<>(ModelFile.tensors(
                SyntheticModel.stack(CellKind.LSTM, 3, new int[]{2}, null, false, 7)));
        tensors.add(Tensor.ofVector("fc.weight", new double[2]));
        fails(write("foreign.safetensors", tensors, Map.of()), null, "'fc.weight'", "not part of a recurrent");
    }

    private Path write(String name, List<Tensor> tensors, Map<String, String> metadata) {
        Path file = dir.resolve(name);
        Safetensors.write(file, tensors, metadata, Safetensors.Dtype.F32);
        return file;
    }

    private static void fails(Path file, CellKind stated, String... fragments) {
        String message = assertThrows(EsegenException.class, () -> ModelFile.read(file, stated)).getMessage();
        assertTrue(message.startsWith(file.toString()), () -> "no file name in: " + message);
        for (String fragment : fragments) {
            assertTrue(message.contains(fragment), () -> "'" + fragment + "' not in: " + message);
        }
    }
}
