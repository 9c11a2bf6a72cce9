package org.esegen.io;

import org.esegen.EsegenException;
import org.esegen.io.Safetensors.Contents;
import org.esegen.io.Safetensors.Dtype;
import org.esegen.rnn.LayerStack;
import org.esegen.rnn.LayerWeights;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetensorsTest {

    /** Base of every random choice here; set -Desegen.test.seed=N to replay a run. */
    private static final long BASE_SEED = Long.getLong("esegen.test.seed", System.nanoTime());

    @TempDir
    Path dir;

    @BeforeAll
    static void printSeed() {
        System.out.println("SafetensorsTest base seed " + BASE_SEED + " (replay with -Desegen.test.seed="
                + BASE_SEED + ")");
    }

    static Stream<Arguments> shapesAndDtypes() {
        List<Arguments> cases = new ArrayList<>();
        long[][] fixed = {{1, 1}, {1}, {}, {3, 5}, {7, 2}, {2, 3, 4}, {0}, {4, 0}};
        for (Dtype dtype : List.of(Dtype.F32, Dtype.F64)) {
            for (long[] shape : fixed) {
                cases.add(Arguments.of(dtype, shape));
            }
            Random random = new Random(BASE_SEED + dtype.ordinal());
            for (int draw = 0; draw < 4; draw++) {
                cases.add(Arguments.of(dtype, new long[] {1 + random.nextInt(40), 1 + random.nextInt(40)}));
            }
            cases.add(Arguments.of(dtype, new long[] {300, 70}));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("shapesAndDtypes")
    void roundTripGivesIdenticalValues(Dtype dtype, long[] shape) {
        long seed = BASE_SEED ^ Arrays.hashCode(shape) ^ dtype.ordinal();
        System.out.println("roundTrip " + dtype + " " + Tensor.shapeText(shape) + " seed " + seed);
        Random random = new Random(seed);
        int elements = 1;
        for (long dimension : shape) {
            elements *= (int) dimension;
        }
        double[] values = new double[elements];
        for (int index = 0; index < elements; index++) {
            double value = random.nextGaussian() * Math.pow(10, random.nextInt(9) - 4);
            values[index] = dtype == Dtype.F32 ? (float) value : value;
        }
        Tensor tensor = new Tensor("t", shape, values);
        Path file = dir.resolve("t.safetensors");
        Safetensors.write(file, List.of(tensor), dtype);
        Contents contents = Safetensors.read(file);
        assertEquals(Map.of("t", tensor), contents.tensors());
        assertTrue(contents.metadata().isEmpty());
    }

    @Test
    void f32RoundsToNearestFloat() {
        Path file = dir.resolve("r.safetensors");
        double[] values = {0.1, -1.0 / 3, 1e-40, 123456789.123};
        Safetensors.write(file, List.of(Tensor.ofVector("v", values)), Dtype.F32);
        double[] read = Safetensors.read(file).tensors().get("v").data();
        for (int index = 0; index < values.length; index++) {
            assertEquals((double) (float) values[index], read[index]);
        }
    }

    @Test
    void manyTensorsAndMetadataRoundTrip() {
        List<Tensor> tensors = List.of(
                Tensor.ofMatrix("b", new double[][] {{1, 2, 3}, {4, 5, 6}}),
                Tensor.ofVector("a", new double[] {-0.0, Double.MIN_VALUE, Double.MAX_VALUE}),
                new Tensor("c.scalar", new long[] {}, new double[] {Math.PI}),
                Tensor.ofVector("ünïcode", new double[] {Double.NaN, Double.NEGATIVE_INFINITY}));
        Map<String, String> metadata = Map.of("format", "pt", "esegen", "test \"quoted\"\n");
        Path file = dir.resolve("many.safetensors");
        Safetensors.write(file, tensors, metadata, Dtype.F64);
        Contents contents = Safetensors.read(file);
        assertEquals(List.of("a", "b", "c.scalar", "ünïcode"), List.copyOf(contents.tensors().keySet()));
        for (Tensor tensor : tensors) {
            assertEquals(tensor, contents.tensors().get(tensor.name()));
        }
        assertEquals(metadata, contents.metadata());
    }

    @Test
    void writerMatchesReferenceBytes() throws IOException {
        Path file = dir.resolve("attn.safetensors");
        Safetensors.write(file, List.of(new Tensor("attn0", new long[] {1, 1, 2, 3}, new double[] {0, 1, 2, 3, 4, 5})),
                Dtype.F32);
        String json = "{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,1,2,3],\"data_offsets\":[0,24]}}";
        String header = json + " ".repeat(72 - json.length());
        ByteBuffer expected = ByteBuffer.allocate(8 + 72 + 24).order(ByteOrder.LITTLE_ENDIAN);
        expected.putLong(72).put(header.getBytes(StandardCharsets.UTF_8));
        for (int value = 0; value < 6; value++) {
            expected.putFloat(value);
        }
        assertArrayEquals(expected.array(), Files.readAllBytes(file));
    }

    @Test
    void writerMatchesReferenceBytesForEmptyFiles() throws IOException {
        Path empty = dir.resolve("empty.safetensors");
        Safetensors.write(empty, List.of(), Dtype.F32);
        byte[] expectedEmpty = {8, 0, 0, 0, 0, 0, 0, 0, '{', '}', ' ', ' ', ' ', ' ', ' ', ' '};
        assertArrayEquals(expectedEmpty, Files.readAllBytes(empty));

        Path withMetadata = dir.resolve("meta.safetensors");
        Safetensors.write(withMetadata, List.of(), Map.of("framework", "pt"), Dtype.F32);
        String header = "{\"__metadata__\":{\"framework\":\"pt\"}}     ";
        ByteBuffer expected = ByteBuffer.allocate(8 + 40).order(ByteOrder.LITTLE_ENDIAN);
        expected.putLong(40).put(header.getBytes(StandardCharsets.UTF_8));
        assertArrayEquals(expected.array(), Files.readAllBytes(withMetadata));
    }

    @Test
    void writerIsDeterministicWhateverTheInputOrder() throws IOException {
        Tensor first = Tensor.ofVector("z", new double[] {1, 2});
        Tensor second = Tensor.ofMatrix("a", new double[][] {{3}});
        Path one = dir.resolve("one.safetensors");
        Path two = dir.resolve("two.safetensors");
        Safetensors.write(one, List.of(first, second), Map.of("k2", "v", "k1", "w"), Dtype.F64);
        Safetensors.write(two, List.of(second, first), Map.of("k1", "w", "k2", "v"), Dtype.F64);
        byte[] bytes = Files.readAllBytes(one);
        assertArrayEquals(bytes, Files.readAllBytes(two));
        long headerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLength % 8);
        String header = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{\"__metadata__\":{\"k1\":\"w\",\"k2\":\"v\"},\"a\":"), header);
    }

    @Test
    void writeReplacesExistingFileAndLeavesNoTemporaryFiles() throws IOException {
        Path file = dir.resolve("w.safetensors");
        Files.writeString(file, "old contents");
        Safetensors.write(file, List.of(Tensor.ofVector("v", new double[] {1})), Dtype.F32);
        assertEquals(1.0, Safetensors.read(file).tensors().get("v").data()[0]);
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void halfDecodingMatchesBitLevelConversionForAllPatterns() {
        for (int bits = 0; bits < 0x10000; bits++) {
            String pattern = "half bits 0x" + Integer.toHexString(bits);
            assertEquals(Double.doubleToLongBits(referenceHalf(bits)), Double.doubleToLongBits(Binary.halfToDouble(bits)),
                    pattern);
        }
        assertEquals(1.0, Binary.halfToDouble(0x3c00));
        assertEquals(-2.0, Binary.halfToDouble(0xc000));
        assertEquals(65504.0, Binary.halfToDouble(0x7bff));
        assertEquals(Math.scalb(1.0, -24), Binary.halfToDouble(0x0001));
        assertEquals(Math.scalb(1.0, -14), Binary.halfToDouble(0x0400));
        assertEquals(0.333251953125, Binary.halfToDouble(0x3555));
        assertEquals(Double.NEGATIVE_INFINITY, Binary.halfToDouble(0xfc00));
        assertEquals(Double.doubleToLongBits(-0.0), Double.doubleToLongBits(Binary.halfToDouble(0x8000)));
        assertTrue(Double.isNaN(Binary.halfToDouble(0x7e00)));
    }

    @Test
    void bfloat16Decoding() {
        assertEquals(1.0, Binary.bfloat16ToDouble(0x3f80));
        assertEquals(-3.0, Binary.bfloat16ToDouble(0xc040));
        assertEquals(3.140625, Binary.bfloat16ToDouble(0x4049));
        assertEquals(Double.POSITIVE_INFINITY, Binary.bfloat16ToDouble(0x7f80));
    }

    @Test
    void readsF16AndBf16Tensors() throws IOException {
        long seed = BASE_SEED + 17;
        System.out.println("readsF16AndBf16Tensors seed " + seed);
        Random random = new Random(seed);
        int halves = 6;
        int brains = 4;
        ByteBuffer data = ByteBuffer.allocate(2 * (halves + brains)).order(ByteOrder.LITTLE_ENDIAN);
        double[] expectedHalf = new double[halves];
        double[] expectedBrain = new double[brains];
        for (int index = 0; index < halves; index++) {
            int bits = random.nextInt(0x7c00) | (random.nextBoolean() ? 0x8000 : 0);
            data.putShort((short) bits);
            expectedHalf[index] = referenceHalf(bits);
        }
        for (int index = 0; index < brains; index++) {
            int bits = random.nextInt(0x7f80) | (random.nextBoolean() ? 0x8000 : 0);
            data.putShort((short) bits);
            expectedBrain[index] = Float.intBitsToFloat(bits << 16);
        }
        String header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[2,3],\"data_offsets\":[0,12]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[4,1],\"data_offsets\":[12,20]}}";
        Path file = rawFile("half.safetensors", header, data.array());
        Contents contents = Safetensors.read(file);
        assertEquals(new Tensor("h", new long[] {2, 3}, expectedHalf), contents.tensors().get("h"));
        assertEquals(new Tensor("b", new long[] {4, 1}, expectedBrain), contents.tensors().get("b"));
    }

    @ParameterizedTest(name = "peepholes={0} {1}")
    @MethodSource("lstmpCases")
    void lstmpRoundTrip(boolean peepholes, Dtype dtype, int inputSize, int hiddenSize, int projSize) {
        long seed = BASE_SEED + inputSize * 31L + hiddenSize;
        System.out.println("lstmpRoundTrip I=" + inputSize + " H=" + hiddenSize + " P=" + projSize + " seed " + seed);
        LayerWeights weights = SyntheticModel.generate(inputSize, hiddenSize, projSize, peepholes, seed);
        Path file = dir.resolve("lstm.safetensors");
        ModelFile.write(LayerStack.of(weights), file, dtype);
        LayerWeights read = ModelFile.read(file, null).layer(0);
        assertEquals(inputSize, read.inputSize());
        assertEquals(hiddenSize, read.hiddenSize());
        assertEquals(projSize, read.projSize());
        assertEquals(peepholes, read.hasPeepholes());
        assertMatrixStored(weights.wIh(), read.wIh(), dtype);
        assertMatrixStored(weights.wHh(), read.wHh(), dtype);
        assertMatrixStored(weights.wHr(), read.wHr(), dtype);
        assertVectorStored(weights.bIh(), read.bIh(), dtype);
        assertVectorStored(weights.bHh(), read.bHh(), dtype);
        if (peepholes) {
            assertVectorStored(weights.wIc(), read.wIc(), dtype);
            assertVectorStored(weights.wFc(), read.wFc(), dtype);
            assertVectorStored(weights.wOc(), read.wOc(), dtype);
        } else {
            assertNull(read.wIc());
        }
    }

    static Stream<Arguments> lstmpCases() {
        return Stream.of(
                Arguments.of(false, Dtype.F32, 1, 1, 1),
                Arguments.of(true, Dtype.F64, 1, 1, 1),
                Arguments.of(true, Dtype.F32, 5, 7, 3),
                Arguments.of(false, Dtype.F64, 13, 4, 9),
                Arguments.of(true, Dtype.F64, 40, 32, 16));
    }

    // ---- malformed files ----

    @Test
    void rejectsFileShorterThanLengthPrefix() throws IOException {
        Path file = dir.resolve("short.safetensors");
        Files.write(file, new byte[] {1, 2, 3, 4, 5});
        assertFails(file, "5 bytes long", "8-byte", "truncated");
        Files.write(file, new byte[0]);
        assertFails(file, "0 bytes long");
    }

    @Test
    void rejectsHeaderLengthBeyondEndOfFile() throws IOException {
        Path file = rawFile("trunc.safetensors", 100, "{}".getBytes(StandardCharsets.UTF_8));
        assertFails(file, "header length of 100 bytes", "beyond the end of the file", "only 2 bytes", "truncated");
    }

    @Test
    void rejectsHeaderLengthOverLimitBeforeAllocating() throws IOException {
        Path file = rawFile("huge.safetensors", 100L * 1024 * 1024 + 1, "{}".getBytes(StandardCharsets.UTF_8));
        assertFails(file, "104857601 bytes", "over the limit of 104857600 bytes");
        Path wrapped = rawFile("wrapped.safetensors", -1L, new byte[0]);
        assertFails(wrapped, "18446744073709551615 bytes", "over the limit");
    }

    @Test
    void rejectsHeaderThatIsNotJson() throws IOException {
        assertFails(rawFile("a.safetensors", "{not json", new byte[0]), "not valid JSON");
        assertFails(rawFile("b.safetensors", "[1, 2]", new byte[0]), "JSON array", "expected a JSON object");
        assertFails(rawFile("c.safetensors", "", new byte[0]), "header is empty");
        assertFails(rawFile("d.safetensors", "{} {}", new byte[0]), "not valid JSON");
        String duplicate = "{\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}";
        assertFails(rawFile("e.safetensors", duplicate, new byte[4]), "not valid JSON", "Duplicate");
    }

    @Test
    void rejectsHeaderThatIsNotUtf8() throws IOException {
        Path file = dir.resolve("latin.safetensors");
        ByteBuffer bytes = ByteBuffer.allocate(8 + 4).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putLong(4).put(new byte[] {'{', (byte) 0xff, (byte) 0xfe, '}'});
        Files.write(file, bytes.array());
        assertFails(file, "not valid UTF-8");
    }

    @Test
    void rejectsUnsupportedDtypeNamingTensorAndAllowedDtypes() throws IOException {
        String header = "{\"weights\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        assertFails(rawFile("int.safetensors", header, new byte[8]),
                "tensor 'weights'", "dtype \"I32\"", "allowed dtypes: F16, BF16, F32, F64");
        String missing = "{\"w\":{\"shape\":[2],\"data_offsets\":[0,8]}}";
        assertFails(rawFile("nodtype.safetensors", missing, new byte[8]), "tensor 'w'", "no \"dtype\"", "F16");
    }

    @Test
    void rejectsMalformedEntries() throws IOException {
        assertFails(rawFile("a.safetensors", "{\"w\":[1]}", new byte[0]), "tensor 'w'", "expected an object");
        assertFails(rawFile("b.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}",
                new byte[8]), "tensor 'w'", "\"shape\"", "non-negative integers");
        assertFails(rawFile("c.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,8]}}",
                new byte[8]), "tensor 'w'", "\"shape\"");
        assertFails(rawFile("d.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}",
                new byte[8]), "tensor 'w'", "data_offsets", "[begin, end]");
        assertFails(rawFile("e.safetensors", "{\"__metadata__\":{\"n\":3}}", new byte[0]),
                "__metadata__", "\"n\"", "must be strings");
        assertFails(rawFile("f.safetensors", "{\"w\":{\"dtype\":\"F64\",\"shape\":[4294967296,4294967296],"
                + "\"data_offsets\":[0,8]}}", new byte[8]), "tensor 'w'", "overflows");
    }

    @Test
    void rejectsDataOffsetsOutOfRange() throws IOException {
        String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}";
        assertFails(rawFile("range.safetensors", header, new byte[12]),
                "tensor 'w'", "data_offsets [0, 16]", "out of range", "only 12 bytes");
        String reversed = "{\"w\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,4]}}";
        assertFails(rawFile("reversed.safetensors", reversed, new byte[8]), "tensor 'w'", "begin lies after its end");
    }

    @Test
    void rejectsDataOffsetsThatDoNotMatchShapeAndDtype() throws IOException {
        String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}}";
        assertFails(rawFile("size.safetensors", header, new byte[12]),
                "tensor 'w'", "shape [2, 2]", "dtype F32", "need 16 bytes", "span 12 bytes");
    }

    @Test
    void rejectsGapsOverlapsAndUnusedTail() throws IOException {
        String gap = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
        assertFails(rawFile("gap.safetensors", gap, new byte[12]), "bytes 4 to 8", "tensor 'b'", "without gaps");
        String overlap = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
        assertFails(rawFile("overlap.safetensors", overlap, new byte[8]), "tensor 'b'", "overlapping tensor 'a'");
        String tail = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        assertFails(rawFile("tail.safetensors", tail, new byte[10]), "bytes 4 to 10", "belong to no tensor");
    }

    @Test
    void acceptsTensorsInAnyHeaderOrder() throws IOException {
        String header = "{\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        ByteBuffer data = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1).putFloat(2);
        Contents contents = Safetensors.read(rawFile("order.safetensors", header, data.array()));
        assertEquals(1.0, contents.tensors().get("a").data()[0]);
        assertEquals(2.0, contents.tensors().get("b").data()[0]);
    }

    @Test
    void rejectsMissingFile() {
        assertFails(dir.resolve("absent.safetensors"), "no such file");
    }

    @Test
    void writerRejectsBadRequests() {
        Path file = dir.resolve("bad.safetensors");
        Tensor vector = Tensor.ofVector("v", new double[] {1});
        assertFails(file, () -> Safetensors.write(file, List.of(vector), Dtype.F16), "F16", "F32 or F64");
        assertFails(file, () -> Safetensors.write(file, List.of(vector, vector), Dtype.F32), "two tensors", "'v'");
        assertFails(file, () -> Safetensors.write(file,
                List.of(Tensor.ofVector("__metadata__", new double[] {1})), Dtype.F32), "reserved");
        assertFails(file, () -> Safetensors.write(file,
                List.of(Tensor.ofVector("big", new double[] {0, 1e300})), Dtype.F32), "'big'", "element 1", "F64");
        Path nowhere = dir.resolve("missing-dir").resolve("x.safetensors");
        assertFails(nowhere, () -> Safetensors.write(nowhere, List.of(vector), Dtype.F32), "does not exist");
        assertFalse(Files.exists(file));
    }

    // ---- LSTMP mapping ----

    @Test
    void lstmpMissingTensorNamesFileTensorAndShape() {
        Path file = writeLstmpTensors("missing.safetensors", 3, 2, 2, "bias_hh_l0", null);
        assertFails(file, () -> ModelFile.read(file, null).layer(0), "has no tensor 'bias_hh_l0'", "expected shape [8]",
                "weight_ih_l0");
    }

    @Test
    void lstmpRecurrentColumnsMustMatchProjectionRows() {
        Path file = writeLstmpTensors("hh.safetensors", 3, 2, 2, "weight_hh_l0",
                Tensor.ofMatrix("weight_hh_l0", new double[8][3]));
        assertFails(file, () -> ModelFile.read(file, null).layer(0), "tensor 'weight_hh_l0'", "shape [8, 3]",
                "expected [8, 2]", "[4H, P]", "P = 2 from weight_hr_l0");
    }

    @Test
    void lstmpInputWeightsMustHaveFourGateRowsPerCell() {
        Path rows = writeLstmpTensors("rows.safetensors", 3, 2, 2, "weight_ih_l0",
                Tensor.ofMatrix("weight_ih_l0", new double[7][3]));
        assertFails(rows, () -> ModelFile.read(rows, null).layer(0), "tensor 'weight_ih_l0'", "shape [7, 3]",
                "[4H, I]", "multiple of 4");
        Path rank = writeLstmpTensors("rank.safetensors", 3, 2, 2, "weight_ih_l0",
                Tensor.ofVector("weight_ih_l0", new double[24]));
        assertFails(rank, () -> ModelFile.read(rank, null).layer(0), "tensor 'weight_ih_l0'", "shape [24]", "rank 1",
                "[GH, I]");
    }

    @Test
    void lstmpProjectionColumnsMustMatchCells() {
        Path file = writeLstmpTensors("hr.safetensors", 3, 2, 2, "weight_hr_l0",
                Tensor.ofMatrix("weight_hr_l0", new double[2][5]));
        assertFails(file, () -> ModelFile.read(file, null).layer(0), "tensor 'weight_hr_l0'", "shape [2, 5]",
                "expected [P, 2]", "H = 2");
    }

    @Test
    void lstmpBiasAndPeepholeShapes() {
        Path bias = writeLstmpTensors("bias.safetensors", 3, 2, 2, "bias_ih_l0",
                Tensor.ofVector("bias_ih_l0", new double[6]));
        assertFails(bias, () -> ModelFile.read(bias, null).layer(0), "tensor 'bias_ih_l0'", "shape [6]", "expected [8]");
        Path peephole = writeLstmpTensors("peep.safetensors", 3, 2, 2, "weight_fc_l0",
                Tensor.ofVector("weight_fc_l0", new double[3]));
        assertFails(peephole, () -> ModelFile.read(peephole, null).layer(0), "tensor 'weight_fc_l0'", "shape [3]",
                "expected [2]");
    }

    @Test
    void lstmpPeepholesComeTogether() {
        Path file = writeLstmpTensors("somepeep.safetensors", 3, 2, 2, "weight_oc_l0", null);
        assertFails(file, () -> ModelFile.read(file, null).layer(0), "weight_ic_l0", "together");
    }

    @Test
    void lstmpRejectsAnIncompleteSecondLayer() {
        Path file = writeLstmpTensors("deep.safetensors", 3, 2, 2, "weight_ih_l1",
                Tensor.ofMatrix("weight_ih_l1", new double[8][2]));
        assertFails(file, () -> ModelFile.read(file, null).layer(0), "has no tensor 'weight_hh_l1'");
    }

    @Test
    void lstmpNonFiniteWeightsNameFileTensorAndIndex() {
        double[][] recurrent = new double[8][2];
        recurrent[5][1] = Double.NaN;
        Path nan = writeLstmpTensors("nan.safetensors", 3, 2, 2, "weight_hh_l0",
                Tensor.ofMatrix("weight_hh_l0", recurrent));
        assertFails(nan, () -> ModelFile.read(nan, null).layer(0), "'weight_hh_l0'", "NaN", "[5, 1]", "finite");
        double[] bias = new double[8];
        bias[3] = Double.NEGATIVE_INFINITY;
        Path inf = writeLstmpTensors("inf.safetensors", 3, 2, 2, "bias_hh_l0", Tensor.ofVector("bias_hh_l0", bias));
        assertFails(inf, () -> ModelFile.read(inf, null).layer(0), "'bias_hh_l0'", "-Infinity", "[3]");
    }

    // ---- helpers ----

    /**
     * Writes a valid LSTMP file (with peepholes) of sizes I, H, P, except that tensor {@code replaced}
     * is left out, or replaced by {@code replacement} when that is not null.
     */
    private Path writeLstmpTensors(String name, int inputSize, int hiddenSize, int projSize, String replaced,
                                   Tensor replacement) {
        LayerWeights weights = SyntheticModel.generate(inputSize, hiddenSize, projSize, true, BASE_SEED);
        List<Tensor> tensors = new ArrayList<>(List.of(
                Tensor.ofMatrix("weight_ih_l0", weights.wIh()),
                Tensor.ofMatrix("weight_hh_l0", weights.wHh()),
                Tensor.ofVector("bias_ih_l0", weights.bIh()),
                Tensor.ofVector("bias_hh_l0", weights.bHh()),
                Tensor.ofMatrix("weight_hr_l0", weights.wHr()),
                Tensor.ofVector("weight_ic_l0", weights.wIc()),
                Tensor.ofVector("weight_fc_l0", weights.wFc()),
                Tensor.ofVector("weight_oc_l0", weights.wOc())));
        tensors.removeIf(tensor -> tensor.name().equals(replaced));
        if (replacement != null) {
            tensors.add(replacement);
        }
        Path file = dir.resolve(name);
        Safetensors.write(file, tensors, Dtype.F64);
        return file;
    }

    private Path rawFile(String name, String header, byte[] data) throws IOException {
        byte[] headerBytes = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer rest = ByteBuffer.allocate(headerBytes.length + data.length).put(headerBytes).put(data);
        return rawFile(name, headerBytes.length, rest.array());
    }

    private Path rawFile(String name, long headerLength, byte[] afterLength) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(8 + afterLength.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putLong(headerLength).put(afterLength);
        Path file = dir.resolve(name);
        Files.write(file, bytes.array());
        return file;
    }

    private static void assertFails(Path file, String... fragments) {
        assertFails(file, () -> Safetensors.read(file), fragments);
    }

    private static void assertFails(Path file, Runnable action, String... fragments) {
        EsegenException error = assertThrows(EsegenException.class, action::run);
        String message = error.getMessage();
        assertTrue(message.contains(file.getFileName().toString()), () -> "no file name in: " + message);
        for (String fragment : fragments) {
            assertTrue(message.contains(fragment), () -> "'" + fragment + "' not in: " + message);
        }
    }

    private static void assertMatrixStored(double[][] written, double[][] read, Dtype dtype) {
        assertEquals(written.length, read.length);
        for (int row = 0; row < written.length; row++) {
            assertVectorStored(written[row], read[row], dtype);
        }
    }

    private static void assertVectorStored(double[] written, double[] read, Dtype dtype) {
        assertEquals(written.length, read.length);
        for (int index = 0; index < written.length; index++) {
            double expected = dtype == Dtype.F32 ? (float) written[index] : written[index];
            assertEquals(expected, read[index]);
        }
    }

    /** binary16 to double by moving bit fields into a binary32, independent of the code under test. */
    private static double referenceHalf(int bits) {
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0) {
            double magnitude = mantissa / 16777216.0;
            return sign != 0 ? -magnitude : magnitude;
        }
        int floatExponent = exponent == 0x1f ? 0xff : exponent - 15 + 127;
        return Float.intBitsToFloat(sign | (floatExponent << 23) | (mantissa << 13));
    }
}
