package org.esegen.hdl;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

import org.esegen.compile.LaneRows;
import org.esegen.config.Presets;
import org.esegen.hdl.spinal.VerilogEmitter;
import org.esegen.hdl.units.ChunkPacker;
import org.esegen.hdl.units.CirculantEngine;
import org.esegen.hdl.units.CirculantLayer;
import org.esegen.hdl.units.ColumnBroadcaster;
import org.esegen.hdl.units.DeltaEngine;
import org.esegen.hdl.units.DeltaLayer;
import org.esegen.hdl.units.DeltaSpmv;
import org.esegen.hdl.units.Elementwise;
import org.esegen.hdl.units.EntryDistributor;
import org.esegen.hdl.units.FftUnit;
import org.esegen.hdl.units.InputLoader;
import org.esegen.hdl.units.LookupRom;
import org.esegen.hdl.units.PairSplitter;
import org.esegen.hdl.units.ParamLoader;
import org.esegen.hdl.units.ProjectionGather;
import org.esegen.hdl.units.RowUnpacker;
import org.esegen.hdl.units.SaturatingMac;
import org.esegen.hdl.units.Sequencer;
import org.esegen.hdl.units.UnitsDemoTop;
import spinal.core.Component;

/** The designs the tests emit: each builder once, in the sizes the accelerator uses. */
enum Design {
    LOOKUP_ROM("TanhRom", () -> new LookupRom("TanhRom", Design.tanhTable(12, 6), 12, 6)),
    SATURATING_MAC("SaturatingMac", () -> new SaturatingMac(12, 16, 32)),
    UNITS_DEMO_TOP("UnitsDemoTop", () -> new UnitsDemoTop(Design.tanhTable(12, 4), 12, 4, 16, 32)),
    LAYER_EXERCISE("LayerExercise", LayerExercise::new),
    ROW_UNPACKER("InputRowUnpacker",
            () -> new RowUnpacker("InputRowUnpacker", new LaneRows(64, 12, 64), true)),
    CHUNK_PACKER("ChunkPacker", () -> new ChunkPacker(64, 64, 6)),
    ENTRY_DISTRIBUTOR("EntryDistributor", () -> new EntryDistributor(4, 32)),
    PAIR_SPLITTER("PairSplitter", () -> new PairSplitter(64, 11)),
    COLUMN_BROADCASTER("ColumnBroadcaster", () -> new ColumnBroadcaster(4, 2, 16, 16, 128, 2, 2)),
    PROJECTION_GATHER("ProjectionGather", () -> new ProjectionGather(4, 2, 2, 32, 16, 18, 3, 1)),
    PARAM_LOADER("ParamLoader", () -> new ParamLoader(4, 16, 16)),
    INPUT_LOADER("InputLoader", () -> new InputLoader(2, 16, 64)),
    DELTA_SPMV("DeltaSpmv", () -> new DeltaSpmv(4, 16, 40, 200, 4, 8, 16, 32, 8)),
    FFT_UNIT("FftUnit", () -> new FftUnit(8, 16, 16, false)),
    CIRCULANT_ENGINE("CirculantEngine", () -> new CirculantEngine(8, 16, 16, 16, 20, 64, 4, 2, false)),
    CIRCULANT_LAYER("CirculantLayer", () -> new CirculantLayer(8, 16, 16, 40, 32, 20, 4, 2, true,
            Elementwise.Arithmetic.of(Presets.get("tiny")), false, 2, false)),
    CIRCULANT_GRU_LAYER("CirculantGruLayer", () -> new CirculantLayer(4, 16, 16, 13, 16, 16, 2, 1, false,
            Elementwise.Arithmetic.of(Presets.get("tiny")), true, 1, false)),
    DELTA_ENGINE("DeltaEngine", () -> new DeltaEngine(4, 2, 16, 37, 60, 4, 8, 16, 32, 8)),
    DELTA_LAYER("DeltaLayer", () -> new DeltaLayer(2, 4, 8, 16, 33, 2, 8, 32, 8,
            Elementwise.Arithmetic.of(Presets.get("tiny")), false)),
    DELTA_GRU_LAYER("DeltaGruLayer", () -> new DeltaLayer(4, 4, 8, 16, 20, 2, 8, 32, 8,
            Elementwise.Arithmetic.of(Presets.get("tiny")), true)),
    SEQUENCER("Sequencer", () -> new Sequencer(Presets.get("tiny").with("channels", 2)));

    final String topName;
    private final Supplier<Component> top;

    Design(String topName, Supplier<Component> top) {
        this.topName = topName;
        this.top = top;
    }

    List<Path> emit(Path targetDir) {
        return VerilogEmitter.emit(targetDir, topName, top);
    }

    /**
     * round(max * tanh(x)) over x in [-4, 4) for 2^indexBits points, in valueBits signed bits;
     * word 0 is forced to the most negative value so the table spans the full signed range.
     */
    static long[] tanhTable(int valueBits, int indexBits) {
        long max = (1L << (valueBits - 1)) - 1;
        long[] table = new long[1 << indexBits];
        for (int i = 0; i < table.length; i++) {
            double x = -4.0 + 8.0 * i / table.length;
            table[i] = Math.round(max * Math.tanh(x));
        }
        table[0] = -max - 1;
        return table;
    }
}
