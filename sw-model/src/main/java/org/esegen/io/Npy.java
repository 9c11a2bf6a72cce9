package org.esegen.io;

import org.esegen.EsegenException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reader and writer of NumPy {@code .npy} files holding one 2-D array of real numbers: input frames
 * (T x I) and output frames (T x P).
 *
 * <p>File layout: the magic {@code \x93NUMPY}, a major and a minor version byte, the header length
 * (unsigned little-endian, 2 bytes in version 1.0, 4 bytes in 2.0 and 3.0), then the header: a Python
 * dict literal {@code {'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }} padded with spaces
 * and ending in a newline, then the elements.
 *
 * <p>The reader accepts versions 1.0, 2.0 and 3.0, the dtypes {@link #READ_DTYPES} (little-endian
 * floats of 2, 4 and 8 bytes, signed integers of 1, 2 and 4 bytes; integers are taken as their
 * value), C order only, exactly two dimensions, each at least 1, and exactly as many data bytes as
 * the shape needs. Every value must be finite. The header length is checked against
 * {@link #MAX_HEADER_BYTES} and the data size against the file size before anything is allocated.
 *
 * <p>The writer produces exactly the bytes {@code numpy.save} writes for a C-ordered array of dtype
 * {@code '<f4'} or {@code '<f8'}: version 1.0, header keys sorted, the spare spaces numpy reserves for
 * growing the first axis, padding to a multiple of 64 bytes and a final newline. Files are replaced
 * atomically.
 *
 * <p>Every failure is an {@link EsegenException} whose message starts with the file name. Row and
 * column numbers in messages count from 0.
 */
public final class Npy {

    /** Dtypes the reader accepts, as numpy spells them in {@code descr}. */
    public static final List<String> READ_DTYPES = List.of("<f4", "<f8", "<f2", "<i2", "<i4", "|i1");

    /** Dtypes the writer produces. */
    public static final List<String> WRITE_DTYPES = List.of("<f4", "<f8");

    /** Longest header accepted, in bytes; a 2-D header is under 200. */
    public static final int MAX_HEADER_BYTES = 65536;

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int VERSION_1_PREFIX_BYTES = MAGIC.length + 2 + 2;
    private static final int VERSION_2_PREFIX_BYTES = MAGIC.length + 2 + 4;
    private static final int ALIGNMENT = 64;
    private static final int GROWTH_AXIS_MAX_DIGITS = 21;
    private static final long MAX_DIMENSION = Integer.MAX_VALUE - 8;
    private static final int CHUNK_BYTES = 1 << 16;
    private static final int QUOTED_HEADER_CHARS = 200;
    private static final Set<String> HEADER_KEYS = Set.of("descr", "fortran_order", "shape");

    private Npy() {
    }

    /**
     * Reads a 2-D array as {@code double[rows][columns]}.
     *
     * @throws EsegenException naming the file when it is missing or unreadable, lacks the magic, has
     *                         an unsupported version, a truncated or malformed header, a dtype outside
     *                         {@link #READ_DTYPES}, Fortran order, a shape that is not 2-D or is empty,
     *                         too few or too many data bytes, or a NaN or infinite value (the message
     *                         gives its row and column)
     */
    public static double[][] read(Path file) {
        Binary.requireRegularFileOrMissing(file, ".npy arrays");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileBytes = channel.size();
            ByteBuffer start = Binary.readBytes(channel, 0, (int) Math.min(fileBytes, VERSION_2_PREFIX_BYTES));
            byte[] head = new byte[Math.min(start.remaining(), MAGIC.length)];
            start.get(0, head);
            if (!Arrays.equals(head, 0, head.length, MAGIC, 0, head.length)) {
                throw fail(file, "is not a NumPy .npy file: it does not start with the magic string \\x93NUMPY");
            }
            if (fileBytes < VERSION_1_PREFIX_BYTES) {
                throw fail(file, "is truncated: " + fileBytes + " bytes, too short for the .npy magic, version and"
                        + " header length");
            }
            int major = start.get(MAGIC.length) & 0xff;
            int minor = start.get(MAGIC.length + 1) & 0xff;
            if (major < 1 || major > 3 || minor != 0) {
                throw fail(file, "has .npy format version " + major + "." + minor + "; esegen reads versions 1.0,"
                        + " 2.0 and 3.0");
            }
            int prefixBytes = major == 1 ? VERSION_1_PREFIX_BYTES : VERSION_2_PREFIX_BYTES;
            if (fileBytes < prefixBytes) {
                throw fail(file, "is truncated: " + fileBytes + " bytes, too short for the header length of"
                        + " .npy version " + major + ".0");
            }
            long headerBytes = major == 1 ? start.getShort(MAGIC.length + 2) & 0xffffL
                    : start.getInt(MAGIC.length + 2) & 0xffffffffL;
            if (headerBytes > MAX_HEADER_BYTES) {
                throw fail(file, "declares a header of " + headerBytes + " bytes, over the limit of " + MAX_HEADER_BYTES
                        + " bytes; the file is corrupt or holds a structured array");
            }
            if (prefixBytes + headerBytes > fileBytes) {
                throw fail(file, "is truncated: it declares a header of " + headerBytes + " bytes but only "
                        + (fileBytes - prefixBytes) + " bytes follow the header length");
            }
            ByteBuffer headerBuffer = Binary.readBytes(channel, prefixBytes, (int) headerBytes);
            String header = (major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1)
                    .decode(headerBuffer).toString();
            Layout layout = parseLayout(file, header);
            long dataStart = prefixBytes + headerBytes;
            long dataBytes;
            try {
                dataBytes = Math.multiplyExact(Math.multiplyExact(layout.rows(), layout.columns()), layout.itemBytes());
            } catch (ArithmeticException overflow) {
                throw fail(file, "has shape " + layout.shapeText() + ", too large to hold");
            }
            long available = fileBytes - dataStart;
            if (available < dataBytes) {
                throw fail(file, "is truncated: shape " + layout.shapeText() + " of dtype '" + layout.descr()
                        + "' needs " + dataBytes + " data bytes but only " + available + " follow the header");
            }
            if (available > dataBytes) {
                throw fail(file, "has " + (available - dataBytes) + " bytes after the data that shape "
                        + layout.shapeText() + " of dtype '" + layout.descr() + "' needs (" + dataBytes
                        + " bytes); the header does not describe the file");
            }
            return readElements(file, channel, dataStart, layout);
        } catch (NoSuchFileException e) {
            throw new EsegenException(file + ": no such file", e);
        } catch (IOException e) {
            throw new EsegenException(file + ": cannot be read: " + e, e);
        }
    }

    /**
     * Writes a 2-D array exactly as {@code numpy.save} would (see the class comment). An existing file
     * is replaced atomically.
     *
     * @param data  at least one row, all rows of the same non-zero length, every value finite
     * @param dtype {@code '<f4'} (values rounded to nearest) or {@code '<f8'}
     * @throws EsegenException naming the file when the dtype is not writable, the array is empty or
     *                         ragged, a value is NaN or infinite or overflows {@code '<f4'}, or the file
     *                         cannot be written
     */
    public static void write(Path file, double[][] data, String dtype) {
        if (!WRITE_DTYPES.contains(dtype)) {
            throw fail(file, "cannot write dtype '" + dtype + "'; esegen writes " + quoted(WRITE_DTYPES));
        }
        if (data.length == 0 || data[0].length == 0) {
            throw fail(file, "cannot write an array with no " + (data.length == 0 ? "rows" : "columns")
                    + "; expected at least one row and one column");
        }
        int columns = data[0].length;
        boolean single = dtype.equals("<f4");
        for (int row = 0; row < data.length; row++) {
            if (data[row].length != columns) {
                throw fail(file, "cannot write a ragged array: row " + row + " has " + data[row].length
                        + " columns but row 0 has " + columns);
            }
            for (int column = 0; column < columns; column++) {
                double value = data[row][column];
                if (!Double.isFinite(value)) {
                    throw fail(file, "cannot write " + value + " at row " + row + ", column " + column
                            + "; values must be finite");
                }
                if (single && Float.isInfinite((float) value)) {
                    throw fail(file, "cannot write " + value + " at row " + row + ", column " + column + " as '<f4':"
                            + " beyond the largest float32 (" + Float.MAX_VALUE + "); write '<f8' instead");
                }
            }
        }
        byte[] header = headerText(dtype, data.length, columns).getBytes(StandardCharsets.ISO_8859_1);
        int itemBytes = single ? 4 : 8;
        AtomicFiles.write(file, out -> {
            ByteBuffer prefix = ByteBuffer.allocate(VERSION_1_PREFIX_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            prefix.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length);
            out.write(prefix.array());
            out.write(header);
            ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (double[] row : data) {
                for (double value : row) {
                    if (chunk.remaining() < itemBytes) {
                        out.write(chunk.array(), 0, chunk.position());
                        chunk.clear();
                    }
                    if (single) {
                        chunk.putFloat((float) value);
                    } else {
                        chunk.putDouble(value);
                    }
                }
            }
            out.write(chunk.array(), 0, chunk.position());
        });
    }

    /**
     * The version 1.0 header text numpy writes for a C-ordered {@code rows x columns} array of
     * {@code descr}: the dict, 21 minus the digits of {@code rows} spare spaces, then spaces and a
     * newline so that magic, version, length and header end on a multiple of 64 bytes (numpy adds a
     * full 64 spaces when the unpadded end is already aligned).
     */
    static String headerText(String descr, int rows, int columns) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + rows + ", " + columns + "), }"
                + " ".repeat(GROWTH_AXIS_MAX_DIGITS - Integer.toString(rows).length());
        int unpadded = VERSION_1_PREFIX_BYTES + dict.length() + 1;
        int padding = ALIGNMENT - unpadded % ALIGNMENT;
        return dict + " ".repeat(padding) + "\n";
    }

    /** What the header says about the data. */
    private record Layout(String descr, int itemBytes, long rows, long columns) {
        String shapeText() {
            return "(" + rows + ", " + columns + ")";
        }

        boolean floating() {
            return descr.charAt(1) == 'f';
        }
    }

    private static Layout parseLayout(Path file, String header) {
        Map<String, Object> dict = new HeaderParser(file, header).document();
        for (String key : dict.keySet()) {
            if (!HEADER_KEYS.contains(key)) {
                throw fail(file, "header has key '" + key + "'; a .npy header holds exactly 'descr', 'fortran_order'"
                        + " and 'shape'");
            }
        }
        for (String key : HEADER_KEYS) {
            if (!dict.containsKey(key)) {
                throw fail(file, "header lacks key '" + key + "'; a .npy header holds exactly 'descr',"
                        + " 'fortran_order' and 'shape'");
            }
        }
        if (!(dict.get("descr") instanceof String descr)) {
            throw fail(file, "has a structured or non-string dtype " + HeaderParser.describe(dict.get("descr"))
                    + "; esegen reads plain arrays of dtype " + quoted(READ_DTYPES));
        }
        if (!READ_DTYPES.contains(descr)) {
            throw fail(file, "has dtype '" + descr + "', which esegen does not read; allowed dtypes: "
                    + quoted(READ_DTYPES) + " (little-endian floats and signed integers)");
        }
        if (!(dict.get("fortran_order") instanceof Boolean fortranOrder)) {
            throw fail(file, "header has 'fortran_order': " + HeaderParser.describe(dict.get("fortran_order"))
                    + "; expected False or True");
        }
        if (fortranOrder) {
            throw fail(file, "is stored in Fortran (column-major) order; esegen reads C (row-major) order only;"
                    + " save it with numpy.save(path, numpy.ascontiguousarray(a))");
        }
        if (!(dict.get("shape") instanceof List<?> shape)) {
            throw fail(file, "header has 'shape': " + HeaderParser.describe(dict.get("shape"))
                    + "; expected a tuple of integers");
        }
        String shapeText = HeaderParser.describe(shape);
        if (shape.size() != 2) {
            throw fail(file, "has shape " + shapeText + " (" + shape.size() + "-D); expected a 2-D array"
                    + " (frames x features)" + (shape.size() == 1 ? ", e.g. a.reshape(1, -1) for a single frame" : ""));
        }
        long rows = (Long) shape.get(0);
        long columns = (Long) shape.get(1);
        if (rows < 1 || columns < 1) {
            String empty = rows == 0 || columns == 0 ? ", which holds no values" : "";
            throw fail(file, "has shape " + shapeText + empty + "; expected at least one row and one column");
        }
        if (rows > MAX_DIMENSION || columns > MAX_DIMENSION) {
            throw fail(file, "has shape " + shapeText + "; esegen holds at most " + MAX_DIMENSION + " rows and"
                    + " columns");
        }
        int itemBytes = Integer.parseInt(descr.substring(2));
        return new Layout(descr, itemBytes, rows, columns);
    }

    private static double[][] readElements(Path file, FileChannel channel, long dataStart, Layout layout)
            throws IOException {
        int rows = (int) layout.rows();
        int columns = (int) layout.columns();
        long dataEnd = dataStart + layout.rows() * layout.columns() * layout.itemBytes();
        double[][] values = new double[rows][columns];
        ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(CHUNK_BYTES, dataEnd - dataStart))
                .order(ByteOrder.LITTLE_ENDIAN);
        chunk.limit(0);
        long position = dataStart;
        for (int row = 0; row < rows; row++) {
            for (int column = 0; column < columns; column++) {
                if (!chunk.hasRemaining()) {
                    chunk.clear().limit((int) Math.min(chunk.capacity(), dataEnd - position));
                    Binary.readFully(channel, position, chunk);
                    position += chunk.limit();
                    chunk.flip();
                }
                double value = switch (layout.descr()) {
                    case "<f2" -> Binary.halfToDouble(chunk.getShort());
                    case "<f4" -> chunk.getFloat();
                    case "<f8" -> chunk.getDouble();
                    case "<i2" -> chunk.getShort();
                    case "<i4" -> chunk.getInt();
                    case "|i1" -> chunk.get();
                    default -> throw new IllegalStateException("dtype " + layout.descr() + " passed validation");
                };
                if (layout.floating() && !Double.isFinite(value)) {
                    throw fail(file, "holds " + value + " at row " + row + ", column " + column
                            + "; values must be finite");
                }
                values[row][column] = value;
            }
        }
        return values;
    }

    /**
     * Parses the Python literal numpy writes as the header: a dict whose keys are strings and whose
     * values are strings, True/False, integers (an old trailing {@code L} allowed) or tuples of
     * integers. Lists (structured dtypes) are parsed so that the caller can reject them by name.
     */
    private static final class HeaderParser {
        private final Path file;
        private final String text;
        private int position;

        HeaderParser(Path file, String text) {
            this.file = file;
            this.text = text;
        }

        Map<String, Object> document() {
            Map<String, Object> dict = dict();
            skipSpaces();
            if (position < text.length()) {
                throw error("unexpected text after the dict");
            }
            return dict;
        }

        /** A header value as Python would print it. */
        static String describe(Object value) {
            if (value instanceof String string) {
                return "'" + string + "'";
            }
            if (value instanceof Boolean flag) {
                return flag ? "True" : "False";
            }
            if (value instanceof StructuredList list) {
                return list.text();
            }
            if (value instanceof List<?> tuple) {
                StringBuilder out = new StringBuilder("(");
                for (int index = 0; index < tuple.size(); index++) {
                    out.append(index == 0 ? "" : ", ").append(tuple.get(index));
                }
                return out.append(tuple.size() == 1 ? ",)" : ")").toString();
            }
            return String.valueOf(value);
        }

        /** A bracketed list, kept as its source text. */
        private record StructuredList(String text) {
        }

        private Map<String, Object> dict() {
            skipSpaces();
            expect('{');
            Map<String, Object> dict = new LinkedHashMap<>();
            while (true) {
                skipSpaces();
                if (peek() == '}') {
                    position++;
                    return dict;
                }
                String key = string();
                skipSpaces();
                expect(':');
                Object value = value();
                if (dict.put(key, value) != null) {
                    throw error("key '" + key + "' appears twice");
                }
                skipSpaces();
                if (peek() == ',') {
                    position++;
                } else if (peek() != '}') {
                    throw error("expected ',' or '}'");
                }
            }
        }

        private Object value() {
            skipSpaces();
            char next = peek();
            if (next == '\'' || next == '"') {
                return string();
            }
            if (next == '(') {
                return tuple();
            }
            if (next == '[') {
                return structuredList();
            }
            if (next == '-' || Character.isDigit(next)) {
                return integer();
            }
            if (text.startsWith("True", position)) {
                position += 4;
                return Boolean.TRUE;
            }
            if (text.startsWith("False", position)) {
                position += 5;
                return Boolean.FALSE;
            }
            throw error("expected a string, True, False, an integer or a tuple");
        }

        private String string() {
            char quote = peek();
            if (quote != '\'' && quote != '"') {
                throw error("expected a quoted string");
            }
            int end = text.indexOf(quote, position + 1);
            if (end < 0) {
                throw error("unterminated string");
            }
            String value = text.substring(position + 1, end);
            if (value.indexOf('\\') >= 0) {
                throw error("escape sequences in strings are not supported");
            }
            position = end + 1;
            return value;
        }

        private List<Long> tuple() {
            expect('(');
            List<Long> values = new ArrayList<>();
            while (true) {
                skipSpaces();
                if (peek() == ')') {
                    position++;
                    return values;
                }
                values.add(integer());
                skipSpaces();
                if (peek() == ',') {
                    position++;
                } else if (peek() != ')') {
                    throw error("expected ',' or ')' in a tuple");
                }
            }
        }

        private StructuredList structuredList() {
            int begin = position;
            int depth = 0;
            do {
                char next = peek();
                if (next == '[') {
                    depth++;
                } else if (next == ']') {
                    depth--;
                }
                position++;
            } while (depth > 0);
            return new StructuredList(text.substring(begin, position));
        }

        private long integer() {
            int begin = position;
            if (peek() == '-') {
                position++;
            }
            while (position < text.length() && Character.isDigit(text.charAt(position))) {
                position++;
            }
            String digits = text.substring(begin, position);
            if (position < text.length() && text.charAt(position) == 'L') {
                position++;
            }
            try {
                return Long.parseLong(digits);
            } catch (NumberFormatException e) {
                position = begin;
                throw error("expected an integer");
            }
        }

        private void skipSpaces() {
            while (position < text.length() && Character.isWhitespace(text.charAt(position))) {
                position++;
            }
        }

        private char peek() {
            if (position >= text.length()) {
                throw error("the header ends too early");
            }
            return text.charAt(position);
        }

        private void expect(char wanted) {
            if (peek() != wanted) {
                throw error("expected '" + wanted + "'");
            }
            position++;
        }

        private EsegenException error(String problem) {
            String shown = text.strip();
            if (shown.length() > QUOTED_HEADER_CHARS) {
                shown = shown.substring(0, QUOTED_HEADER_CHARS) + "...";
            }
            return fail(file, "header is not a valid .npy header: " + problem + " at character " + position
                    + " of \"" + shown + "\"");
        }
    }

    private static String quoted(List<String> dtypes) {
        StringBuilder text = new StringBuilder();
        for (String dtype : dtypes) {
            text.append(text.length() == 0 ? "" : ", ").append('\'').append(dtype).append('\'');
        }
        return text.toString();
    }

    private static EsegenException fail(Path file, String problem) {
        return new EsegenException(file + ": " + problem);
    }
}
