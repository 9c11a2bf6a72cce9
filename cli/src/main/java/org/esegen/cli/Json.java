package org.esegen.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.nio.charset.StandardCharsets;

/** JSON output: pretty and deterministic for files, one line for {@code --json} on stdout. */
public final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {
    }

    /** Pretty JSON bytes with a final newline. */
    public static byte[] pretty(Object value) {
        try {
            return (MAPPER.writeValueAsString(value) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A record or bean as an ordered map of its JSON properties. */
    @SuppressWarnings("unchecked")
    public static java.util.Map<String, Object> toMap(Object value) {
        return MAPPER.convertValue(value, java.util.LinkedHashMap.class);
    }

    /** JSON on one line. */
    public static String line(Object value) {
        try {
            return MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
