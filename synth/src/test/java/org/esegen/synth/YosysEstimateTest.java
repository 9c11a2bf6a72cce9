package org.esegen.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.esegen.EsegenException;
import org.esegen.hdl.spinal.VerilogEmitter;
import org.esegen.hdl.units.AccumulatorLane;
import org.esegen.hdl.units.PeSequencer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** YosysEstimate on small designs: plausible counts, a named deepest path, and the ltp parser. */
class YosysEstimateTest {
    @TempDir
    Path dir;

    @Test
    void peWithAMacCountsADspLutsFlipFlopsAndANamedRegisterToRegisterPath() throws Exception {
        Tools.assumeOnPath("yosys");
        List<Path> verilog = VerilogEmitter.emit(dir.resolve("rtl"), "PeSequencer",
                () -> new PeSequencer(1, 12, 4, 16, 32, 64, 16, 16, 8, 64, 1, AccumulatorLane.Mac.FABRIC, 0));

        YosysEstimate estimate = YosysEstimate.run(verilog, "PeSequencer", dir.resolve("yosys"));

        Resources total = estimate.total();
        assertTrue(total.dsp() >= 1, "the 12x16 multiply maps to a DSP48E2: " + total);
        assertTrue(total.lut() > 0 && total.ff() > 0, total.toString());
        assertTrue(estimate.percentOfDevice().dsp() > 0, estimate.percentOfDevice().toString());
        Resources sum = estimate.modules().stream().map(YosysEstimate.ModuleUsage::total)
                .reduce(Resources.NONE, Resources::plus);
        assertEquals(total, sum, "module totals add up to the design's");
        YosysEstimate.ModuleUsage mac = estimate.modules().stream()
                .filter(m -> m.module().equals("AccumulatorLane")).findFirst().orElseThrow();
        assertEquals(1, mac.instances());
        assertTrue(mac.perInstance().dsp() >= 1, mac.toString());

        LogicPath path = estimate.deepestPath();
        assertTrue(path.levels() > 0 && path.lutLevels() > 0 && path.lutLevels() <= path.levels(), path.toString());
        assertTrue(path.registerToRegister(), path.toString());
        assertFalse(path.start().net().isBlank(), path.toString());
        assertFalse(path.end().net().isBlank(), path.toString());
        assertFalse(path.end().cell().isBlank(), "the capturing flip-flop is named: " + path);
        assertEquals(path.levels() + 1, path.steps().size());
        String log = Files.readString(Path.of(estimate.log()));
        assertFalse(log.contains("Detected loop"), "flip-flops are skipped, so ltp sees no loop");

        YosysEstimate countsOnly = YosysEstimate.run(verilog, "PeSequencer", dir.resolve("yosys-counts"), false);
        assertEquals(total, countsOnly.total(), "the same counts without the flattened depth half");
        assertTrue(countsOnly.deepestPath() == null, "no depth was asked for");
        assertFalse(Files.readString(dir.resolve("yosys-counts").resolve(YosysEstimate.SCRIPT)).contains("flatten"));
    }

    @Test
    void lutRamReadIsOneLevelOfTheRegisterToRegisterPathAndItsWriteSideIsSequential() throws Exception {
        Tools.assumeOnPath("yosys");
        Path verilog = Path.of(getClass().getResource("/synth/LutRamPath.v").toURI());

        YosysEstimate estimate = YosysEstimate.run(List.of(verilog), "LutRamPath", dir);

        assertTrue(estimate.total().lutMemory() > 0, "the memory maps to LUT RAM: " + estimate.total());
        LogicPath path = estimate.deepestPath();
        assertTrue(path.start().net().startsWith("raddr"), "starts at the read counter: " + path);
        assertTrue(path.end().net().startsWith("q"), "ends at the accumulator: " + path);
        assertTrue(path.registerToRegister(), path.toString());
        String log = Files.readString(Path.of(estimate.log()));
        assertFalse(log.contains("Detected loop"), "the LUT RAM write side does not loop back: " + path);
    }

    @Test
    void ltpOutputWithAFlipFlopLineNamesTheCapturingRegister() {
        List<String> ltp = List.of(
                "5. Executing LTP pass (find longest path).",
                "",
                "Longest topological path in Top (length=3):",
                "    0: \\a.counter [3]",
                "    1: $flatten\\a.$sum [3] (via \\$ltp_lut$7)",
                "    2: $flatten\\a.$carry.CO [3] (via $flatten\\a.$carry4$2)",
                "    3: $techmap5$ff.inputs [2] (via $techmap5$ff.ltp_endpoint_buffer)",
                "   ff: $iopadmap$total [3] (via $flatten\\b.$auto$ff.cc:266:slice$9)");

        LogicPath path = YosysEstimate.parsePath(ltp, Set.of("in", "out"));

        assertEquals(2, path.levels());
        assertEquals(1, path.lutLevels());
        assertEquals(new LogicPath.Endpoint("a.counter [3]", "", LogicPath.EndpointKind.SEQUENTIAL), path.start());
        assertEquals("total [3]", path.end().net());
        assertEquals("$flatten\\b.$auto$ff.cc:266:slice$9", path.end().cell());
        assertTrue(path.registerToRegister());
    }

    @Test
    void ltpOutputEndingAtAPortIsNotRegisterToRegister() {
        List<String> ltp = List.of("Longest topological path in Top (length=2):",
                "    0: \\in [0]",
                "    1: $iopadmap$out [0] (via \\$ltp_lut$1)",
                "    2: \\out [0] (via $iopadmap$Top.out_0)");

        LogicPath path = YosysEstimate.parsePath(ltp, Set.of("in", "out"));

        assertEquals(LogicPath.EndpointKind.PORT, path.start().kind());
        assertEquals(new LogicPath.Endpoint("out [0]", "", LogicPath.EndpointKind.PORT), path.end());
        assertEquals(1, path.levels());
        assertEquals(List.of(new LogicPath.Step("in [0]", ""), new LogicPath.Step("out [0]", "$ltp_lut$1")),
                path.steps());
        assertFalse(path.registerToRegister());
    }

    @Test
    void ltpOutputWithoutAPathIsNullAndAnInconsistentOneFails() {
        assertNull(YosysEstimate.parsePath(List.of("Longest topological path in Top (length=0):", "    0: \\a [0]"),
                Set.of()));
        List<String> truncated = List.of("Longest topological path in Top (length=3):", "    0: \\a [0]");
        assertThrows(EsegenException.class, () -> YosysEstimate.parsePath(truncated, Set.of()));
    }

    @Test
    void missingSourceFailsClearly() {
        EsegenException e = assertThrows(EsegenException.class,
                () -> YosysEstimate.run(List.of(dir.resolve("nope.v")), "Top", dir));
        assertTrue(e.getMessage().contains("nope.v"), e.getMessage());
    }
}
