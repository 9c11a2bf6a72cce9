package org.esegen.cli.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.esegen.cli.DesignGenerator;
import org.esegen.prune.PruningMethod;
import org.esegen.testbench.Cosimulation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How the co-simulation stage turns a {@link Cosimulation.Result} into a point's figures, with a
 * stand-in for Verilator (SweepCosimStageTest runs the real one): the figures of a bit-exact run,
 * a run that is not bit-exact failing the point, and the native memory the jobs estimate counts.
 */
class PointRunnerCosimTest {
    @TempDir
    Path dir;

    private static final DesignGenerator ONE_FILE = (config, out) -> {
        Files.createDirectories(out);
        Files.writeString(out.resolve("EseAccelerator.v"), "module EseAccelerator; endmodule\n");
        Files.writeString(out.resolve("filelist.f"), "EseAccelerator.v\n");
    };

    private static SweepSpec spec(boolean cosim, boolean synth, List<Integer> pes) {
        return new SweepSpec(ModelSource.of(null, "12,20,10,0.3,5", null), "tiny", List.of(),
                new Grid(pes, List.of(8), List.of(16), List.of(4), List.of(1), List.of(PruningMethod.ESE)), 2, cosim,
                synth);
    }

    private static Cosimulation.Result result(boolean bitExact, long cycles) {
        return new Cosimulation.Result(bitExact, bitExact ? null : "frame 1, stage y_t, index 3: expected 17, "
                + "actual 18", 2, cycles, cycles / 2.0, 100, 0.5, 30, 50, 12, 7, 400, 1.5, 0.2, "run", java.util.List.of(cycles));
    }

    @Test
    void aBitExactRunFillsTheMeasuredFigures() throws IOException {
        SweepSpec spec = spec(true, false, List.of(2));
        Point p = spec.points().get(0);
        AtomicReference<byte[]> seenImage = new AtomicReference<>();
        PointRunner runner = new PointRunner(spec, java.util.Map.of(org.esegen.rnn.CellKind.LSTMP, spec.model().load()), ONE_FILE, (verilog, compiled, image, run) -> {
            assertEquals(List.of(dir.resolve("p").resolve("rtl").resolve("EseAccelerator.v")), verilog);
            assertEquals(dir.resolve("p").resolve("cosim"), run);
            seenImage.set(image);
            return result(true, 600);
        });
        PointResult r = runner.run(p, dir.resolve("p")).result();
        assertEquals(PointResult.OK, r.status(), r.error());
        assertEquals(List.of("compile+golden", "generate", "cosim"), r.stagesRun());
        assertEquals(Map.of("yosys", "disabled by --no-synth"), r.stagesSkipped());
        assertEquals(Boolean.TRUE, r.bitExact());
        assertEquals(300.0, r.cyclesPerFrame());
        assertEquals(300.0 / p.config().clockMhz(), r.latencyUs(), 1e-12);
        assertEquals(0.5, r.peUtilization());
        assertEquals(15.0, r.ddrStallCyclesPerFrame());
        assertEquals(25.0, r.queueStallCyclesPerFrame());
        // GOPS scale with 1 / latency: measured / ideal = ideal latency / measured latency
        assertEquals(r.idealGopsSparse() * r.idealLatencyUs() / r.latencyUs(), r.gopsSparse(), 1e-9);
        assertEquals(r.idealGopsDenseEquiv() * r.idealLatencyUs() / r.latencyUs(), r.gopsDenseEquiv(), 1e-9);
        assertTrue(r.gopsDenseEquiv() > r.gopsSparse());
        assertEquals(r.latencyUs(), r.bestLatencyUs());
        assertArrayEquals(Files.readAllBytes(dir.resolve("p").resolve("image.bin")), seenImage.get(),
                "co-simulation runs the image compile wrote");
        JsonNode cosim = new ObjectMapper().readTree(dir.resolve("p").resolve("cosim.json").toFile());
        assertTrue(cosim.get("bit_exact").asBoolean());
        assertEquals(600, cosim.get("cycles").asLong());
        assertTrue(Files.readString(dir.resolve("p").resolve("log.txt")).contains("cosim: "));
    }

