package org.esegen.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.esegen.config.AcceleratorConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * synth_ooc.tcl and build.tcl run under tclsh with stub Vivado commands (src/test/resources/synth/
 * vivado_stubs.tcl) that record their calls: the files read exist, part and top are right, the IP
 * created are the wrapper's, and the exit status follows the slack and DRC the stubs report.
 */
class VivadoScriptsTest {
    @TempDir
    static Path dir;
    static Path ooc;
    static Path xdma;
    static Path jtag;
    static Path sideBySide;

    @BeforeAll
    static void writeFolders() throws IOException {
        ooc = StandIn.vivadoFolder(dir, "ooc", StandIn.config("tiny"), Board.NONE, HostBridge.XDMA);
        xdma = StandIn.vivadoFolder(dir, "ku3-xdma", StandIn.ku3Config(), Board.ADM_PCIE_KU3, HostBridge.XDMA);
        jtag = StandIn.vivadoFolder(dir, "ku3-jtag", StandIn.ku3Config(), Board.ADM_PCIE_KU3, HostBridge.JTAG);
        sideBySide = StandIn.vivadoFolder(dir, "ku3-1024", StandIn.config("tiny", "axiDataBits=1024"),
                Board.ADM_PCIE_KU3, HostBridge.XDMA);
    }

    /** One stubbed run: exit code, output, and the calls in order (command, then arguments). */
    record Run(int exitCode, String output, List<List<String>> calls) {
        List<List<String>> calls(String command) {
            return calls.stream().filter(c -> c.get(0).equals(command)).toList();
        }

        List<Path> filesRead() {
            return calls("READ").stream().map(c -> Path.of(c.get(1))).toList();
        }

        String option(List<String> call, String name) {
            int i = call.indexOf(name);
            return i < 0 ? null : call.get(i + 1);
        }
    }

    static Run run(Path folder, String script, Map<String, String> stubEnvironment, String... tclargs) throws Exception {
        Tools.assumeOnPath("tclsh");
        Path log = Files.createTempFile(dir, "stub-", ".log");
        Map<String, String> environment = new HashMap<>(stubEnvironment);
        environment.put("ESEGEN_STUB_LOG", log.toString());
        List<String> command = new ArrayList<>(List.of("tclsh", stubs().toString(), folder.resolve(script).toString()));
        command.addAll(List.of(tclargs));
        Tools.Result result = Tools.run(dir, environment, command);
        List<List<String>> calls = Files.readAllLines(log).stream().map(l -> List.of(l.split("\t", -1))).toList();
        System.out.printf("%s %s %s: exit %d%n%s", folder.getFileName(), script, stubEnvironment, result.exitCode(),
                result.output());
        return new Run(result.exitCode(), result.output(), calls);
    }

    static Path stubs() throws URISyntaxException {
        return Path.of(VivadoScriptsTest.class.getResource("/synth/vivado_stubs.tcl").toURI());
    }

    static JsonNode json(Path file) throws IOException {
        return new ObjectMapper().readTree(file.toFile());
    }

    static void assertReadsOnlyExistingFilesOfTheFolder(Run run, Path folder) {
        assertFalse(run.filesRead().isEmpty(), "the script reads its sources");
        for (Path file : run.filesRead()) {
            assertTrue(Files.isRegularFile(file), file + " exists");
            assertTrue(file.startsWith(folder.toAbsolutePath().normalize()), file + " lies in the folder: self-contained");
        }
    }

