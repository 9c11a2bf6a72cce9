package org.esegen.cli.sweep;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.esegen.io.Json;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code results.csv}: one header row with the JSON names of {@link PointResult}, one row per point
 * (RFC 4180 quoting). Null figures are empty cells, and so is a number that is not finite (an infinite
 * SNR: null in the JSON too, see {@link Json}); the stages run
 * are joined with {@code ;} and the skipped stages written as {@code stage: reason; ...}.
 */
final class ResultsCsv {
    private static final ObjectMapper MAPPER = Json.mapper();

    private ResultsCsv() {
    }

    /** The CSV text of these results, in the order given. */
    static String format(List<PointResult> results) {
        StringBuilder s = new StringBuilder(String.join(",", COLUMNS)).append('\n');
        for (PointResult r : results) {
            s.append(row(r).stream().map(ResultsCsv::cell).collect(Collectors.joining(","))).append('\n');
        }
        return s.toString();
    }

    /** Column names: the JSON names of {@link PointResult}'s components, in record order. */
    static final List<String> COLUMNS = Arrays.stream(PointResult.class.getRecordComponents())
            .map(c -> c.getAccessor().getAnnotation(JsonProperty.class).value()).toList();

    @SuppressWarnings("unchecked")
    private static List<Object> row(PointResult r) {
        Map<String, Object> m = MAPPER.convertValue(r, Map.class);
        return COLUMNS.stream().map(m::get).toList();
    }

    /** One CSV cell: lists joined with ";", maps as "key: value; ...", quoted when it holds , " or a newline. */
    static String cell(Object v) {
        String text;
        if (v == null) {
            return "";
        } else if (v instanceof List<?> list) {
            text = list.stream().map(String::valueOf).collect(Collectors.joining(";"));
        } else if (v instanceof Map<?, ?> map) {
            text = map.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
                    .collect(Collectors.joining("; "));
        } else {
            text = String.valueOf(v);
        }
        if (text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r")) {
            return '"' + text.replace("\"", "\"\"") + '"';
        }
        return text;
    }
}
