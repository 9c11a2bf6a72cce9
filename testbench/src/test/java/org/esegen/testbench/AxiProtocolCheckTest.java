package org.esegen.testbench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Drives single, possibly illegal, bursts from the AxiProbe DUT (64-bit data) into the memory model. */
class AxiProtocolCheckTest {
    private static final int DATA_BITS = 64;
    private static final int READ = 1;
    private static final int WRITE = 2;

    @BeforeAll
    static void requireVerilator() {
        assumeTrue(VerilatorBuild.verilatorAvailable(), "verilator is not on PATH");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "crosses-4k,      1, 0x0FF8, 1, 3, 1, 0, crosses a 4 KiB boundary",
        "narrow-size,     1, 0x1000, 0, 2, 1, 0, does not match the 8-byte data bus",
        "fixed-burst,     1, 0x1000, 0, 3, 0, 0, only INCR (1) is supported",
        "unaligned,       1, 0x1004, 0, 3, 1, 0, address not aligned",
        "write-outside,   2, 0x3FFF8, 1, 3, 1, 2, outside the memory",
        "early-wlast,     2, 0x1000, 3, 3, 1, 2, wlast 1 on beat 2 of a 4-beat burst",
        "missing-wlast,   2, 0x1000, 1, 3, 1, 4, wlast 0 on beat 2 of a 2-beat burst",
    })
    void illegalBurstIsProtocolViolation(String name, int control, String address, int len, int size,
                                         int burst, int writeBeats, String message) throws Exception {
        HarnessRun.Result result = HarnessRun.of(TestDuts.build("AxiProbe", DATA_BITS),
                        TestDuts.RUNS.resolve("probe-" + name))
                .memoryBytes(0x40000)
                .script(probeScript(control, Long.decode(address), len, size, burst, writeBeats))
                .run();

        assertEquals(HarnessExit.AXI_VIOLATION, result.exit(), () -> TestDuts.stderrOf(result));
        assertTrue(result.stderr().contains(message), () -> TestDuts.stderrOf(result));
    }

    @Test
    void legalBurstsPass() throws Exception {
        HarnessRun.Result read = HarnessRun.of(TestDuts.build("AxiProbe", DATA_BITS),
                        TestDuts.RUNS.resolve("probe-legal-read"))
                .memoryBytes(0x40000)
                .script(probeScript(READ, 0x1F80, 15, 3, 1, 0))
                .run();
        assertEquals(HarnessExit.OK, read.exit(), () -> TestDuts.stderrOf(read));
        assertEquals(16, read.register("harness.read_beats"));

        HarnessRun.Result write = HarnessRun.of(TestDuts.build("AxiProbe", DATA_BITS),
                        TestDuts.RUNS.resolve("probe-legal-write"))
                .memoryBytes(0x40000)
                .script(probeScript(WRITE, 0x1000, 3, 3, 1, 4))
                .dump("written.bin", 0x1000, 32)
                .run();
        assertEquals(HarnessExit.OK, write.exit(), () -> TestDuts.stderrOf(write));
        byte[] expected = new byte[32];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = (byte) (i / 8);
        }
        assertArrayEquals(expected, Files.readAllBytes(write.dumps().get("written.bin")));
    }

    private static RegisterScript probeScript(int control, long address, int len, int size, int burst,
                                              int writeBeats) {
        return new RegisterScript()
                .write(0x08, address)
                .write(0x10, len)
                .write(0x14, size)
                .write(0x18, burst)
                .write(0x1C, writeBeats)
                .write(0x00, control)
                .waitFor(0x04, 1, 1, 10_000);
    }
}