    @Test
    void outOfContextSynthesisReadsTheRtlAndClockAndSynthesizesTheTopForTheKu060() throws Exception {
        Run run = run(ooc, "synth_ooc.tcl", Map.of("ESEGEN_STUB_WNS", "0.250"));

        assertEquals(0, run.exitCode(), run.output());
        assertReadsOnlyExistingFilesOfTheFolder(run, ooc);
        assertEquals(Set.of(ooc.resolve("rtl/EseAccelerator.v").toAbsolutePath().normalize(),
                        ooc.resolve("constraints/esegen_ooc.xdc").toAbsolutePath().normalize()),
                new HashSet<>(run.filesRead()));
        List<String> synth = run.calls("synth_design").get(0);
        assertEquals("out_of_context", run.option(synth, "-mode"));
        assertEquals("xcku060-ffva1156-2-e", run.option(synth, "-part"));
        assertEquals("EseAccelerator", run.option(synth, "-top"));
        assertTrue(run.calls("place_design").isEmpty(), "synthesis only unless impl=1");
        for (String report : List.of("utilization.rpt", "timing_summary.rpt", "logic_levels.rpt", "drc.rpt")) {
            assertTrue(Files.isRegularFile(ooc.resolve("reports/ooc").resolve(report)), report);
        }
        assertTrue(run.calls("report_design_analysis").get(0).contains("-logic_level_distribution"));
        JsonNode results = json(ooc.resolve("reports/ooc/results.json"));
        assertTrue(results.get("passed").asBoolean(), results.toString());
        assertEquals(0.25, results.get("wns_ns").asDouble());
        assertEquals("EseAccelerator", results.get("top").asText());
        assertEquals(200, results.get("clock_mhz").asInt());
        assertEquals(9, results.at("/paths/deepest_of_1000_worst/logic_levels").asInt());
        assertEquals(3, results.at("/cells/dsp").asInt());
    }

    @Test
    void negativeSetupSlackFailsTheRunWithTheReason() throws Exception {
        Run run = run(ooc, "synth_ooc.tcl", Map.of("ESEGEN_STUB_WNS", "-0.125"));

        assertEquals(1, run.exitCode(), run.output());
        assertTrue(run.output().contains("setup slack -0.125 ns is negative"), run.output());
        JsonNode results = json(ooc.resolve("reports/ooc/results.json"));
        assertFalse(results.get("passed").asBoolean());
        assertEquals(-0.125, results.get("wns_ns").asDouble());
    }

    @Test
    void negativeHoldSlackOrNoTimedPathFailsToo() throws Exception {
        assertEquals(1, run(ooc, "synth_ooc.tcl", Map.of("ESEGEN_STUB_WHS", "-0.01")).exitCode());
        Run untimed = run(ooc, "synth_ooc.tcl", Map.of("ESEGEN_STUB_WNS", ""));
        assertEquals(1, untimed.exitCode());
        assertTrue(untimed.output().contains("no timed path"), untimed.output());
    }

    @Test
    void drcErrorsFailExceptUnplacedIoChecksOutOfContext() throws Exception {
        Run error = run(ooc, "synth_ooc.tcl", Map.of("ESEGEN_STUB_DRC", "RPBF-3:Warning,DPIP-1:Error"));
        assertEquals(1, error.exitCode(), error.output());
        assertTrue(error.output().contains("DPIP-1#1"), error.output());

        Run io = run(ooc, "synth_ooc.tcl", Map.of("ESEGEN_STUB_DRC", "UCIO-1:Error,NSTD-1:Error"));
        assertEquals(0, io.exitCode(), io.output());
    }

    @Test
    void unconstrainedPathsAndAnInfiniteSlackCountAsNoTimedPath() throws Exception {
        Run unconstrained = run(ooc, "synth_ooc.tcl", Map.of("ESEGEN_STUB_WNS", "", "ESEGEN_STUB_UNCONSTRAINED", "1"));
        assertEquals(1, unconstrained.exitCode(), unconstrained.output());
        assertTrue(unconstrained.output().contains("no timed path"), unconstrained.output());
        assertTrue(unconstrained.calls("get_timing_paths").stream()
                        .allMatch(call -> call.contains("-no_report_unconstrained")),
                "every timing query leaves unconstrained paths out: " + unconstrained.calls("get_timing_paths"));

        Run infinite = run(ooc, "synth_ooc.tcl", Map.of("ESEGEN_STUB_WNS", "inf"));
        assertEquals(1, infinite.exitCode(), infinite.output());
        assertTrue(infinite.output().contains("no timed path"), infinite.output());
        JsonNode results = json(ooc.resolve("reports/ooc/results.json"));
        assertFalse(results.get("passed").asBoolean());
        assertTrue(results.get("wns_ns").isNull(), "an infinite slack is not written as a number: " + results);
    }

    @Test
    void fatalDrcViolationsFailLikeErrors() throws Exception {
        Run fatal = run(ooc, "synth_ooc.tcl", Map.of("ESEGEN_STUB_DRC", "RTSTAT-1:Fatal"));
        assertEquals(1, fatal.exitCode(), fatal.output());
        assertTrue(fatal.output().contains("RTSTAT-1#1"), fatal.output());
    }

