package org.esegen.hdl;

import static org.esegen.hdl.spinal.Hdl.assign;
import static org.esegen.hdl.spinal.Hdl.inSInt;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.esegen.EsegenException;
import org.esegen.hdl.VerilogText.Port;
import org.esegen.hdl.spinal.JavaComponent;
import org.esegen.hdl.spinal.VerilogEmitter;
import org.esegen.hdl.units.LookupRom;
import org.esegen.hdl.units.SaturatingMac;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class VerilogEmitterTest {
    @TempDir
    Path dir;

    @Test
    void lookupRomHasNamedPortsAndInlinedContents() throws IOException {
        List<Path> files = Design.LOOKUP_ROM.emit(dir);

        assertEquals(List.of(dir.resolve("TanhRom.v")), files);
        try (Stream<Path> written = Files.list(dir)) {
            assertEquals(List.of(dir.resolve("TanhRom.v")), written.toList(), "no .bin or other side files");
        }
        String rom = VerilogText.module(Files.readString(files.get(0)), "TanhRom");
        assertEquals(Map.of(
                "index", new Port("input", 6),
                "value", new Port("output", 12),
                "clk", new Port("input", 1),
                "reset", new Port("input", 1)), VerilogText.ports(rom));
        assertTrue(rom.contains("reg [11:0] words [0:63];"), rom);
        assertTrue(rom.contains("words[0] = 12'b100000000000;"), "word 0 is -2048, inlined:\n" + rom);
        assertTrue(rom.contains("always @(posedge clk)"), "synchronous read:\n" + rom);
    }

    @Test
    void saturatingMacHasNamedPortsAndPipelineRegisters() throws IOException {
        String mac = VerilogText.module(Files.readString(Design.SATURATING_MAC.emit(dir).get(0)), "SaturatingMac");

        assertEquals(Map.of(
                "clear", new Port("input", 1),
                "enable", new Port("input", 1),
                "weight", new Port("input", 12),
                "activation", new Port("input", 16),
                "acc", new Port("output", 32),
                "clk", new Port("input", 1),
                "reset", new Port("input", 1)), VerilogText.ports(mac));
        Map<String, Integer> regs = VerilogText.regs(mac);
        assertEquals(12, regs.get("weight_q"));
        assertEquals(16, regs.get("activation_q"));
        assertEquals(28, regs.get("product"));
        assertEquals(32, regs.get("accumulator"));
        for (String control : List.of("clear_q", "enable_q", "clear_p", "enable_p")) {
            assertEquals(1, regs.get(control), control);
        }
    }

    @Test
    void unitsDemoTopContainsItsChildrenUnderTheirInstanceNames() throws IOException {
        String verilog = Files.readString(Design.UNITS_DEMO_TOP.emit(dir).get(0));
        String top = VerilogText.module(verilog, "UnitsDemoTop");

        assertEquals(List.of("activations_valid", "activations_ready", "activations_payload", "weight_index",
                "clear", "acc", "queue_occupancy", "clk", "reset"), List.copyOf(VerilogText.ports(top).keySet()));
        assertEquals(new Port("output", 1), VerilogText.ports(top).get("activations_ready"));
        assertEquals(new Port("input", 16), VerilogText.ports(top).get("activations_payload"));
        assertTrue(top.contains("StreamFifo activation_queue ("), top);
        assertTrue(top.contains("WeightRom weight_rom ("), top);
        assertTrue(top.contains("SaturatingMac mac ("), top);
        for (String child : List.of("StreamFifo", "WeightRom", "SaturatingMac")) {
            VerilogText.module(verilog, child);
        }
    }

    @ParameterizedTest
    @EnumSource(Design.class)
    void emittingTwiceGivesIdenticalBytes(Design design) throws IOException {
        List<Path> first = design.emit(dir.resolve("first"));
        List<Path> second = design.emit(dir.resolve("second/elsewhere"));

        assertEquals(first.size(), second.size());
        for (int i = 0; i < first.size(); i++) {
            assertArrayEquals(Files.readAllBytes(first.get(i)), Files.readAllBytes(second.get(i)),
                    first.get(i).getFileName() + " differs between two emissions");
        }
        String text = Files.readString(first.get(0));
        assertFalse(text.contains("Git hash"), "no repository hash in the header");
        assertFalse(text.contains("Date"), "no date in the header");
        assertFalse(text.contains(dir.toString()), "no output path in the Verilog");
    }

    @Test
    void aChildNotWrappedInChildFailsWithHierarchyViolation() {
        EsegenException failure = assertThrows(EsegenException.class,
                () -> VerilogEmitter.emit(dir, "Careless", CarelessParent::new));

        assertTrue(failure.getMessage().contains("HIERARCHY VIOLATION"), failure.getMessage());
    }

    /** Constructs a child without {@code child(...)}: the mistake the layer's rules warn about. */
    private static final class CarelessParent extends JavaComponent {
        CarelessParent() {
            super("Careless");
            SaturatingMac mac = new SaturatingMac(4, 4, 8);
            assign(mac.weight, inSInt("weight", 4));
        }
    }

    @Test
    void lookupRomRejectsAWordOutsideItsWidth() {
        long[] table = new long[16];
        table[3] = 2048;

        EsegenException failure = assertThrows(EsegenException.class,
                () -> new LookupRom("Rom", table, 12, 4));

        assertEquals("Rom: word 3 is 2048, outside the 12-bit signed range -2048..2047", failure.getMessage());
    }

    @Test
    void lookupRomRejectsATableOfTheWrongLength() {
        EsegenException failure = assertThrows(EsegenException.class,
                () -> new LookupRom("Rom", new long[10], 12, 4));

        assertEquals("Rom: the table has 10 words; indexBits 4 needs exactly 16", failure.getMessage());
    }

    @Test
    void saturatingMacRejectsAnAccumulatorNarrowerThanAProduct() {
        EsegenException failure = assertThrows(EsegenException.class, () -> new SaturatingMac(12, 16, 27));

        assertEquals("SaturatingMac: accBits 27 is outside 28..62 (weightBits + actBits .. 62)", failure.getMessage());
    }
}
