package org.esegen.testbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;

import org.esegen.EsegenException;
import org.esegen.compile.CompiledModel;
import org.esegen.compile.Compiler;
import org.esegen.config.AcceleratorConfig;
import org.esegen.config.Presets;
import org.esegen.hdl.Generator;
import org.esegen.io.SyntheticSpec;
import org.esegen.prune.PruningMethod;
import org.esegen.quant.Quantizer;
import org.esegen.io.SyntheticModel;
import org.esegen.rnn.CellKind;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every cell and stacks of layers through the generated design, bit for bit against the golden
 * model: an {@code lstm} (its W_hr the identity), stacks of {@code lstmp} and {@code lstm} run layer
 * after layer (layer k reading layer k-1's OUTPUT section), with one cycle count per layer; and
 * {@code gru} stacks on a design built with {@code gruElementwise=1}. A model whose cell the design's
 * element-wise units do not compute is refused by name before anything is built.
 */
class CellsCosimulationTest {
    @BeforeAll
    static void requireVerilator() {
        assumeTrue(VerilatorBuild.verilatorAvailable(), "verilator is not on PATH");
    }

    @ParameterizedTest(name = "{0} channels {1} {2}")
    @CsvSource({"'lstm:11,14,14,0.4,3', 1, ese",
            "'lstmp*2:9,16,7,0.35,4', 2, cbtd",
            "'lstm*3:6,10,10,0.5,5', 1, global",
            "'gru:7,12,12,0.5,6', 2, ese",
            "'gru*2:10,9,9,0.4,7', 1, cbtd"})
    void stacksOfEveryLstmCellAreBitExact(String spec, int channels, String pruning) throws Exception {
        SyntheticSpec s = SyntheticSpec.parse(spec);
        System.out.println("CellsCosimulationTest " + spec + " seed=" + s.seed());
        AcceleratorConfig config = Presets.resolve("tiny", List.of("channels=" + channels, "maxLayers=" + s.layers(),
                "gruElementwise=" + (s.cell() == CellKind.GRU ? 1 : 0)));
        CompiledModel compiled = Compiler.compile(config, s.model(true), PruningMethod.parse(pruning), s.density());
        int frames = 4;
        long[][][] inputs = new long[channels][][];
        for (int ch = 0; ch < channels; ch++) {
            inputs[ch] = Quantizer.quantize(SyntheticModel.frames(frames, s.inputSize(), s.seed() + 1 + ch),
                    config.activationFormat());
        }
        Path run = TestDuts.RUNS.resolve("cells-" + spec.replaceAll("[^a-z0-9]+", "-"));
        Generator.Result rtl = Generator.generate(config, run.resolve("rtl"));
        Cosimulation.Result result = Cosimulation.run(rtl.simulationSources(), compiled, compiled.image(inputs), TestDuts.CACHE,
                run.resolve("run"), Cosimulation.MemoryModel.KU3_DDR3, false);
        System.out.printf("cosim %s: %.1f cycles/frame, per layer %s%n", spec, result.cyclesPerFrame(),
                result.cyclesPerLayer());
        assertTrue(result.bitExact(), result.mismatch());
        assertEquals(s.layers(), result.cyclesPerLayer().size());
        assertEquals(result.cycles(), result.cyclesPerLayer().stream().mapToLong(Long::longValue).sum());
        for (long layerCycles : result.cyclesPerLayer()) {
            assertTrue(layerCycles >= (long) frames * compiled.layer(0).wa().maxCycles() / 4, "layer cycles " + layerCycles);
        }
    }

    @Test
    void aCellTheElementwiseUnitsDoNotComputeIsRefusedByNameBeforeAnythingIsBuilt() {
        SyntheticSpec s = SyntheticSpec.parse("gru:5,8,8");
        AcceleratorConfig config = Presets.get("tiny");
        CompiledModel compiled = Compiler.compile(config, s.model(false), PruningMethod.ESE, 0.5);
        long[][][] inputs = {Quantizer.quantize(SyntheticModel.frames(2, 5, 1), config.activationFormat())};
        Path run = TestDuts.RUNS.resolve("cells-gru-refused");
        String message = assertThrows(EsegenException.class, () -> Cosimulation.run(List.of(), compiled,
                compiled.image(inputs), TestDuts.CACHE, run, Cosimulation.MemoryModel.KU3_DDR3, false)).getMessage();
        assertTrue(message.contains("layer 0 is gru") && message.contains("set gruElementwise=1"), message);
    }
}
