package org.esegen.synth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Yosys 0.23 writes the hierarchy of a design with submodules as text inside {@code stat -json}. */
class YosysStatJsonTest {

    @Test
    void hierarchyTextIsDroppedAndTheJsonParses() throws IOException {
        String raw;
        try (InputStream in = getClass().getResourceAsStream("/yosys/stat-with-hierarchy.json")) {
            raw = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        ObjectMapper mapper = new ObjectMapper();
        assertThrows(IOException.class, () -> mapper.readTree(raw), "the raw file is not JSON");
        JsonNode stat = mapper.readTree(YosysEstimate.withoutHierarchyText(raw));
        assertEquals(10, stat.path("design").path("num_cells_by_type").path("DSP48E2").asLong());
        assertEquals(7792, stat.path("design").path("num_cells_by_type").path("FDRE").asLong());
    }
}