    @Test
    void jtagBuildWritesTheDebugProbesRightAfterOptDesign() throws Exception {
        Run run = run(jtag, "build.tcl", Map.of());
        assertEquals(0, run.exitCode(), run.output());
        List<String> order = run.calls().stream().map(c -> c.get(0))
                .filter(c -> List.of("opt_design", "write_debug_probes", "place_design", "write_bitstream").contains(c))
                .toList();
        assertEquals(List.of("opt_design", "write_debug_probes", "place_design", "write_bitstream"), order);
        assertTrue(run(xdma, "build.tcl", Map.of()).calls("write_debug_probes").isEmpty(), "xdma has no debug cores");
    }

    @Test
    void boardBuildSetsWhatTheReferencesSet() throws Exception {
        Run run = run(xdma, "build.tcl", Map.of());
        assertEquals(0, run.exitCode(), run.output());
        List<String> xdmaIp = ipProperties(run, "esegen_xdma");
        assertEquals("X0Y0", value(xdmaIp, "CONFIG.pcie_blk_locn"));
        assertEquals("GTH_Quad_225", value(xdmaIp, "CONFIG.select_quad"));
        assertEquals("false", value(ipProperties(run, "ddr3_bank1"), "CONFIG.Internal_Vref"));
        long checkpoints = run.calls("set_property").stream()
                .filter(c -> c.contains("GENERATE_SYNTH_CHECKPOINT") && c.contains("true")).count();
        assertEquals(run.calls("create_ip").size(), checkpoints, "an out-of-context checkpoint for every IP");
        int lastCheckpoint = -1;
        int synthIp = -1;
        for (int i = 0; i < run.calls().size(); i++) {
            List<String> call = run.calls().get(i);
            if (call.contains("GENERATE_SYNTH_CHECKPOINT")) {
                lastCheckpoint = i;
            } else if (call.get(0).equals("synth_ip")) {
                synthIp = i;
            }
        }
        assertTrue(lastCheckpoint < synthIp, "set before synth_ip");
    }

    @Test
    void partOverrideAndImplementationOnTheCommandLine() throws Exception {
        Run run = run(ooc, "synth_ooc.tcl", Map.of(), "part=xcku060-ffva1156-1-c", "impl=1");

        assertEquals(0, run.exitCode(), run.output());
        assertEquals("xcku060-ffva1156-1-c", run.option(run.calls("synth_design").get(0), "-part"));
        for (String step : List.of("opt_design", "place_design", "route_design")) {
            assertEquals(1, run.calls(step).size(), step);
        }
        assertTrue(Files.isRegularFile(ooc.resolve("reports/ooc_routed/results.json")));
        assertEquals("xcku060-ffva1156-1-c", json(ooc.resolve("reports/ooc_routed/results.json")).get("part").asText());
    }

