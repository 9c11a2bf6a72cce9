package org.esegen.io;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Jackson, set up once for every JSON file esegen writes or reads: pretty and deterministic for files,
 * one line for {@code --json} on stdout. A number
 * that is not finite (an infinite SNR when the outputs match exactly, say) is written as {@code null},
 * never as the string {@code "Infinity"}, which is no JSON number.
 */
public final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .registerModule(new SimpleModule("finite-numbers")
                    .addSerializer(Double.class, new FiniteOrNull())
                    .addSerializer(double.class, new FiniteOrNull()));

    /** Writes a finite double as a number and anything else as null. */
    private static final class FiniteOrNull extends StdSerializer<Double> {
        FiniteOrNull() {
            super(Double.class);
        }

        @Override
        public void serialize(Double value, JsonGenerator out, SerializerProvider provider) throws IOException {
            if (Double.isFinite(value)) {
                out.writeNumber(value);
            } else {
                out.writeNull();
            }
        }
    }

    private Json() {
    }

    /** The one mapper, for reading JSON (its settings are the writer's). */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Pretty JSON text with a final newline. */
    public static String prettyText(Object value) {
        try {
            return MAPPER.writeValueAsString(value) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
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
