package org.esegen.io;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.esegen.EsegenException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reader and writer of the safetensors format (Hugging Face); {@link ModelFile} maps PyTorch's
 * recurrent layers onto it.
 *
 * <p>File layout: an unsigned 64-bit little-endian header length N; N bytes of UTF-8 JSON mapping
 * each tensor name to {@code {"dtype": ..., "shape": [...], "data_offsets": [begin, end]}} plus an
 * optional {@code "__metadata__"} object of string to string; then the data buffer. Offsets count
 * bytes from the start of the data buffer; elements are little-endian, row-major.
 *
 * <p>The reader accepts the real-number dtypes F16, BF16, F32 and F64 and converts every element to
 * double exactly. Like the reference implementation it requires the tensors to tile the data buffer
 * with neither gaps nor overlaps. Fields of a tensor entry other than the three above are ignored,
 * as the reference implementation does. It never allocates more than the file holds: the header
 * length is checked against {@link #MAX_HEADER_BYTES} and the file size before the header is read,
 * and every tensor's offsets are checked against the file before its data is read.
 *
 * <p>The writer is deterministic: tensors sorted by name (UTF-8 byte order) and laid out in that
 * order, metadata keys sorted and placed first, compact JSON, and the header padded with spaces to
 * a multiple of 8 bytes as the reference implementation does. Files are replaced atomically.
 *
 * <p>Every failure is an {@link EsegenException} whose message starts with the file name.
 */
public final class Safetensors {

    /** Largest header accepted, in bytes: 100 MiB. */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    /** Largest element count of one tensor that fits in a Java array. */
    public static final long MAX_TENSOR_ELEMENTS = Integer.MAX_VALUE - 8;

    /** The header key that holds free-form string metadata instead of a tensor. */
    public static final String METADATA_KEY = "__metadata__";

    /**
     * Tensors a trained model carries besides its layer (DESIGN.md section 2): the host's classifier and
     * the feature normalization; {@link ModelFile#read} passes over them, {@code SpeechModel} reads them.
     */
    public static final List<String> MODEL_EXTRAS = List.of("classifier.weight", "classifier.bias",
            "normalization.mean", "normalization.std");

    private static final int LENGTH_PREFIX_BYTES = 8;
    private static final int HEADER_ALIGNMENT = 8;
    private static final int CHUNK_BYTES = 1 << 16;
    private static final int LISTED_NAMES = 12;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** Element types of safetensors that hold real numbers. */
    public enum Dtype {
        /** IEEE 754 binary16 (half precision). */
        F16(2),
        /** bfloat16: the upper 16 bits of a binary32. */
        BF16(2),
        /** IEEE 754 binary32. */
        F32(4),
        /** IEEE 754 binary64. */
        F64(8);

        private final int bytes;

        Dtype(int bytes) {
            this.bytes = bytes;
        }

        /** Bytes per element. */
        public int bytes() {
            return bytes;
        }

        /** True for the dtypes the writer produces (F32, F64). */
        public boolean writable() {
            return this == F32 || this == F64;
        }

        private static Dtype byName(String name) {
            for (Dtype dtype : values()) {
                if (dtype.name().equals(name)) {
                    return dtype;
                }
            }
            return null;
        }
    }

    /**
     * Everything a safetensors file holds.
     *
     * @param tensors  tensors by name, sorted by name, unmodifiable
     * @param metadata the {@code __metadata__} entries, sorted by key, unmodifiable; empty when absent
     */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
        public Contents {
            tensors = Collections.unmodifiableMap(new TreeMap<>(tensors));
            metadata = Collections.unmodifiableMap(new TreeMap<>(metadata));
        }
    }

    /** One tensor's header entry, validated on its own. */
    private record Entry(String name, Dtype dtype, long[] shape, long elements, long begin, long end) {
        String offsetsText() {
            return "[" + begin + ", " + end + "]";
        }
    }

    private Safetensors() {
    }

    /**
     * Reads every tensor and the metadata of a safetensors file.
     *
     * @throws EsegenException naming the file when it is missing, unreadable, truncated, has a header
     *                         that is too long, not UTF-8 or not valid JSON, holds a tensor of a dtype
     *                         other than F16, BF16, F32 or F64, or has data_offsets that are out of range,
     *                         do not match shape times dtype size, overlap, or leave parts of the data
     *                         buffer unused
     */
    public static Contents read(Path file) {
        Binary.requireRegularFileOrMissing(file, "safetensors models");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileBytes = channel.size();
            if (fileBytes < LENGTH_PREFIX_BYTES) {
                throw fail(file, "is " + fileBytes + " bytes long; a safetensors file starts with an 8-byte"
                        + " little-endian header length, so the file is truncated or not a safetensors file");
            }
            long headerBytes = Binary.readBytes(channel, 0, LENGTH_PREFIX_BYTES).getLong(0);
            if (Long.compareUnsigned(headerBytes, MAX_HEADER_BYTES) > 0) {
                throw fail(file, "declares a header length of " + Long.toUnsignedString(headerBytes)
                        + " bytes, over the limit of " + MAX_HEADER_BYTES + " bytes (100 MiB);"
                        + " the file is corrupt or not a safetensors file");
            }
            if (headerBytes > fileBytes - LENGTH_PREFIX_BYTES) {
                throw fail(file, "declares a header length of " + headerBytes + " bytes, beyond the end of the file"
                        + " (only " + (fileBytes - LENGTH_PREFIX_BYTES) + " bytes follow the 8-byte length);"
                        + " the file is truncated or not a safetensors file");
            }
            String header = decodeUtf8(file, Binary.readBytes(channel, LENGTH_PREFIX_BYTES, (int) headerBytes));
            long bufferStart = LENGTH_PREFIX_BYTES + headerBytes;
            Map<String, String> metadata = new TreeMap<>();
            List<Entry> entries = parseHeader(file, header, metadata);
            checkLayout(file, entries, fileBytes - bufferStart);
            Map<String, Tensor> tensors = new TreeMap<>();
            for (Entry entry : entries) {
                double[] data = readElements(channel, bufferStart + entry.begin(), entry.dtype(), (int) entry.elements());
                tensors.put(entry.name(), new Tensor(entry.name(), entry.shape(), data));
            }
            return new Contents(tensors, metadata);
        } catch (NoSuchFileException e) {
            throw new EsegenException(file + ": no such file", e);
        } catch (IOException e) {
            throw new EsegenException(file + ": cannot be read: " + e, e);
        }
    }

    /** Writes tensors without metadata; see {@link #write(Path, Collection, Map, Dtype)}. */
    public static void write(Path file, Collection<Tensor> tensors, Dtype dtype) {
        write(file, tensors, Map.of(), dtype);
    }

    /**
     * Writes tensors and metadata as a safetensors file, every tensor stored as {@code dtype}.
     * The bytes depend only on the arguments (see the class comment). An existing file is replaced
     * atomically.
     *
     * @param metadata written as {@code __metadata__} unless empty
     * @param dtype    F32 or F64; values are rounded to nearest on conversion to F32
     * @throws EsegenException when {@code dtype} is not writable, two tensors share a name, a tensor is
     *                         named {@code __metadata__}, a finite value overflows F32, or the file
     *                         cannot be written
     */
    public static void write(Path file, Collection<Tensor> tensors, Map<String, String> metadata, Dtype dtype) {
        if (!dtype.writable()) {
            throw fail(file, "cannot write dtype " + dtype + "; the writer stores F32 or F64");
        }
        List<Tensor> ordered = new ArrayList<>(tensors);
        ordered.sort(Comparator.comparing(tensor -> tensor.name().getBytes(StandardCharsets.UTF_8),
                Arrays::compareUnsigned));
        for (int index = 0; index < ordered.size(); index++) {
            String name = ordered.get(index).name();
            if (name.equals(METADATA_KEY)) {
                throw fail(file, "cannot write a tensor named '" + METADATA_KEY + "'; that key is reserved for metadata");
            }
            if (index > 0 && name.equals(ordered.get(index - 1).name())) {
                throw fail(file, "cannot write two tensors named '" + name + "'");
            }
            if (dtype == Dtype.F32) {
                requireFitsF32(file, ordered.get(index));
            }
        }
        byte[] header = headerBytes(ordered, metadata, dtype);
        AtomicFiles.write(file, out -> {
            ByteBuffer length = ByteBuffer.allocate(LENGTH_PREFIX_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            out.write(length.putLong(header.length).array());
            out.write(header);
            for (Tensor tensor : ordered) {
                writeElements(out, tensor.data(), dtype);
            }
        });
    }

    private static List<Entry> parseHeader(Path file, String header, Map<String, String> metadata) {
        JsonNode root;
        try {
            root = JSON.readTree(header);
        } catch (JsonProcessingException e) {
            JsonLocation where = e.getLocation();
            String position = where == null ? "" : " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")";
            throw fail(file, "header is not valid JSON: " + e.getOriginalMessage() + position);
        }
        if (root == null || root.isMissingNode()) {
            throw fail(file, "header is empty; expected a JSON object mapping tensor names to their entries");
        }
        if (!root.isObject()) {
            throw fail(file, "header is a JSON " + jsonKind(root)
                    + "; expected a JSON object mapping tensor names to their entries");
        }
        List<Entry> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = root.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getKey().equals(METADATA_KEY)) {
                parseMetadata(file, field.getValue(), metadata);
            } else {
                entries.add(parseEntry(file, field.getKey(), field.getValue()));
            }
        }
        return entries;
    }

    private static void parseMetadata(Path file, JsonNode node, Map<String, String> metadata) {
        if (!node.isObject()) {
            throw fail(file, "header entry \"" + METADATA_KEY + "\" is a JSON " + jsonKind(node)
                    + "; expected an object mapping strings to strings");
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!field.getValue().isTextual()) {
                throw fail(file, "header entry \"" + METADATA_KEY + "\" maps \"" + field.getKey() + "\" to a JSON "
                        + jsonKind(field.getValue()) + "; metadata values must be strings");
            }
            metadata.put(field.getKey(), field.getValue().textValue());
        }
    }

    private static Entry parseEntry(Path file, String name, JsonNode node) {
        String what = "tensor '" + name + "'";
        if (!node.isObject()) {
            throw fail(file, what + " has a header entry that is a JSON " + jsonKind(node)
                    + "; expected an object with \"dtype\", \"shape\" and \"data_offsets\"");
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw fail(file, what + " has no \"dtype\" string; allowed dtypes: " + allowedDtypes());
        }
        Dtype dtype = Dtype.byName(dtypeNode.textValue());
        if (dtype == null) {
            throw fail(file, what + " has dtype \"" + dtypeNode.textValue() + "\", which esegen does not read;"
                    + " allowed dtypes: " + allowedDtypes());
        }
        long[] shape = nonNegativeIntegers(file, what, node.get("shape"), "shape", -1);
        long[] offsets = nonNegativeIntegers(file, what, node.get("data_offsets"), "data_offsets", 2);
        long elements = 1;
        try {
            for (long dimension : shape) {
                elements = Math.multiplyExact(elements, dimension);
            }
            Math.multiplyExact(elements, dtype.bytes());
        } catch (ArithmeticException overflow) {
            throw fail(file, what + " has shape " + Tensor.shapeText(shape) + ", whose size overflows 64 bits");
        }
        return new Entry(name, dtype, shape, elements, offsets[0], offsets[1]);
    }

    private static long[] nonNegativeIntegers(Path file, String what, JsonNode node, String field, int requiredLength) {
        String expected = requiredLength == 2 ? "a list [begin, end] of two non-negative integers"
                : "a list of non-negative integers";
        if (node == null || !node.isArray() || (requiredLength >= 0 && node.size() != requiredLength)) {
            throw fail(file, what + " has " + (node == null ? "no \"" + field + "\"" : "\"" + field + "\": " + node)
                    + "; expected " + expected);
        }
        long[] values = new long[node.size()];
        for (int index = 0; index < values.length; index++) {
            JsonNode element = node.get(index);
            if (!element.isIntegralNumber() || !element.canConvertToLong() || element.longValue() < 0) {
                throw fail(file, what + " has \"" + field + "\": " + node + "; expected " + expected);
            }
            values[index] = element.longValue();
        }
        return values;
    }

    private static void checkLayout(Path file, List<Entry> entries, long bufferBytes) {
        for (Entry entry : entries) {
            String what = "tensor '" + entry.name() + "'";
            if (entry.begin() > entry.end()) {
                throw fail(file, what + " has data_offsets " + entry.offsetsText() + " whose begin lies after its end");
            }
            if (entry.end() > bufferBytes) {
                throw fail(file, what + " has data_offsets " + entry.offsetsText() + ", out of range: the data buffer"
                        + " after the header holds only " + bufferBytes + " bytes; the file is truncated or its header"
                        + " is wrong");
            }
            long needed = entry.elements() * entry.dtype().bytes();
            if (entry.end() - entry.begin() != needed) {
                throw fail(file, what + " has shape " + Tensor.shapeText(entry.shape()) + " and dtype " + entry.dtype()
                        + ", which need " + needed + " bytes, but its data_offsets " + entry.offsetsText() + " span "
                        + (entry.end() - entry.begin()) + " bytes");
            }
            if (entry.elements() > MAX_TENSOR_ELEMENTS) {
                throw fail(file, what + " has " + entry.elements() + " elements; esegen holds at most "
                        + MAX_TENSOR_ELEMENTS + " per tensor");
            }
        }
        List<Entry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long covered = 0;
        Entry previous = null;
        for (Entry entry : byOffset) {
            if (entry.begin() < covered) {
                throw fail(file, "tensor '" + entry.name() + "' has data_offsets " + entry.offsetsText()
                        + ", overlapping tensor '" + previous.name() + "' at " + previous.offsetsText()
                        + "; tensors must not share bytes");
            }
            if (entry.begin() > covered) {
                throw fail(file, "bytes " + covered + " to " + entry.begin() + " of the data buffer (before tensor '"
                        + entry.name() + "') belong to no tensor; safetensors requires the tensors to cover the data"
                        + " buffer without gaps");
            }
            covered = entry.end();
            previous = entry;
        }
        if (covered != bufferBytes) {
            throw fail(file, "bytes " + covered + " to " + bufferBytes + " at the end of the data buffer belong to no"
                    + " tensor; safetensors requires the tensors to cover the data buffer without gaps");
        }
    }

    private static double[] readElements(FileChannel channel, long position, Dtype dtype, int elements)
            throws IOException {
        double[] values = new double[elements];
        int perChunk = CHUNK_BYTES / dtype.bytes();
        ByteBuffer chunk = ByteBuffer.allocate(Math.min(elements, perChunk) * dtype.bytes())
                .order(ByteOrder.LITTLE_ENDIAN);
        int done = 0;
        while (done < elements) {
            int count = Math.min(elements - done, perChunk);
            chunk.clear().limit(count * dtype.bytes());
            Binary.readFully(channel, position + (long) done * dtype.bytes(), chunk);
            chunk.flip();
            for (int index = done; index < done + count; index++) {
                values[index] = switch (dtype) {
                    case F16 -> Binary.halfToDouble(chunk.getShort());
                    case BF16 -> Binary.bfloat16ToDouble(chunk.getShort());
                    case F32 -> chunk.getFloat();
                    case F64 -> chunk.getDouble();
                };
            }
            done += count;
        }
        return values;
    }

    private static String decodeUtf8(Path file, ByteBuffer bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes)
                    .toString();
        } catch (CharacterCodingException e) {
            throw fail(file, "header is not valid UTF-8 (" + e + "); expected UTF-8 JSON");
        }
    }

    private static void requireFitsF32(Path file, Tensor tensor) {
        double[] data = tensor.data();
        for (int index = 0; index < data.length; index++) {
            if (Double.isFinite(data[index]) && Float.isInfinite((float) data[index])) {
                throw fail(file, "cannot write tensor '" + tensor.name() + "' as F32: element " + index + " is "
                        + data[index] + ", beyond the largest F32 (" + Float.MAX_VALUE + "); write F64 instead");
            }
        }
    }

    private static byte[] headerBytes(List<Tensor> ordered, Map<String, String> metadata, Dtype dtype) {
        Map<String, Object> root = new LinkedHashMap<>();
        if (!metadata.isEmpty()) {
            root.put(METADATA_KEY, new TreeMap<>(metadata));
        }
        long offset = 0;
        for (Tensor tensor : ordered) {
            long end = offset + (long) tensor.data().length * dtype.bytes();
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", dtype.name());
            entry.put("shape", tensor.shape());
            entry.put("data_offsets", new long[] {offset, end});
            root.put(tensor.name(), entry);
            offset = end;
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings, numbers and lists always serializes", e);
        }
        int padded = (json.length + HEADER_ALIGNMENT - 1) / HEADER_ALIGNMENT * HEADER_ALIGNMENT;
        byte[] header = Arrays.copyOf(json, padded);
        Arrays.fill(header, json.length, padded, (byte) ' ');
        return header;
    }

    private static void writeElements(OutputStream out, double[] data, Dtype dtype) throws IOException {
        int perChunk = CHUNK_BYTES / dtype.bytes();
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int start = 0; start < data.length; start += perChunk) {
            chunk.clear();
            int stop = Math.min(data.length, start + perChunk);
            for (int index = start; index < stop; index++) {
                if (dtype == Dtype.F32) {
                    chunk.putFloat((float) data[index]);
                } else {
                    chunk.putDouble(data[index]);
                }
            }
            out.write(chunk.array(), 0, chunk.position());
        }
    }

    static Tensor require(Path file, Map<String, Tensor> tensors, String name, String expectedShape) {
        Tensor tensor = tensors.get(name);
        if (tensor == null) {
            throw fail(file, "has no tensor '" + name + "' (expected shape " + expectedShape + "); it holds "
                    + listNames(tensors.keySet()));
        }
        return tensor;
    }

    static void requireRank(Path file, Tensor tensor, int rank, String expectedShape) {
        if (tensor.rank() != rank) {
            throw fail(file, "tensor '" + tensor.name() + "' has shape " + tensor.shapeText() + " (rank "
                    + tensor.rank() + "); expected " + expectedShape + " (rank " + rank + ")");
        }
    }

    static Tensor requireShape(Path file, Map<String, Tensor> tensors, String name, long[] expected,
                                       String symbolicShape, String dimensions) {
        Tensor tensor = require(file, tensors, name, Tensor.shapeText(expected));
        if (!Arrays.equals(tensor.shape(), expected)) {
            throw fail(file, "tensor '" + name + "' has shape " + tensor.shapeText() + "; expected "
                    + Tensor.shapeText(expected) + " = " + symbolicShape + dimensions);
        }
        return tensor;
    }

    private static String listNames(Set<String> names) {
        if (names.isEmpty()) {
            return "no tensors";
        }
        List<String> listed = new ArrayList<>(names).subList(0, Math.min(names.size(), LISTED_NAMES));
        String more = names.size() > LISTED_NAMES ? " and " + (names.size() - LISTED_NAMES) + " more" : "";
        return "tensors " + String.join(", ", listed) + more;
    }

    private static String allowedDtypes() {
        StringBuilder text = new StringBuilder();
        for (Dtype dtype : Dtype.values()) {
            text.append(text.length() == 0 ? "" : ", ").append(dtype.name());
        }
        return text.toString();
    }

    private static String jsonKind(JsonNode node) {
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static EsegenException fail(Path file, String problem) {
        return new EsegenException(file + ": " + problem);
    }
}
