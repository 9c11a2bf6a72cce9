package org.esegen.hdl;

import java.nio.file.Path;

import org.esegen.circulant.CirculantModel;
import org.esegen.rnn.CellKind;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * CirculantLayer under Icarus against {@link CirculantModel}: a block-circulant layer (sizes I and P not
 * multiples of b) compiled for the circulant engine, its weight words, bias and peephole words loaded, then
 * the frames of a synthetic utterance per channel (1 to 4 channels) offered with random stalls on every
 * stream; every y_t block of every channel must equal the golden model's y_t (lanes past P zero), frame
 * after frame, for lstmp, lstm and gru ({@link CirculantLayerCosim}).
 */
class CirculantLayerTest {
    private static final long SEED = Long.getLong("esegen.seed", 20_261_203L);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}, b = {1}, I = {2}, H = {3}, P = {4}, {5} + {6} lanes, {7} % stalls, {8} channels,"
            + " DSP accumulate {9}")
    @CsvSource({"lstmp, 4, 13, 16, 10, 2, 1, 0, 1, false", "lstmp, 8, 20, 32, 12, 4, 2, 30, 2, false",
            "lstm, 4, 9, 16, 16, 1, 1, 20, 1, false", "gru, 8, 11, 16, 16, 4, 1, 0, 3, false",
            "gru, 2, 5, 8, 8, 2, 1, 30, 1, false", "lstmp, 2, 7, 8, 5, 4, 2, 10, 4, false",
            "lstmp, 8, 20, 32, 12, 4, 2, 30, 2, true", "gru, 4, 11, 16, 16, 2, 1, 20, 3, true"})
    void everyOutputBlockIsTheGoldenModels(String cellName, int block, int inputSize, int hidden, int proj,
                                           int gateLanes, int projLanes, int stallPercent, int channels,
                                           boolean dspAccumulate) throws Exception {
        CirculantLayerCosim.run(dir, new CirculantLayerCosim.Case(CellKind.parse(cellName, "cell"), block, inputSize,
                hidden, proj, 64, gateLanes, projLanes, stallPercent, 9, channels, 16, 16, 11, 16, 1.0,
                SEED + 100L * block + inputSize + hidden, dspAccumulate), false);
    }

    /**
     * The ESE benchmark's shape (153 / 1024 / 512 lstmp with peepholes, synthetic weights projected onto b x b
     * circulant blocks, 16-bit spectra and activations, C-LSTM's operating point) under Verilator: 10 frames
     * bit-exact in every channel, and the cycles a frame.
     */
    @Tag("long")
    @ParameterizedTest(name = "ESE shape, b = {0}, {1} + {2} lanes, {3} channels, DSP accumulate {4}")
    @CsvSource({"8, 16, 8, 1, false", "16, 8, 4, 1, false", "8, 16, 8, 4, false", "16, 8, 4, 2, true"})
    void eseShapedLayerUnderVerilator(int block, int gateLanes, int projLanes, int channels, boolean dspAccumulate)
            throws Exception {
        CirculantLayerCosim.run(dir, new CirculantLayerCosim.Case(CellKind.LSTMP, block, 153, 1024, 512, 1024, gateLanes,
                projLanes, 0, 10, channels, 16, 16, 11, 16, 1.0, SEED + 100L * block + 153 + 1024, dspAccumulate), true);
    }

}
