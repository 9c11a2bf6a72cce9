package org.esegen.testbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.esegen.compile.CompiledModel;
import org.esegen.compile.Compiler;
import org.esegen.config.AcceleratorConfig;
import org.esegen.config.Presets;
import org.esegen.hdl.Generator;
import org.esegen.io.SyntheticModel;
import org.esegen.prune.PruningMethod;
import org.esegen.quant.Quantizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The generated EseAccelerator of the tiny preset, end to end: a seeded synthetic LSTMP compiled
 * into an image, run by {@link Cosimulation} under Verilator and compared bit for bit with the
 * golden model. The shapes cover sizes that are not multiples of N, several channels, every
 * pruning method, and a configuration whose lanes straddle DDR words (12-bit activations, 11-bit
 * entries and two-word pointer rows on a 32-bit bus, 3 PEs, shallow queues); the counters must
 * be consistent with the run. Two cases broadcast two columns a cycle ({@code broadcastColumns=2}).
 */
class EseAcceleratorCosimulationTest {
    @BeforeAll
    static void requireVerilator() {
        assumeTrue(VerilatorBuild.verilatorAvailable(), "verilator is not on PATH");
    }

    @ParameterizedTest(name = "I={0} H={1} P={2} T={3} C={4} {5} density {6} seed {7} {8}")
    @CsvSource({"16, 32, 16, 3, 1, ese, 0.3, 1, ''",
            "13, 30, 11, 4, 2, global, 0.25, 7, pesPerElementwise=2 gatherLanes=4 broadcastColumns=2",
            "5, 9, 3, 5, 1, cbtd, 0.6, 11, pesPerElementwise=4 gatherLanes=2 broadcastColumns=2",
            "16, 32, 16, 4, 2, ese, 0.3, 3, weightStore=1 onchipEntries=2048",
            "16, 40, 16, 3, 2, ese, 0.3, 13, pesPerChannel=8 pesPerElementwise=2 actQueueDepth=32",
            "16, 32, 16, 4, 3, ese, 0.5, 9, dspAccumulate=1 weightStore=1 onchipEntries=4096 broadcastColumns=2 "
                    + "accumulatorBramChannels=2",
            "13, 22, 10, 4, 2, ese, 0.4, 5, actBits=12 actFracBits=8 weightBits=8 indexBits=3 ptrBits=10 "
                    + "axiDataBits=32 accBits=24 entryFifoDepth=32 actQueueDepth=2 pesPerChannel=3 "
                    + "pesPerElementwise=2 gatherLanes=2"})
    void outputsAreBitExactWithTheGoldenModel(int inputSize, int hiddenSize, int projSize, int frames, int channels,
                                              String pruning, double density, long seed, String settings)
            throws Exception {
        List<String> overrides = new ArrayList<>(List.of("channels=" + channels));
        if (!settings.isBlank()) {
            overrides.addAll(List.of(settings.trim().split("\\s+")));
        }
        AcceleratorConfig config = Presets.resolve("tiny", overrides);
        CompiledModel compiled = Compiler.compile(config,
                SyntheticModel.generate(inputSize, hiddenSize, projSize, true, seed), PruningMethod.parse(pruning),
                density);
        long[][][] inputs = new long[channels][][];
        for (int ch = 0; ch < channels; ch++) {
            inputs[ch] = Quantizer.quantize(SyntheticModel.frames(frames, inputSize, seed + 1 + ch),
                    config.activationFormat());
        }
        String name = "I" + inputSize + "-H" + hiddenSize + "-P" + projSize + "-T" + frames + "-C" + channels
                + (settings.isBlank() ? "" : "-" + Integer.toHexString(settings.hashCode()));
        Path run = TestDuts.RUNS.resolve("cosim-" + name);
        Generator.Result rtl = Generator.generate(config, run.resolve("rtl"));

        Cosimulation.Result result = Cosimulation.run(rtl.simulationSources(), compiled, compiled.image(inputs), TestDuts.CACHE,
                run.resolve("run"), Cosimulation.MemoryModel.KU3_DDR3, false);

        System.out.printf("cosim %s: %.1f cycles/frame (ideal %d), DDR stall %d, queue stall %d%n", name,
                result.cyclesPerFrame(), result.idealCyclesPerFrame(), result.ddrStallCycles(),
                result.queueStallCycles());
        assertTrue(result.bitExact(), result.mismatch());
        assertEquals(frames, result.frames());
        assertTrue(result.cyclesPerFrame() >= result.idealCyclesPerFrame(),
                "no run beats the busiest PE's entry count: " + result);
        assertTrue(result.elementwiseCycles() < result.cycles(), result.toString());
        long twinCycles = compiled.layer(0).wa().totalCycles() + compiled.layer(0).whr().totalCycles();
        long storedEntries = compiled.layer(0).wa().totalEntries() + compiled.layer(0).whr().totalEntries();
        assertTrue(result.macCycles() >= frames * twinCycles && result.macCycles() <= frames * storedEntries,
                "MAC_CYCLES " + result.macCycles() + " outside the PE timing twin's " + frames * twinCycles
                        + " (padding folded) .. one per stored entry " + frames * storedEntries);
    }
}
