package org.esegen.testbench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Runs the harness on a hand-written AXI DMA copy engine. Set -Desegen.seed=N to repeat an image. */
class DmaCopyHarnessTest {
    private static final long MEMORY_BYTES = 256 * 1024;
    private static final int IMAGE_BYTES = 64 * 1024;
    private static final long DESTINATION = 0x20000;
    private static final int CONTROL = 0x00;
    private static final int STATUS = 0x04;
    private static final int SOURCE_LO = 0x08;
    private static final int SOURCE_HI = 0x0C;
    private static final int DESTINATION_LO = 0x10;
    private static final int DESTINATION_HI = 0x14;
    private static final int LENGTH = 0x18;
    private static final int CYCLE_COUNTER = 0x20;

    @BeforeAll
    static void requireVerilator() {
        assumeTrue(VerilatorBuild.verilatorAvailable(), "verilator is not on PATH");
    }

    @ParameterizedTest(name = "D={0}")
    @ValueSource(ints = {64, 512})
    void copiesSourceToDestination(int dataBits) throws Exception {
        long seed = Long.getLong("esegen.seed", new Random().nextLong());
        System.out.printf("DmaCopy D=%d seed=%d%n", dataBits, seed);
        Path runDirectory = TestDuts.RUNS.resolve("copy-D" + dataBits);
        byte[] image = randomImage(runDirectory, seed);
        int beatBytes = dataBits / 8;
        long source = 0x2000 - 7L * beatBytes;
        int beats = 12 * 1024 / beatBytes + 5;

        HarnessRun.Result result = HarnessRun.of(build(dataBits), runDirectory)
                .image(runDirectory.resolve("image.bin"))
                .memoryBytes(MEMORY_BYTES)
                .script(copyScript(source, DESTINATION, beats))
                .dump("destination.bin", DESTINATION, (long) beats * beatBytes)
                .run();

        assertEquals(HarnessExit.OK, result.exit(), () -> TestDuts.stderrOf(result));
        byte[] expected = Arrays.copyOfRange(image, (int) source, (int) source + beats * beatBytes);
        assertArrayEquals(expected, Files.readAllBytes(result.dumps().get("destination.bin")));
        assertEquals(beats, result.register("harness.read_beats"));
        assertEquals(beats, result.register("harness.write_beats"));
        assertTrue(result.register("dma_cycles") > 0);
        assertTrue(result.register("harness.first_interrupt_cycle") > 0);
        System.out.printf("DmaCopy D=%d: %d beats in %d DMA cycles, %d harness cycles, run %.3f s%n",
                dataBits, beats, result.register("dma_cycles"), result.register("harness.cycles"),
                result.runSeconds());

        Path wave = TestDuts.RUNS.resolve("timeout-D" + dataBits).resolve("wave.fst");
        HarnessRun.Result timedOut = HarnessRun.of(build(dataBits), wave.getParent())
                .image(runDirectory.resolve("image.bin"))
                .memoryBytes(MEMORY_BYTES)
                .script(copyScript(source, DESTINATION, beats))
                .timeoutCycles(50)
                .trace(wave)
                .run();
        assertEquals(HarnessExit.TIMEOUT, timedOut.exit(), () -> TestDuts.stderrOf(timedOut));
        assertEquals(50, timedOut.register("harness.cycles"));
        assertTrue(Files.size(wave) > 0);
    }

    @ParameterizedTest(name = "D={0}")
    @ValueSource(ints = {64, 512})
    void readBeyondMemoryIsProtocolViolation(int dataBits) throws Exception {
        Path runDirectory = TestDuts.RUNS.resolve("violation-D" + dataBits);
        randomImage(runDirectory, 1);
        HarnessRun.Result result = HarnessRun.of(build(dataBits), runDirectory)
                .image(runDirectory.resolve("image.bin"))
                .memoryBytes(MEMORY_BYTES)
                .script(copyScript(MEMORY_BYTES - 4L * dataBits / 8, DESTINATION, 64))
                .run();

        assertEquals(HarnessExit.AXI_VIOLATION, result.exit(), () -> TestDuts.stderrOf(result));
        assertTrue(result.stderr().contains("outside the memory"), () -> TestDuts.stderrOf(result));
        assertTrue(result.dumps().isEmpty());
    }

    @Test
    void waitTimeoutAndMissingImageHaveTheirOwnExitCodes() throws Exception {
        Path runDirectory = TestDuts.RUNS.resolve("wait-timeout");
        randomImage(runDirectory, 2);
        HarnessRun.Result waitTimedOut = HarnessRun.of(build(64), runDirectory)
                .image(runDirectory.resolve("image.bin"))
                .script(new RegisterScript().waitFor(STATUS, 1, 1, 200))
                .run();
        assertEquals(HarnessExit.WAIT_TIMEOUT, waitTimedOut.exit(), () -> TestDuts.stderrOf(waitTimedOut));

        HarnessRun.Result missingImage = HarnessRun.of(build(64), TestDuts.RUNS.resolve("missing-image"))
                .image(TestDuts.RUNS.resolve("no-such-image.bin"))
                .script(new RegisterScript().read(STATUS, "status"))
                .run();
        assertEquals(HarnessExit.BAD_ARGUMENTS, missingImage.exit(), () -> TestDuts.stderrOf(missingImage));
    }

    @Test
    void secondBuildIsReusedFromTheCache() throws Exception {
        VerilatorBuild.Result first = build(64);
        VerilatorBuild.Result second = TestDuts.verilatorBuild("DmaCopy", 64).build();
        assertTrue(second.reused());
        assertEquals(first.directory(), second.directory());
    }

    private static RegisterScript copyScript(long source, long destination, int beats) {
        return new RegisterScript()
                .write(SOURCE_LO, source & 0xFFFF_FFFFL)
                .write(SOURCE_HI, source >>> 32)
                .write(DESTINATION_LO, destination & 0xFFFF_FFFFL)
                .write(DESTINATION_HI, destination >>> 32)
                .write(LENGTH, beats)
                .write(CONTROL, 1)
                .waitFor(STATUS, 1, 1, 1_000_000)
                .read(CYCLE_COUNTER, "dma_cycles");
    }

    private static byte[] randomImage(Path runDirectory, long seed) throws IOException {
        byte[] image = new byte[IMAGE_BYTES];
        new Random(seed).nextBytes(image);
        Files.createDirectories(runDirectory);
        Files.write(runDirectory.resolve("image.bin"), image);
        return image;
    }

    private static VerilatorBuild.Result build(int dataBits) {
        return TestDuts.build("DmaCopy", dataBits);
    }
}
