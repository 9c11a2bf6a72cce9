package org.esegen.hdl;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.esegen.hdl.spinal.VerilogEmitter;
import org.esegen.hdl.units.LookupRom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checks that Yosys maps the units to the UltraScale primitives they are shaped for. */
class YosysSynthesisTest {
    @TempDir
    Path dir;

    @Test
    void macMultiplyOf12By16BitsMapsToADsp48e2() throws Exception {
        Tools.assumeOnPath("yosys");
        Path verilog = Design.SATURATING_MAC.emit(dir).get(0);

        String stat = synthesize(verilog, "SaturatingMac");

        assertTrue(cellCount(stat, "DSP48E2") >= 1, stat);
    }

    @Test
    void lookupRomOf1024WordsMapsToBlockRam() throws Exception {
        Tools.assumeOnPath("yosys");
        long[] table = new long[1024];
        for (int i = 0; i < table.length; i++) {
            table[i] = (i * 7919L) % 65536 - 32768;
        }
        Path verilog = VerilogEmitter.emit(dir, "BigRom", () -> new LookupRom("BigRom", table, 16, 10)).get(0);

        String stat = synthesize(verilog, "BigRom");

        assertTrue(cellCount(stat, "RAMB18E2") + cellCount(stat, "RAMB36E2") >= 1, stat);
    }

    private String synthesize(Path verilog, String top) throws Exception {
        Tools.runOk(dir, "yosys", "-q", "-p",
                "read_verilog " + verilog + "; synth_xilinx -family xcu -top " + top + "; tee -q -o stat.txt stat");
        return Files.readString(dir.resolve("stat.txt"));
    }

    private static int cellCount(String stat, String cell) {
        Matcher count = Pattern.compile("(?m)^\\s+" + cell + "\\s+(\\d+)\\s*$").matcher(stat);
        return count.find() ? Integer.parseInt(count.group(1)) : 0;
    }
}
