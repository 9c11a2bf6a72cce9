package org.esegen.circulant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;

import org.esegen.EsegenException;
import org.esegen.compile.ImageLayout;
import org.esegen.compile.LaneRows;
import org.esegen.compile.RegisterMap;
import org.esegen.compile.Section;
import org.esegen.config.AcceleratorConfig;
import org.esegen.config.Presets;
import org.esegen.io.SyntheticModel;
import org.esegen.quant.Quantizer;
import org.esegen.rnn.CellKind;
import org.esegen.rnn.LayerStack;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The circulant engine's image ({@link CirculantModel#image}, {@link ImageLayout} at engine 2): the header reads
 * back, every spectrum row holds the stored block the engine expects there (gate rows interleaved by cell
 * block), biases and peepholes sit at unit n = cell mod b, frames interleave the channels block by block, and
 * {@link CirculantModel#expectedImage} fills every layer's OUTPUT rows with what {@link CirculantModel#run} gives
 * each channel; the register programming points at the sections.
 */
class CirculantImageTest {
    private static AcceleratorConfig config(int block, int channels, int layers, boolean gru) {
        return Presets.resolve("ernn", List.of()).with(Map.of("circulantBlock", block, "channels", channels,
                "maxInputSize", 32, "maxHiddenSize", 32, "maxProjSize", 32, "maxLayers", layers, "lutEntries", 256,
                "axiDataBits", 128, "gruElementwise", gru ? 1 : 0));
    }

    @ParameterizedTest(name = "{0} x{1}, b = {2}, {3} channels, seed {4}")
    @CsvSource({"LSTMP, 1, 4, 1, 11", "LSTMP, 2, 8, 3, 12", "GRU, 2, 2, 2, 13", "GRU, 1, 8, 1, 14", "LSTM, 2, 4, 2, 15"})
    void imageHoldsWhatTheEngineReads(CellKind cell, int layers, int block, int channels, long seed) {
        System.out.println("CirculantImageTest seed " + seed);
        AcceleratorConfig cfg = config(block, channels, layers, cell == CellKind.GRU);
        int[] hidden = new int[layers];
        int[] proj = new int[layers];
        java.util.Arrays.fill(hidden, 16);
        java.util.Arrays.fill(proj, cell.hasProjection() ? 11 : 16);
        LayerStack stack = BlockCirculant.project(SyntheticModel.stack(cell, 13, hidden, proj,
                cell == CellKind.LSTMP, seed), block);
        CirculantModel model = CirculantModel.compile(cfg, stack);
        int frames = 3;
        long[][][] x = new long[channels][][];
        for (int ch = 0; ch < channels; ch++) {
            x[ch] = Quantizer.quantize(SyntheticModel.frames(frames, 13, seed + ch), cfg.activationFormat());
        }
        byte[] image = model.image(x);
        ImageLayout layout = ImageLayout.readHeader(image, "image");
        assertEquals(model.layout(frames), layout);
        assertTrue(layout.circulant());
        assertEquals(block, layout.block());
        assertEquals(block, layout.pes(), "the element-wise units");

        for (int k = 0; k < layers; k++) {
            CirculantModel.Layer l = model.layers().get(k);
            int cells = l.hiddenSize() / block;
            LaneRows spectra = layout.packing(k, Section.WA_ENTRIES);
            int cols = l.gates().matrix().colBlocks();
            assertEquals((long) l.gates().matrix().rowBlocks() * cols, layout.rows(k, Section.WA_ENTRIES));
            for (int i = 0; i < l.gates().matrix().rowBlocks(); i++) {
                for (int j = 0; j < cols; j++) {
                    assertEquals(l.gates().storeWord(ImageLayout.circulantGateRowBlock(i, cells), j),
                            row(spectra, image, layout.offset(k, Section.WA_ENTRIES), (long) i * cols + j),
                            "layer " + k + " gate engine row block " + i + ", column block " + j);
                }
            }
            if (l.projection() != null) {
                int pc = l.projection().matrix().colBlocks();
                for (int i = 0; i < l.projection().matrix().rowBlocks(); i++) {
                    for (int j = 0; j < pc; j++) {
                        assertEquals(l.projection().storeWord(i, j), row(spectra, image,
                                layout.offset(k, Section.WHR_ENTRIES), (long) i * pc + j));
                    }
                }
            } else {
                assertEquals(0, layout.rows(k, Section.WHR_ENTRIES));
            }
            LaneRows params = layout.packing(k, Section.BIAS);
            for (int c = 0; c < l.hiddenSize(); c++) {
                for (int g = 0; g < 4; g++) {
                    assertEquals(l.bias()[g * l.hiddenSize() + c], params.getSigned(image,
                            layout.offset(k, Section.BIAS), (long) g * cells + c / block, c % block));
                }
            }
            assertEquals(0, layout.rows(k, Section.WA_POINTERS) + layout.rows(k, Section.WHR_POINTERS));
            Map<RegisterMap.Register, Long> program = RegisterMap.circulantProgramming(layout, k);
            assertEquals(layout.offset(k, Section.WA_ENTRIES), program.get(RegisterMap.WA_ENTRIES_BASE));
            assertEquals((long) cells, program.get(RegisterMap.CELLS_PER_PE));
            assertEquals((long) layout.blocks(l.projSize()), program.get(RegisterMap.PROJ_ROWS_PER_PE));
            assertEquals(k == 0 ? layout.offset(Section.INPUT) : layout.offset(k - 1, Section.OUTPUT),
                    program.get(RegisterMap.INPUT_BASE));
        }

        LaneRows in = layout.packing(Section.INPUT);
        assertEquals(channels * ((13 + block - 1) / block) * block, in.lanes(), "C ceil(I / b) b lanes a frame");
        assertEquals(frames, layout.rows(0, Section.INPUT));
        CirculantModel.ImageRun run = model.expectedImage(image);
        for (int ch = 0; ch < channels; ch++) {
            for (int t = 0; t < frames; t++) {
                for (int i = 0; i < 13; i++) {
                    int lane = ((i / block) * channels + ch) * block + i % block;
                    assertEquals(lane, layout.frameLane(ch, i));
                    assertEquals(x[ch][t][i], in.getSigned(image, layout.offset(Section.INPUT), t, lane));
                }
            }
            long[][] y = model.run(x[ch]);
            assertArrayEquals(y[frames - 1], run.outputs()[layers - 1][ch][frames - 1]);
            LaneRows out = layout.packing(layers - 1, Section.OUTPUT);
            for (int t = 0; t < frames; t++) {
                for (int j = 0; j < y[t].length; j++) {
                    assertEquals(y[t][j], out.getSigned(run.expected(), layout.offset(layers - 1, Section.OUTPUT),
                            layout.frameRow(ch, t), layout.frameLane(ch, j)), "channel " + ch + " frame " + t
                            + " index " + j);
                }
            }
        }
    }

    private static BigInteger row(LaneRows rows, byte[] image, long base, long row) {
        BigInteger word = BigInteger.ZERO;
        for (int lane = 0; lane < rows.lanes(); lane++) {
            word = word.or(BigInteger.valueOf(rows.getUnsigned(image, base, row, lane)).shiftLeft(lane
                    * rows.laneBits()));
        }
        return word;
    }

    @Test
    void refusesWhatTheAcceleratorCannotRun() {
        LayerStack lstm = BlockCirculant.project(SyntheticModel.stack(CellKind.LSTM, 13, new int[] {16},
                new int[] {16}, false, 3), 4);
        EsegenException wrongCell = assertThrows(EsegenException.class,
                () -> CirculantModel.compile(config(4, 1, 1, true), lstm).layout(2));
        assertTrue(wrongCell.getMessage().contains("runs gru layers (gruElementwise = 1"), wrongCell.getMessage());
        EsegenException lstmTooWide = assertThrows(EsegenException.class,
                () -> CirculantModel.compile(config(4, 1, 1, false).with("maxProjSize", 12), lstm).layout(2));
        assertTrue(lstmTooWide.getMessage().contains("P = 16 does not fit the config's maxProjSize = 12"),
                lstmTooWide.getMessage());
        LayerStack odd = BlockCirculant.project(SyntheticModel.stack(CellKind.LSTMP, 13, new int[] {18},
                new int[] {11}, true, 3), 4);
        EsegenException hidden = assertThrows(EsegenException.class,
                () -> CirculantModel.compile(config(4, 1, 1, false), odd).layout(2));
        assertTrue(hidden.getMessage().contains("hidden size 18 is not a multiple of circulantBlock = 4"),
                hidden.getMessage());
        CirculantModel model = CirculantModel.compile(config(4, 2, 1, false), BlockCirculant.project(
                SyntheticModel.stack(CellKind.LSTMP, 13, new int[] {16}, new int[] {11}, true, 3), 4));
        EsegenException channels = assertThrows(EsegenException.class, () -> model.image(new long[1][2][13]));
        assertTrue(channels.getMessage().contains("1 channels of frames given, config has 2"), channels.getMessage());
        CirculantModel narrow = CirculantModel.compile(config(8, 1, 1, false).with("axiDataBits", 64),
                BlockCirculant.project(SyntheticModel.stack(CellKind.LSTMP, 13, new int[] {16}, new int[] {11}, true,
                        3), 8));
        EsegenException words = assertThrows(EsegenException.class, () -> narrow.layout(2));
        assertTrue(words.getMessage().contains("a multiple of circulantBlock x actBits = 128"), words.getMessage());
    }
}
