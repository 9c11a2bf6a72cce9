package org.esegen.testbench;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.esegen.EsegenException;
import org.esegen.circulant.CirculantModel;
import org.esegen.compile.CompiledModel;
import org.esegen.config.AcceleratorConfig;
import org.esegen.compile.ImageLayout;
import org.esegen.compile.LayerLayout;
import org.esegen.rnn.CellKind;
import org.esegen.compile.Metrics;
import org.esegen.compile.RegisterMap;
import org.esegen.golden.GoldenModel;
import org.esegen.hdl.EseAccelerator;
import org.esegen.hdl.Generator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One co-simulation: the generated Verilog under Verilator, driven by the C++ harness with the
 * compiled image in its DDR model, compared bit for bit with the golden model.
 * The harness only moves data; this class programs the registers (from {@link RegisterMap}),
 * reads the counters back and compares. A stack runs layer after layer, one run over every frame
 * each (layer k reads layer k-1's OUTPUT section), as {@link RegisterMap#programming} describes; the
 * counters are read after each run and summed.
 */
public final class Cosimulation {
    /** Verilog top module name of the accelerator. */
    public static final String TOP = EseAccelerator.NAME;
    /** Bit of STATUS that says done. */
    public static final long STATUS_DONE = 2;

    private Cosimulation() {
    }

    /**
     * The board's DDR model at the accelerator's port width: read latency in cycles, beats per
     * cycle, bursts in flight.
     */
    public record MemoryModel(int readLatency, double readBeatsPerCycle, int maxOutstanding) {
        /**
         * The Alpha Data ADM-PCIE-KU3's DDR3 (harness defaults: 40 cycles, 0.8 beats per cycle, 8
         * bursts): one 512-bit bank for ports up to 512 bits; a 1024-bit port is both banks side by
         * side, one half of every word in each, read in lockstep (the same latency and efficiency,
         * twice the bytes per beat).
         */
        public static final MemoryModel KU3_DDR3 = new MemoryModel(40, 0.8, 8);
    }

    /**
     * Figures of a run.
     *
     * @param bitExact             every output bit equals the golden model's
     * @param mismatch             the first difference, or null
     * @param frames               frames per channel
     * @param cycles               cycles from start to done
     * @param cyclesPerFrame       cycles / frames
     * @param idealCyclesPerFrame  the compiler's stall-free bound ({@code Metrics.idealCyclesPerFrame}:
     *                             padding folded as the PEs do)
     * @param peUtilization        useful MACs (real nonzeros, one channel) / (PEs x cycles)
     * @param ddrStallCycles       DDR_STALL_CYCLES
     * @param queueStallCycles     QUEUE_STALL_CYCLES
     * @param elementwiseCycles    ELEMENTWISE_CYCLES
     * @param recurrentWaitCycles  RECURRENT_WAIT_CYCLES: SpMV 1 waiting for a y_(t-1) not yet gathered
     * @param macCycles            MAC_CYCLES: over all frames and PEs, cycles in which a PE took entries
     * @param buildSeconds         Verilator build time (0 when reused from the cache)
     * @param simSeconds           simulation wall time
     * @param runDirectory         where the run's files are
     * @param cyclesPerLayer       per layer, the cycles of its run
     */
    public record Result(@JsonProperty("bit_exact") boolean bitExact, @JsonProperty("mismatch") String mismatch,
                         @JsonProperty("frames") int frames, @JsonProperty("cycles") long cycles,
                         @JsonProperty("cycles_per_frame") double cyclesPerFrame,
                         @JsonProperty("ideal_cycles_per_frame") long idealCyclesPerFrame,
                         @JsonProperty("pe_utilization") double peUtilization,
                         @JsonProperty("ddr_stall_cycles") long ddrStallCycles,
                         @JsonProperty("queue_stall_cycles") long queueStallCycles,
                         @JsonProperty("elementwise_cycles") long elementwiseCycles,
                         @JsonProperty("recurrent_wait_cycles") long recurrentWaitCycles,
                         @JsonProperty("mac_cycles") long macCycles,
                         @JsonProperty("build_seconds") double buildSeconds,
                         @JsonProperty("sim_seconds") double simSeconds,
                         @JsonProperty("run_directory") String runDirectory,
                         @JsonProperty("cycles_per_layer") List<Long> cyclesPerLayer) {
    }

    /**
     * Build (or reuse) the simulator for the Verilog and run one image through it.
     *
     * @param verilog   generated Verilog files of {@link #TOP}
     * @param compiled  the compiled model the image came from
     * @param image     DDR image
     * @param cacheRoot Verilator build cache
     * @param runDir    folder for this run's files
     * @param memory    DDR model
     * @param trace     write an FST waveform
     */
    public static Result run(List<Path> verilog, CompiledModel compiled, byte[] image, Path cacheRoot, Path runDir,
                             MemoryModel memory, boolean trace) throws IOException, InterruptedException {
        return run(verilog, compiled, image, new GoldenModel(compiled.config(), image).run(true), cacheRoot, runDir,
                memory, trace);
    }

    /**
     * As {@link #run(List, CompiledModel, byte[], Path, Path, MemoryModel, boolean)}, with the golden
     * model's result for this image already at hand (run with traces, for the mismatch report).
     */
    public static Result run(List<Path> verilog, CompiledModel compiled, byte[] image, GoldenModel.Result golden,
                             Path cacheRoot, Path runDir, MemoryModel memory, boolean trace)
            throws IOException, InterruptedException {
        if (compiled.config().deltaEngine()) {
            throw new EsegenException("the delta engine's design (engine=1) runs with thresholds: co-simulate it with "
                    + "Cosimulation.runDelta, e.g. through esegen bench --preset spartus");
        }
        ImageLayout layout = ImageLayout.readHeader(image, "image");
        List<Map<RegisterMap.Register, Long>> programming = new ArrayList<>();
        boolean gruDesign = compiled.config().pe().gru();
        for (int k = 0; k < layout.layerCount(); k++) {
            CellKind cell = layout.layer(k).cell();
            if ((cell == CellKind.GRU) != gruDesign) {
                throw new EsegenException("layer " + k + " is " + cell.cliName() + ", but the design's element-wise units"
                        + " compute " + (gruDesign ? "the GRU cell (gruElementwise = 1); set gruElementwise=0"
                        : "the LSTM cells (gruElementwise = 0); set gruElementwise=1") + " for this model");
            }
            programming.add(RegisterMap.programming(layout, k));
        }
        RegisterScript script = new RegisterScript();
        long maxCycles = 0;
        for (int k = 0; k < layout.layerCount(); k++) {
            LayerLayout layer = layout.layer(k);
            long layerCycles = 1000L + 50L * layout.frames() * (compiled.layout(layout.frames()).totalBytes()
                    + (long) layer.hiddenSize() * 64 + (long) layer.projSize() * 64);
            maxCycles += layerCycles;
            layerRun(script, layout, k, programming.get(k), layerCycles, COUNTERS);
        }
        Simulation sim = simulate(verilog, compiled.config(), image, script, maxCycles, cacheRoot, runDir, memory, trace);
        VerilatorBuild.Result build = sim.build();
        HarnessRun.Result r = sim.harness();
        byte[] actual = sim.memory();
        OutputComparison cmp = OutputComparison.compare(layout, golden.expectedImage(), actual, golden.traces());
        List<Long> perLayer = new ArrayList<>();
        for (int k = 0; k < layout.layerCount(); k++) {
            perLayer.add(counter(r, RegisterMap.CYCLES, k));
        }
        long cycles = perLayer.stream().mapToLong(Long::longValue).sum();
        Metrics metrics = Metrics.of(compiled);
        long ideal = metrics.idealCyclesPerFrame();
        long useful = metrics.nonzeros() * layout.frames();
        return new Result(cmp.bitExact(), cmp.mismatch(), layout.frames(), cycles,
                (double) cycles / layout.frames(), ideal,
                cycles == 0 ? 0 : (double) useful / ((double) compiled.config().pes() * cycles),
                total(r, RegisterMap.DDR_STALL_CYCLES, layout), total(r, RegisterMap.QUEUE_STALL_CYCLES, layout),
                total(r, RegisterMap.ELEMENTWISE_CYCLES, layout), total(r, RegisterMap.RECURRENT_WAIT_CYCLES, layout),
                total(r, RegisterMap.MAC_CYCLES, layout), build.reused() ? 0 : build.buildSeconds(), r.runSeconds(),
                runDir.toString(), perLayer);
    }

    /**
     * Figures of a delta-engine run ({@link #runDelta}): every layer's run summed.
     *
     * @param bitExact        every output bit (every layer's OUTPUT section) equals the golden model's
     * @param mismatch        the first difference, or null
     * @param frames          frames of the run
     * @param cycles          CYCLES, from start to done, over the layers
     * @param storeLoadCycles STORE_LOAD_CYCLES: of those, the cycles before the store and parameters were in
     * @param counters        every counter of {@link #DELTA_COUNTERS} by register name, summed over the layers
     *                        (MAX_FRAME_CYCLES: the largest of the layers')
     * @param cyclesPerLayer  per layer, the cycles of its run
     * @param golden          the golden model's run of the image (per channel the fired fractions)
     * @param buildSeconds    Verilator build time (0 when reused from the cache)
     * @param simSeconds      simulation wall time
     * @param runDirectory    where the run's files are
     */
    public record DeltaRun(boolean bitExact, String mismatch, int frames, long cycles, long storeLoadCycles,
                           Map<String, Long> counters, List<Long> cyclesPerLayer, GoldenModel.DeltaImageResult golden,
                           double buildSeconds, double simSeconds, String runDirectory) {
        /** Cycles a frame once the store is in: (CYCLES - STORE_LOAD_CYCLES) / frames, over the layers. */
        public double cyclesPerFrame() {
            return frames == 0 ? 0 : (double) (cycles - storeLoadCycles) / frames;
        }
    }

    /** The counters of the delta engine's design read back after each layer's run. */
    public static final List<RegisterMap.Register> DELTA_COUNTERS = List.of(RegisterMap.CYCLES,
            RegisterMap.STORE_LOAD_CYCLES, RegisterMap.CELL_STEP_CYCLES, RegisterMap.ENGINE_STALL_CYCLES,
            RegisterMap.DRAIN_CYCLES, RegisterMap.INPUT_WAIT_CYCLES, RegisterMap.OUTPUT_WAIT_CYCLES,
            RegisterMap.FIRED_INPUTS, RegisterMap.FIRED_RECURRENT, RegisterMap.ELEMENTS_SEEN, RegisterMap.MAX_FRAME_CYCLES);

    /**
     * Build (or reuse) the simulator of a delta-engine design ({@code engine = 1}) and run a delta image
     * through it layer after layer with the given thresholds, compared bit for bit with the golden
     * model's delta run ({@link GoldenModel#runDelta(GoldenModel.DeltaThresholds, boolean)}).
     */
    public static DeltaRun runDelta(List<Path> verilog, CompiledModel compiled, byte[] image,
                                    GoldenModel.DeltaThresholds thresholds, Path cacheRoot, Path runDir,
                                    MemoryModel memory, boolean trace) throws IOException, InterruptedException {
        if (!compiled.config().deltaEngine()) {
            throw new EsegenException("a delta co-simulation needs a design with engine=1 (the delta engine)");
        }
        GoldenModel.DeltaImageResult golden = new GoldenModel(compiled.config(), image).runDelta(thresholds, true);
        ImageLayout layout = ImageLayout.readHeader(image, "image");
        RegisterScript script = new RegisterScript();
        long maxCycles = 0;
        for (int k = 0; k < layout.layerCount(); k++) {
            LayerLayout layer = layout.layer(k);
            long layerCycles = 10_000L + 4L * layout.rows(k, org.esegen.compile.Section.WA_ENTRIES)
                    + (long) layout.frames() * (100L * layer.waColumns() + 50L * layer.cellsPerPe(layout.pes()) + 1000);
            maxCycles += layerCycles;
            layerRun(script, layout, k, RegisterMap.deltaProgramming(layout, k, thresholds.input()[k],
                    thresholds.recurrent()[k]), layerCycles, DELTA_COUNTERS);
        }
        Simulation sim = simulate(verilog, compiled.config(), image, script, maxCycles, cacheRoot, runDir, memory, trace);
        OutputComparison cmp = OutputComparison.compare(layout, golden.result().expectedImage(), sim.memory(),
                golden.result().traces());
        Map<String, Long> counters = overLayers(sim.harness(), DELTA_COUNTERS, layout);
        List<Long> perLayer = perLayer(sim.harness(), RegisterMap.CYCLES, layout);
        return new DeltaRun(cmp.bitExact(), cmp.mismatch(), layout.frames(), counters.get(RegisterMap.CYCLES.name()),
                counters.get(RegisterMap.STORE_LOAD_CYCLES.name()), counters, perLayer, golden,
                sim.build().reused() ? 0 : sim.build().buildSeconds(), sim.harness().runSeconds(), runDir.toString());
    }

    /**
     * Figures of a circulant-engine run ({@link #runCirculant}): every layer's run summed.
     *
     * @param bitExact        every output bit (every layer's OUTPUT section) equals the golden model's
     * @param mismatch        the first difference, or null
     * @param frames          frames of the run (each channel's)
     * @param cycles          CYCLES, from start to done, over the layers
     * @param storeLoadCycles STORE_LOAD_CYCLES: of those, the cycles before the spectra and parameters were in
     * @param counters        every counter of {@link #CIRCULANT_COUNTERS} by register name, summed over the layers
     *                        (MAX_FRAME_CYCLES: the largest of the layers')
     * @param cyclesPerLayer  per layer, the cycles of its run
     * @param golden          the golden model's run of the image
     * @param buildSeconds    Verilator build time (0 when reused from the cache)
     * @param simSeconds      simulation wall time
     * @param runDirectory    where the run's files are
     */
    public record CirculantRun(boolean bitExact, String mismatch, int frames, long cycles, long storeLoadCycles,
                               Map<String, Long> counters, List<Long> cyclesPerLayer, CirculantModel.ImageRun golden,
                               double buildSeconds, double simSeconds, String runDirectory) {
        /** Cycles a frame once the spectra are in: (CYCLES - STORE_LOAD_CYCLES) / frames, over the layers. */
        public double cyclesPerFrame() {
            return frames == 0 ? 0 : (double) (cycles - storeLoadCycles) / frames;
        }
    }

    /** The counters of the circulant engine's design read back after each layer's run. */
    public static final List<RegisterMap.Register> CIRCULANT_COUNTERS = List.of(RegisterMap.CYCLES,
            RegisterMap.STORE_LOAD_CYCLES, RegisterMap.CELL_STEP_CYCLES, RegisterMap.GATE_MAC_CYCLES,
            RegisterMap.PROJ_MAC_CYCLES, RegisterMap.MAX_FRAME_CYCLES);

    /**
     * Build (or reuse) the simulator of a circulant-engine design ({@code engine = 2}) and run {@code model}'s
     * image (from {@link CirculantModel#image}) through it layer after layer, compared bit for bit with the golden
     * model's run of the image ({@link CirculantModel#expectedImage}).
     */
    public static CirculantRun runCirculant(List<Path> verilog, CirculantModel model, byte[] image, Path cacheRoot,
                                            Path runDir, MemoryModel memory, boolean trace)
            throws IOException, InterruptedException {
        AcceleratorConfig config = model.config();
        CirculantModel.ImageRun golden = model.expectedImage(image);
        ImageLayout layout = ImageLayout.readHeader(image, "image");
        RegisterScript script = new RegisterScript();
        long maxCycles = 0;
        for (int k = 0; k < layout.layerCount(); k++) {
            LayerLayout layer = layout.layer(k);
            long cells = layer.hiddenSize() / layout.block();
            long columns = layout.blocks(layer.inputSize()) + layout.blocks(layer.projSize());
            long layerCycles = 10_000L + 4L * (layer.waEntryRows() + layer.whrEntryRows())
                    * layout.packing(k, org.esegen.compile.Section.WA_ENTRIES).wordsPerRow()
                    + (long) layout.frames() * (4 * cells * columns + cells * layout.blocks(layer.projSize())
                    + 50 * cells + 4L * layout.channels() * columns + 2000);
            maxCycles += layerCycles;
            layerRun(script, layout, k, RegisterMap.circulantProgramming(layout, k), layerCycles, CIRCULANT_COUNTERS);
        }
        Simulation sim = simulate(verilog, config, image, script, maxCycles, cacheRoot, runDir, memory, trace);
        OutputComparison cmp = OutputComparison.compare(layout, golden.expected(), sim.memory(), List.of());
        Map<String, Long> counters = overLayers(sim.harness(), CIRCULANT_COUNTERS, layout);
        List<Long> perLayer = perLayer(sim.harness(), RegisterMap.CYCLES, layout);
        return new CirculantRun(cmp.bitExact(), cmp.mismatch(), layout.frames(),
                counters.get(RegisterMap.CYCLES.name()), counters.get(RegisterMap.STORE_LOAD_CYCLES.name()), counters,
                perLayer, golden, sim.build().reused() ? 0 : sim.build().buildSeconds(), sim.harness().runSeconds(),
                runDir.toString());
    }

    /** A finished harness run: the build, the harness's result and the memory it left. */
    private record Simulation(VerilatorBuild.Result build, HarnessRun.Result harness, byte[] memory) {
    }

    private static Simulation simulate(List<Path> verilog, AcceleratorConfig config, byte[] image, RegisterScript script,
                                       long maxCycles, Path cacheRoot, Path runDir, MemoryModel memory, boolean trace)
            throws IOException, InterruptedException {
        VerilatorBuild.Result build = VerilatorBuild.of(verilog, Generator.top(config), config.memory().axiDataBits(),
                config.memory().axiAddrBits(), cacheRoot).withFlags("-MAKEFLAGS", "OPT_FAST=-O2").build();
        Files.createDirectories(runDir);
        Path imageFile = runDir.resolve("image.bin");
        Files.write(imageFile, image);
        HarnessRun run = HarnessRun.of(build, runDir).script(script).image(imageFile)
                .dump("memory", 0, image.length).timeoutCycles(maxCycles + 10_000)
                .readLatency(memory.readLatency()).readBeatsPerCycle(memory.readBeatsPerCycle())
                .maxOutstanding(memory.maxOutstanding()).wallClockTimeout(Duration.ofMinutes(60));
        if (trace) {
            run.trace(runDir.resolve("waves.fst"));
        }
        HarnessRun.Result r = run.run();
        if (!r.ok()) {
            throw new EsegenException("co-simulation failed: harness exit " + r.exitCode() + " (" + r.exit().meaning()
                    + "); see " + r.stderrLog() + "\n" + r.stderr());
        }
        return new Simulation(build, r, Files.readAllBytes(r.dumps().get("memory")));
    }

    /**
     * Layer {@code layer}'s run in the script: its register writes (a {@code _BASE} as a LO/HI pair), a
     * start, the wait for done (at most {@code maxCycles}), then {@code counters} read back (LO and HI of
     * a {@code _CYCLES} pair, else the word, as LO).
     */
    private static void layerRun(RegisterScript script, ImageLayout layout, int layer,
                                 Map<RegisterMap.Register, Long> writes, long maxCycles,
                                 List<RegisterMap.Register> counters) {
        script.comment("program the accelerator for layer " + layer + " (" + layout.layer(layer).cell().cliName()
                + "), " + layout.frames() + " frames");
        for (Map.Entry<RegisterMap.Register, Long> w : writes.entrySet()) {
            script.write(w.getKey().offset(), w.getValue() & 0xffffffffL);
            if (w.getKey().name().endsWith("_BASE")) {
                script.write(w.getKey().offset() + 4, w.getValue() >>> 32);
            }
        }
        script.write(RegisterMap.CONTROL.offset(), 3)
                .waitFor(RegisterMap.STATUS.offset(), STATUS_DONE, STATUS_DONE, maxCycles);
        for (RegisterMap.Register r : counters) {
            script.read(r.offset(), counterName(r, layer, "LO"));
            if (r.name().endsWith("CYCLES")) {
                script.read(r.offset() + 4, counterName(r, layer, "HI"));
            }
        }
    }

    /** The counters read back after each layer's run. */
    private static final List<RegisterMap.Register> COUNTERS = List.of(RegisterMap.CYCLES, RegisterMap.DDR_STALL_CYCLES,
            RegisterMap.QUEUE_STALL_CYCLES, RegisterMap.MAC_CYCLES, RegisterMap.ELEMENTWISE_CYCLES,
            RegisterMap.RECURRENT_WAIT_CYCLES);

    private static String counterName(RegisterMap.Register r, int layer, String half) {
        return r.name() + "_L" + layer + "_" + half;
    }

    /**
     * The layer runs' {@code counters} by register name: each summed over the layers, MAX_FRAME_CYCLES the largest
     * of the layers'.
     */
    private static Map<String, Long> overLayers(HarnessRun.Result r, List<RegisterMap.Register> counters,
                                                ImageLayout layout) {
        Map<String, Long> values = new java.util.LinkedHashMap<>();
        for (RegisterMap.Register reg : counters) {
            values.put(reg.name(), reg == RegisterMap.MAX_FRAME_CYCLES ? maximum(r, reg, layout) : total(r, reg, layout));
        }
        return values;
    }

    /** Counter {@code reg} of each layer's run, layer 0 first. */
    private static List<Long> perLayer(HarnessRun.Result r, RegisterMap.Register reg, ImageLayout layout) {
        List<Long> values = new ArrayList<>();
        for (int k = 0; k < layout.layerCount(); k++) {
            values.add(counter(r, reg, k));
        }
        return values;
    }

    private static long total(HarnessRun.Result r, RegisterMap.Register reg, ImageLayout layout) {
        long sum = 0;
        for (int k = 0; k < layout.layerCount(); k++) {
            sum += counter(r, reg, k);
        }
        return sum;
    }

    private static long maximum(HarnessRun.Result r, RegisterMap.Register reg, ImageLayout layout) {
        long max = 0;
        for (int k = 0; k < layout.layerCount(); k++) {
            max = Math.max(max, counter(r, reg, k));
        }
        return max;
    }

    private static long counter(HarnessRun.Result r, RegisterMap.Register reg, int layer) {
        long high = reg.name().endsWith("CYCLES") ? r.register(counterName(reg, layer, "HI")) << 32 : 0;
        return high | r.register(counterName(reg, layer, "LO"));
    }
}
