package org.esegen.io;

import org.esegen.EsegenException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
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
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NpyTest {

    /** Base of every random choice here; set -Desegen.test.seed=N to replay a run. */
    private static final long BASE_SEED = Long.getLong("esegen.test.seed", System.nanoTime());

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    @TempDir
    Path dir;

    @BeforeAll
    static void printSeed() {
        System.out.println("NpyTest base seed " + BASE_SEED + " (replay with -Desegen.test.seed=" + BASE_SEED + ")");
    }

    static Stream<Arguments> shapesAndDtypes() {
        List<Arguments> cases = new ArrayList<>();
        int[][] fixed = {{1, 1}, {1, 7}, {9, 1}, {3, 2}, {2, 3}, {3000, 7}};
        for (String dtype : List.of("<f4", "<f8")) {
            for (int[] shape : fixed) {
                cases.add(Arguments.of(dtype, shape[0], shape[1]));
            }
            Random random = new Random(BASE_SEED + dtype.hashCode());
            for (int draw = 0; draw < 4; draw++) {
                cases.add(Arguments.of(dtype, 1 + random.nextInt(200), 1 + random.nextInt(64)));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}x{2}")
    @MethodSource("shapesAndDtypes")
    void roundTripGivesIdenticalValues(String dtype, int rows, int columns) {
        long seed = BASE_SEED + 1000L * rows + columns;
        System.out.println("roundTrip " + dtype + " " + rows + "x" + columns + " seed " + seed);
        Random random = new Random(seed);
        double[][] data = new double[rows][columns];
        for (double[] row : data) {
            for (int column = 0; column < columns; column++) {
                double value = random.nextGaussian() * Math.pow(10, random.nextInt(7) - 3);
                row[column] = dtype.equals("<f4") ? (float) value : value;
            }
        }
        Path file = dir.resolve("frames.npy");
        Npy.write(file, data, dtype);
        assertArrayEquals(data, Npy.read(file));
    }

    @Test
    void writesExactlyTheBytesNumpyWrites() throws IOException {
        Path file = dir.resolve("exact.npy");
        Npy.write(file, new double[][] {{1, 2}, {3, 4}, {5, 6}}, "<f4");
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }";
        StringBuilder header = new StringBuilder(dict);
        while ((MAGIC.length + 4 + header.length() + 1) % 64 != 0) {
            header.append(' ');
        }
        header.append('\n');
        ByteBuffer expected = ByteBuffer.allocate(10 + header.length() + 6 * 4).order(ByteOrder.LITTLE_ENDIAN);
        expected.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        expected.put(header.toString().getBytes(StandardCharsets.ISO_8859_1));
        for (int value = 1; value <= 6; value++) {
            expected.putFloat(value);
        }
        byte[] actual = Files.readAllBytes(file);
        assertEquals(128, 10 + header.length());
        assertArrayEquals(expected.array(), actual);
    }

    /** Header lines numpy 2.4 writes (numpy.lib.format.write_array_header_1_0), spaces counted. */
    @ParameterizedTest(name = "{0} ({1}, {2})")
    @CsvSource({
            "<f4, 3, 2, 58",
            "<f8, 1, 1, 58",
            "<f4, 1000, 40, 54",
            "<f8, 123456, 7, 53"})
    void headerMatchesNumpy(String descr, int rows, int columns, int trailingSpaces) {
        String expected = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + rows + ", " + columns
                + "), }" + " ".repeat(trailingSpaces) + "\n";
        String header = Npy.headerText(descr, rows, columns);
        assertEquals(expected, header);
        assertEquals(0, (10 + header.length()) % 64);
    }

    @Test
    void writerIsDeterministic() throws IOException {
        double[][] data = SyntheticModel.frames(17, 5, BASE_SEED);
        Path one = dir.resolve("one.npy");
        Path two = dir.resolve("two.npy");
        Npy.write(one, data, "<f8");
        Npy.write(two, data, "<f8");
        assertArrayEquals(Files.readAllBytes(one), Files.readAllBytes(two));
    }

    @Test
    void readsAllAcceptedDtypes() throws IOException {
        ByteBuffer half = littleEndian(8).putShort((short) 0x3c00).putShort((short) 0xc000)
                .putShort((short) 0x3555).putShort((short) 0x7bff);
        assertArrayEquals(new double[][] {{1, -2}, {0.333251953125, 65504}},
                Npy.read(npy("h.npy", 1, header("<f2", "(2, 2)"), half.array())));
        ByteBuffer shorts = littleEndian(6).putShort((short) -32768).putShort((short) 7).putShort((short) 32767);
        assertArrayEquals(new double[][] {{-32768, 7, 32767}},
                Npy.read(npy("s.npy", 1, header("<i2", "(1, 3)"), shorts.array())));
        ByteBuffer ints = littleEndian(8).putInt(Integer.MIN_VALUE).putInt(123456789);
        assertArrayEquals(new double[][] {{Integer.MIN_VALUE}, {123456789}},
                Npy.read(npy("i.npy", 1, header("<i4", "(2, 1)"), ints.array())));
        byte[] bytes = {-128, -1, 0, 127};
        assertArrayEquals(new double[][] {{-128, -1}, {0, 127}},
                Npy.read(npy("b.npy", 1, header("|i1", "(2, 2)"), bytes)));
        ByteBuffer floats = littleEndian(8).putFloat(0.1f).putFloat(-3.5f);
        assertArrayEquals(new double[][] {{0.1f, -3.5f}},
                Npy.read(npy("f.npy", 1, header("<f4", "(1, 2)"), floats.array())));
    }

    @Test
    void readsVersionsTwoAndThreeAndOldPythonHeaders() throws IOException {
        ByteBuffer data = littleEndian(16).putDouble(1.5).putDouble(-2.25);
        double[][] expected = {{1.5, -2.25}};
        assertArrayEquals(expected, Npy.read(npy("v2.npy", 2, header("<f8", "(1, 2)"), data.array())));
        assertArrayEquals(expected, Npy.read(npy("v3.npy", 3, header("<f8", "(1, 2)"), data.array())));
        String python2 = "{'descr': '<f8', 'fortran_order': False, 'shape': (1L, 2L), }        \n";
        assertArrayEquals(expected, Npy.read(npy("py2.npy", 1, python2, data.array())));
        String reordered = "{\"shape\": (1, 2), \"fortran_order\": False, \"descr\": \"<f8\"}\n";
        assertArrayEquals(expected, Npy.read(npy("order.npy", 1, reordered, data.array())));
    }

    // ---- malformed files ----

    @Test
    void rejectsBadMagic() throws IOException {
        Path file = dir.resolve("bad.npy");
        Files.write(file, "PK\u0003\u0004 this is a zip".getBytes(StandardCharsets.ISO_8859_1));
        assertFails(file, "not a NumPy .npy file", "magic");
    }

    @Test
    void rejectsTruncatedPrefixAndHeader() throws IOException {
        Path empty = dir.resolve("empty.npy");
        Files.write(empty, new byte[0]);
        assertFails(empty, "truncated", "0 bytes");
        Path magicOnly = dir.resolve("magic.npy");
        Files.write(magicOnly, MAGIC);
        assertFails(magicOnly, "truncated", "6 bytes");
        Path cut = dir.resolve("cut.npy");
        Npy.write(cut, new double[][] {{1}}, "<f4");
        Files.write(cut, Arrays.copyOf(Files.readAllBytes(cut), 40));
        assertFails(cut, "truncated", "header of 118 bytes", "only 30 bytes");
    }

    @Test
    void rejectsTruncatedAndOverlongData() throws IOException {
        Path shortData = npy("short.npy", 1, header("<f4", "(3, 2)"), new byte[20]);
        assertFails(shortData, "truncated", "(3, 2)", "'<f4'", "needs 24 data bytes", "only 20");
        Path longData = npy("long.npy", 1, header("<f4", "(3, 2)"), new byte[28]);
        assertFails(longData, "4 bytes after the data", "(3, 2)");
    }

    @ParameterizedTest
    @CsvSource({">f4", "<i8", "<u2", "<c16", "|b1", "<U5"})
    void rejectsUnsupportedDtypes(String descr) throws IOException {
        Path file = npy("dtype.npy", 1, header(descr, "(1, 1)"), new byte[16]);
        assertFails(file, "dtype '" + descr + "'", "'<f4', '<f8', '<f2', '<i2', '<i4', '|i1'");
    }

    @Test
    void rejectsStructuredDtype() throws IOException {
        String structured = "{'descr': [('x', '<f4'), ('y', '<f4')], 'fortran_order': False, 'shape': (1, 1), }\n";
        assertFails(npy("struct.npy", 1, structured, new byte[8]), "structured", "[('x', '<f4'), ('y', '<f4')]");
    }

    @Test
    void rejectsFortranOrder() throws IOException {
        String fortran = "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }\n";
        assertFails(npy("fortran.npy", 1, fortran, new byte[16]), "Fortran", "C (row-major) order only",
                "ascontiguousarray");
    }

    @Test
    void rejectsShapesThatAreNotTwoDimensionalOrAreEmpty() throws IOException {
        assertFails(npy("one.npy", 1, header("<f4", "(6,)"), new byte[24]), "shape (6,)", "1-D", "2-D",
                "reshape(1, -1)");
        assertFails(npy("three.npy", 1, header("<f4", "(1, 2, 3)"), new byte[24]), "shape (1, 2, 3)", "3-D", "2-D");
        assertFails(npy("scalar.npy", 1, header("<f4", "()"), new byte[4]), "shape ()", "0-D");
        assertFails(npy("zero.npy", 1, header("<f4", "(0, 40)"), new byte[0]), "shape (0, 40)", "no values");
    }

    @Test
    void rejectsMalformedHeaders() throws IOException {
        assertFails(npy("garbage.npy", 1, "not a dict\n", new byte[0]), "not a valid .npy header", "expected '{'");
        assertFails(npy("missing.npy", 1, "{'descr': '<f4', 'shape': (1, 1), }\n", new byte[4]),
                "lacks key 'fortran_order'");
        assertFails(npy("extra.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1), 'x': 1}\n",
                new byte[4]), "has key 'x'");
        assertFails(npy("twice.npy", 1, "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1, 1)}\n",
                new byte[4]), "'descr' appears twice");
        assertFails(npy("tail.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1)} junk\n",
                new byte[4]), "unexpected text after the dict");
        assertFails(npy("order.npy", 1, "{'descr': '<f4', 'fortran_order': 0, 'shape': (1, 1)}\n", new byte[4]),
                "'fortran_order': 0", "False or True");
    }

    @Test
    void rejectsUnknownVersionAndOversizedHeader() throws IOException {
        Path version = dir.resolve("v4.npy");
        Files.write(version, littleEndian(12).put(MAGIC).put((byte) 4).put((byte) 0).putShort((short) 0).array());
        assertFails(version, "version 4.0", "1.0, 2.0 and 3.0");
        Path huge = dir.resolve("huge.npy");
        Files.write(huge, littleEndian(12).put(MAGIC).put((byte) 2).put((byte) 0).putInt(-1).array());
        assertFails(huge, "header of 4294967295 bytes", "over the limit");
    }

    @ParameterizedTest
    @CsvSource({"NaN, 1, 2", "Infinity, 0, 0", "-Infinity, 2, 1"})
    void rejectsNonFiniteValuesNamingRowAndColumn(double bad, int row, int column) throws IOException {
        ByteBuffer data = littleEndian(3 * 3 * 8);
        for (int index = 0; index < 9; index++) {
            data.putDouble(index == row * 3 + column ? bad : index);
        }
        Path file = npy("nan.npy", 1, header("<f8", "(3, 3)"), data.array());
        assertFails(file, String.valueOf(bad), "row " + row + ", column " + column, "finite");
        ByteBuffer half = littleEndian(2).putShort((short) 0x7e00);
        assertFails(npy("nanhalf.npy", 1, header("<f2", "(1, 1)"), half.array()), "NaN", "row 0, column 0");
    }

    @Test
    void rejectsMissingFile() {
        assertFails(dir.resolve("absent.npy"), "no such file");
    }

    @Test
    void writerRejectsBadRequests() {
        Path file = dir.resolve("w.npy");
        assertFails(file, () -> Npy.write(file, new double[][] {{1}}, "<f2"), "dtype '<f2'", "'<f4', '<f8'");
        assertFails(file, () -> Npy.write(file, new double[0][], "<f4"), "no rows");
        assertFails(file, () -> Npy.write(file, new double[][] {{}}, "<f4"), "no columns");
        assertFails(file, () -> Npy.write(file, new double[][] {{1, 2}, {3}}, "<f4"), "ragged", "row 1");
        assertFails(file, () -> Npy.write(file, new double[][] {{1, 2}, {3, Double.NaN}}, "<f8"), "NaN",
                "row 1, column 1");
        assertFails(file, () -> Npy.write(file, new double[][] {{1e39}}, "<f4"), "'<f4'", "'<f8' instead");
        assertFalse(Files.exists(file));
    }

    // ---- helpers ----

    /** A header as numpy writes it for a C-ordered array, without the trailing alignment spaces. */
    private static String header(String descr, String shape) {
        return "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }\n";
    }

    private Path npy(String name, int majorVersion, String header, byte[] data) throws IOException {
        byte[] headerBytes = header.getBytes(StandardCharsets.ISO_8859_1);
        int lengthBytes = majorVersion == 1 ? 2 : 4;
        ByteBuffer bytes = littleEndian(MAGIC.length + 2 + lengthBytes + headerBytes.length + data.length);
        bytes.put(MAGIC).put((byte) majorVersion).put((byte) 0);
        if (majorVersion == 1) {
            bytes.putShort((short) headerBytes.length);
        } else {
            bytes.putInt(headerBytes.length);
        }
        bytes.put(headerBytes).put(data);
        Path file = dir.resolve(name);
        Files.write(file, bytes.array());
        return file;
    }

    private static ByteBuffer littleEndian(int capacity) {
        return ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void assertFails(Path file, String... fragments) {
        assertFails(file, () -> Npy.read(file), fragments);
    }

    private static void assertFails(Path file, Runnable action, String... fragments) {
        EsegenException error = assertThrows(EsegenException.class, action::run);
        String message = error.getMessage();
        assertTrue(message.contains(file.getFileName().toString()), () -> "no file name in: " + message);
        for (String fragment : fragments) {
            assertTrue(message.contains(fragment), () -> "'" + fragment + "' not in: " + message);
        }
    }
}