    @Test
    void aRunThatIsNotBitExactFailsThePointWithTheMismatch() throws IOException {
        SweepSpec spec = spec(true, true, List.of(2));
        PointRunner runner = new PointRunner(spec, java.util.Map.of(org.esegen.rnn.CellKind.LSTMP, spec.model().load()), ONE_FILE,
                (verilog, compiled, image, run) -> result(false, 600));
        PointResult r = runner.run(spec.points().get(0), dir.resolve("p")).result();
        assertEquals(PointResult.FAILED, r.status());
        assertTrue(r.error().startsWith(PointRunner.NOT_BIT_EXACT + "frame 1, stage y_t, index 3: expected 17, "
                + "actual 18"), r.error());
        assertEquals(List.of("compile+golden", "generate"), r.stagesRun(), "neither cosim nor yosys completed");
        assertNull(r.bitExact());
        assertNull(r.lut());
        assertTrue(Files.exists(dir.resolve("p").resolve("cosim.json")), "the mismatching run is kept");
        assertTrue(Files.exists(dir.resolve("p").resolve("result.json")));
        assertTrue(Files.readString(dir.resolve("p").resolve("log.txt")).contains("MISMATCH"));
        String html = Report.html(Map.of(), 1, Shard.ALL, List.of(r), 30);
        assertTrue(html.contains("0 points bit-exact with the golden model, 1 not (p0000-"), html);
    }

    @Test
    void noCosimRecordsTheStageAsSkipped() {
        SweepSpec spec = spec(false, false, List.of(2));
        PointRunner runner = new PointRunner(spec, java.util.Map.of(org.esegen.rnn.CellKind.LSTMP, spec.model().load()), ONE_FILE, (verilog, compiled, image, run) -> {
            throw new AssertionError("co-simulation ran under --no-cosim");
        });
        PointResult r = runner.run(spec.points().get(0), dir.resolve("p")).result();
        assertEquals(PointResult.OK, r.status(), r.error());
        assertEquals("disabled by --no-cosim", r.stagesSkipped().get("cosim"));
        assertNull(r.latencyUs());
        assertEquals(r.idealLatencyUs(), r.bestLatencyUs());
        assertEquals(Map.of("cosim", "not run: no design generator was given to the sweep", "generate",
                "not run: no design generator was given to the sweep", "yosys", "not run: no design generator was "
                        + "given to the sweep"), PointRunner.skippedStages(spec(true, true, List.of(2)), false));
    }

    @Test
    void jobsAreCappedByTheMemoryVerilatorAndYosysNeed() {
        assertEquals(0, Sweep.nativeBytes(spec(false, false, List.of(2, 64)), true));
        assertEquals(0, Sweep.nativeBytes(spec(true, true, List.of(2, 64)), false), "no generator, no tools");
        long small = Sweep.nativeBytes(spec(true, false, List.of(2, 4)), true);
        long large = Sweep.nativeBytes(spec(true, false, List.of(2, 64)), true);
        assertTrue(small > 0 && large > small, small + " " + large);
        assertEquals(large, Sweep.nativeBytes(spec(false, true, List.of(64)), true));
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int jobs = Sweep.chooseJobs(8, 12, 1 << 20, large, large * 3 / 2, new java.io.PrintStream(err, true));
        assertEquals(1, jobs, "1.5 points' worth of memory runs one point");
        assertTrue(err.toString().contains("of Verilator/Yosys per point"), err.toString());
        assertEquals(1, Sweep.chooseJobs(0, 12, 1 << 20, large, 0, System.err), "at least one job");
        assertEquals(Math.min(2, Runtime.getRuntime().availableProcessors()),
                Sweep.chooseJobs(2, 12, 1 << 20, 0, 0, System.err), "nothing native: memory does not cap");
        assertTrue(Sweep.availableMemory() > 0);
    }
}