    @Test
    void badCommandLineArgumentsExitWithTwo() throws Exception {
        Run unknown = run(ooc, "synth_ooc.tcl", Map.of(), "speed=fast");
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.output().contains("unknown key 'speed'"), unknown.output());
        assertTrue(unknown.calls("synth_design").isEmpty());
        assertEquals(2, run(ooc, "synth_ooc.tcl", Map.of(), "part").exitCode());
    }

    @Test
    void boardBuildWithXdmaCreatesTheWrappersIpAndWritesABitstream() throws Exception {
        assertBoardBuild(xdma, HostBridge.XDMA);
    }

    @Test
    void boardBuildWithJtagCreatesTheWrappersIpAndWritesABitstream() throws Exception {
        assertBoardBuild(jtag, HostBridge.JTAG);
    }

    @Test
    void boardBuildWithBothBanksSideBySideGivesTheCrossbarOneWideSlave() throws Exception {
        AcceleratorConfig config = StandIn.config("tiny", "axiDataBits=1024");
        Run run = assertBoardBuild(sideBySide, HostBridge.XDMA, config);

        List<String> crossbar = ipProperties(run, "esegen_ddr_xbar");
        assertEquals("1", value(crossbar, "CONFIG.NUM_MI"), crossbar.toString());
        assertEquals("1024", value(crossbar, "CONFIG.DATA_WIDTH"));
        assertEquals("34", value(crossbar, "CONFIG.M00_A00_ADDR_WIDTH"));
        assertEquals("1024", value(ipProperties(run, "esegen_host_upsizer"), "CONFIG.MI_DATA_WIDTH"));
        List<String> banked = ipProperties(run(xdma, "build.tcl", Map.of()), "esegen_ddr_xbar");
        assertEquals("2", value(banked, "CONFIG.NUM_MI"), "one bank at a time: a crossbar slave per bank");
        assertEquals("512", value(banked, "CONFIG.DATA_WIDTH"));
    }

    /** The property list build.tcl sets on IP {@code module}. */
    private static List<String> ipProperties(Run run, String module) {
        return run.calls("set_property").stream().filter(call -> call.get(call.size() - 1).contains(module))
                .findFirst().map(call -> List.of(call.get(call.size() - 2).trim().split("\\s+")))
                .orElseThrow(() -> new AssertionError("no set_property on " + module));
    }

    private static String value(List<String> properties, String name) {
        int i = properties.indexOf(name);
        return i < 0 ? null : properties.get(i + 1);
    }

    private static void assertBoardBuild(Path folder, HostBridge host) throws Exception {
        assertBoardBuild(folder, host, StandIn.ku3Config());
    }

    private static Run assertBoardBuild(Path folder, HostBridge host, AcceleratorConfig config) throws Exception {
        Run run = run(folder, "build.tcl", Map.of());

        assertEquals(0, run.exitCode(), run.output());
        assertReadsOnlyExistingFilesOfTheFolder(run, folder);
        Set<Path> read = new HashSet<>(run.filesRead());
        assertTrue(read.contains(folder.resolve("rtl/KU3Top.v").toAbsolutePath().normalize()), read.toString());
        assertTrue(read.contains(folder.resolve("constraints/adm-pcie-ku3.xdc").toAbsolutePath().normalize()));
        assertTrue(read.contains(folder.resolve("constraints/ku3_top.xdc").toAbsolutePath().normalize()));
        assertEquals(host == HostBridge.XDMA,
                read.contains(folder.resolve("constraints/adm-pcie-ku3-pcie.xdc").toAbsolutePath().normalize()));
        assertEquals("xcku060-ffva1156-2-e", run.option(run.calls("create_project").get(0), "-part"));
        List<String> synth = run.calls("synth_design").get(0);
        assertEquals("KU3Top", run.option(synth, "-top"));
        assertEquals("xcku060-ffva1156-2-e", run.option(synth, "-part"));

        Set<String> created = new HashSet<>();
        for (List<String> call : run.calls("create_ip")) {
            created.add(run.option(call, "-module_name"));
        }
        Set<String> instantiated = new HashSet<>(Ku3Top.of(config, host).ipModules());
        assertEquals(instantiated, created, "build.tcl creates exactly the IP KU3Top.v instantiates");
        assertTrue(run.calls("create_ip").stream().filter(c -> "ddr3".equals(run.option(c, "-name"))).count() == 2,
                "one DDR3 controller per bank");
        assertEquals(1, run.calls("route_design").size());
        assertEquals(1, run.calls("write_bitstream").size());
        assertTrue(Files.isRegularFile(folder.resolve("KU3Top.bit")));
        assertTrue(json(folder.resolve("reports/board/results.json")).get("passed").asBoolean());
        return run;
    }

    @Test
    void boardBuildStopsWhenTheWrapperAndTheScriptDisagreeOnTheIp() throws Exception {
        Path folder = StandIn.vivadoFolder(dir, "ku3-drift", StandIn.ku3Config(), Board.ADM_PCIE_KU3, HostBridge.XDMA);
        Files.writeString(folder.resolve("settings.tcl"), "set esegen(ip_modules) [list ddr3_bank0 esegen_renamed]\n",
                java.nio.file.StandardOpenOption.APPEND);

        Run run = run(folder, "build.tcl", Map.of());

        assertEquals(1, run.exitCode(), run.output());
        assertTrue(run.output().contains("KU3Top.v instantiates {ddr3_bank0 esegen_renamed}"), run.output());
        assertTrue(run.calls("synth_ip").isEmpty());
    }

    @Test
    void boardBuildWithNegativeSlackWritesNoBitstream() throws Exception {
        Run run = run(xdma, "build.tcl", Map.of("ESEGEN_STUB_WNS", "-1.5"));

        assertEquals(1, run.exitCode(), run.output());
        assertTrue(run.calls("write_bitstream").isEmpty(), "no bitstream from a design that misses timing");
        assertFalse(json(xdma.resolve("reports/board/results.json")).get("passed").asBoolean());
    }
}
