package org.esegen.compile;


import org.esegen.config.AcceleratorConfig;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The accelerator's AXI4-Lite control registers: defined here once, exported in {@code params.json}
 * and read by hdl-gen (the register block) and the testbench (register programming).
 * All registers are 32 bits; 64-bit values are LO/HI pairs (LO at the offset, HI at offset + 4).
 * Offsets are bytes. Every RW register resets to 0 (so does the interrupt enable); a write honours
 * the byte strobes. A start while busy is ignored. Section base addresses must be multiples of the
 * AXI data word (axiDataBits / 8 bytes); the compiler places every section on a 4 KiB boundary.
 */
public final class RegisterMap {
    private RegisterMap() {
    }

    /** Access kinds. */
    public enum Access { RW, RO, W1C }

    /**
     * One register.
     *
     * @param name        upper-case name
     * @param offset      byte offset
     * @param access      RW, RO or W1C (write one to clear)
     * @param description what it holds, in which unit
     */
    public record Register(String name, int offset, Access access, String description) {
    }

    /** Address bits of the AXI4-Lite port. */
    public static final int ADDRESS_BITS = 12;
    /** Value of the read-only ID register: "ESEG". */
    public static final int ID_VALUE = ImageLayout.MAGIC;

    public static final Register CONTROL = new Register("CONTROL", 0x00, Access.RW,
            "bit 0 start: write 1 to start a run (reads back 0; ignored while STATUS.busy); bit 1 interrupt enable "
                    + "(reset 0)");
    public static final Register STATUS = new Register("STATUS", 0x04, Access.RO,
            "bit 0 busy; bit 1 done: the last frame's outputs are written (cleared by start)");
    public static final Register INTERRUPT_STATUS = new Register("INTERRUPT_STATUS", 0x08, Access.W1C,
            "bit 0 done interrupt pending; write 1 to clear; the interrupt line is this bit AND enable");
    public static final Register ID = new Register("ID", 0x0C, Access.RO, "0x47455345 ('ESEG')");
    public static final Register INPUT_SIZE = new Register("INPUT_SIZE", 0x10, Access.RW, "I");
    public static final Register HIDDEN_SIZE = new Register("HIDDEN_SIZE", 0x14, Access.RW, "H");
    public static final Register PROJ_SIZE = new Register("PROJ_SIZE", 0x18, Access.RW, "P");
    public static final Register FRAME_COUNT = new Register("FRAME_COUNT", 0x1C, Access.RW, "T, frames per channel; 0 loads the "
            + "biases and peepholes, zeroes the cell state and finishes (done) without computing or writing a frame");
    public static final Register WA_FRAC_BITS = new Register("WA_FRAC_BITS", 0x20, Access.RW,
            "weight fractional bits of W_a (right shift of its accumulators)");
    public static final Register WHR_FRAC_BITS = new Register("WHR_FRAC_BITS", 0x24, Access.RW,
            "weight fractional bits of W_hr");
    public static final Register WA_ENTRY_ROWS = new Register("WA_ENTRY_ROWS", 0x28, Access.RW,
            "rows of section WA_ENTRIES (entry pairs: half the busiest PE's entries, rounded up)");
    public static final Register WHR_ENTRY_ROWS = new Register("WHR_ENTRY_ROWS", 0x2C, Access.RW,
            "rows of section WHR_ENTRIES");
    public static final Register CELLS_PER_PE = new Register("CELLS_PER_PE", 0x30, Access.RW, "ceil(H / N)");
    public static final Register PROJ_ROWS_PER_PE = new Register("PROJ_ROWS_PER_PE", 0x34, Access.RW, "ceil(P / N)");
    public static final Register WA_POINTERS_BASE = new Register("WA_POINTERS_BASE", 0x40, Access.RW,
            "byte address of section WA_POINTERS (LO; HI at +4), a multiple of axiDataBits / 8");
    public static final Register WA_ENTRIES_BASE = new Register("WA_ENTRIES_BASE", 0x48, Access.RW,
            "byte address of section WA_ENTRIES (LO; HI at +4)");
    public static final Register WHR_POINTERS_BASE = new Register("WHR_POINTERS_BASE", 0x50, Access.RW,
            "byte address of section WHR_POINTERS (LO; HI at +4)");
    public static final Register WHR_ENTRIES_BASE = new Register("WHR_ENTRIES_BASE", 0x58, Access.RW,
            "byte address of section WHR_ENTRIES (LO; HI at +4)");
    public static final Register BIAS_BASE = new Register("BIAS_BASE", 0x60, Access.RW,
            "byte address of section BIAS (LO; HI at +4)");
    public static final Register PEEPHOLES_BASE = new Register("PEEPHOLES_BASE", 0x68, Access.RW,
            "byte address of section PEEPHOLES (LO; HI at +4)");
    public static final Register INPUT_BASE = new Register("INPUT_BASE", 0x70, Access.RW,
            "byte address of section INPUT (LO; HI at +4)");
    public static final Register OUTPUT_BASE = new Register("OUTPUT_BASE", 0x78, Access.RW,
            "byte address of section OUTPUT (LO; HI at +4)");
    public static final Register CYCLES = new Register("CYCLES", 0x100, Access.RO,
            "clock cycles from start to done (LO; HI at +4)");
    public static final Register DDR_STALL_CYCLES = new Register("DDR_STALL_CYCLES", 0x108, Access.RO,
            "cycles a PE array waited for weight or pointer data from DDR (LO; HI at +4)");
    public static final Register QUEUE_STALL_CYCLES = new Register("QUEUE_STALL_CYCLES", 0x110, Access.RO,
            "cycles the column broadcast waited for a full activation queue (LO; HI at +4)");
    public static final Register MAC_CYCLES = new Register("MAC_CYCLES", 0x118, Access.RO,
            "sum over PEs of cycles in which the PE took entries (one, or padding folded with the next) (LO; HI at +4)");
    public static final Register ELEMENTWISE_CYCLES = new Register("ELEMENTWISE_CYCLES", 0x120, Access.RO,
            "cycles in which SpMV 2 waits for an m the element-wise step has not written yet (its tail) (LO; HI at +4)");
    public static final Register RECURRENT_WAIT_CYCLES = new Register("RECURRENT_WAIT_CYCLES", 0x128, Access.RO,
            "cycles in which SpMV 1 waits for a y_(t-1) the gather has not written yet (LO; HI at +4)");

    public static final Register THRESHOLD_X = new Register("THRESHOLD_X", 0x80, Access.RW,
            "delta engine: threshold of the layer's input columns, raw activation format, at least 1 (theta_x on "
                    + "layer 0, theta_h above)");
    public static final Register THRESHOLD_H = new Register("THRESHOLD_H", 0x84, Access.RW,
            "delta engine: threshold of the layer's recurrent columns h_(t-1), raw activation format, at least 1");
    public static final Register ENTRIES_PER_COLUMN = new Register("ENTRIES_PER_COLUMN", 0x88, Access.RW,
            "delta engine: K, W_a's entries of every column in every PE's rows");
    public static final Register ARRAY_WORDS = new Register("ARRAY_WORDS", 0x8C, Access.RW,
            "delta engine: store words of each array, ceil((I + H) / A) K (section WA_ENTRIES holds A of them)");
    public static final Register STORE_LOAD_CYCLES = new Register("STORE_LOAD_CYCLES", 0x130, Access.RO,
            "delta and circulant engines: cycles from start until the weight store and the biases are loaded (LO; "
                    + "HI at +4)");
    public static final Register CELL_STEP_CYCLES = new Register("CELL_STEP_CYCLES", 0x138, Access.RO,
            "delta and circulant engines: cycles of the element-wise cell steps (LO; HI at +4)");
    public static final Register ENGINE_STALL_CYCLES = new Register("ENGINE_STALL_CYCLES", 0x140, Access.RO,
            "delta engine: cycles a group of columns waited for the engine's full FIFOs (LO; HI at +4)");
    public static final Register DRAIN_CYCLES = new Register("DRAIN_CYCLES", 0x148, Access.RO,
            "delta engine: cycles with every column of a frame in and the MACs still working (LO; HI at +4)");
    public static final Register INPUT_WAIT_CYCLES = new Register("INPUT_WAIT_CYCLES", 0x150, Access.RO,
            "delta engine: cycles x_t was wanted and DDR had not delivered it (LO; HI at +4)");
    public static final Register OUTPUT_WAIT_CYCLES = new Register("OUTPUT_WAIT_CYCLES", 0x158, Access.RO,
            "delta engine: cycles the read-out waited for the cell step's next cell (LO; HI at +4)");
    public static final Register MAX_FRAME_CYCLES = new Register("MAX_FRAME_CYCLES", 0x170, Access.RO,
            "delta and circulant engines: the most cycles between two frames' last outputs (the first frame's counted from the "
                    + "store and parameters in) (LO; HI at +4)");
    public static final Register FIRED_INPUTS = new Register("FIRED_INPUTS", 0x160, Access.RO,
            "delta engine: input columns fired in the run");
    public static final Register FIRED_RECURRENT = new Register("FIRED_RECURRENT", 0x164, Access.RO,
            "delta engine: recurrent columns fired in the run");
    public static final Register ELEMENTS_SEEN = new Register("ELEMENTS_SEEN", 0x168, Access.RO,
            "delta engine: columns the delta units compared in the run");

    public static final Register GATE_MAC_CYCLES = new Register("GATE_MAC_CYCLES", 0x178, Access.RO,
            "circulant engine: cycles the gate engine's lanes took a column block (LO; HI at +4)");
    public static final Register PROJ_MAC_CYCLES = new Register("PROJ_MAC_CYCLES", 0x180, Access.RO,
            "circulant engine: cycles the projection engine's lanes took a column block (LO; HI at +4)");

    /** Every register in offset order. */
    public static final List<Register> ALL = List.of(CONTROL, STATUS, INTERRUPT_STATUS, ID, INPUT_SIZE, HIDDEN_SIZE,
            PROJ_SIZE, FRAME_COUNT, WA_FRAC_BITS, WHR_FRAC_BITS, WA_ENTRY_ROWS, WHR_ENTRY_ROWS, CELLS_PER_PE,
            PROJ_ROWS_PER_PE, WA_POINTERS_BASE, WA_ENTRIES_BASE,
            WHR_POINTERS_BASE, WHR_ENTRIES_BASE, BIAS_BASE, PEEPHOLES_BASE, INPUT_BASE, OUTPUT_BASE, CYCLES,
            DDR_STALL_CYCLES, QUEUE_STALL_CYCLES, MAC_CYCLES, ELEMENTWISE_CYCLES, RECURRENT_WAIT_CYCLES);

    /** The registers of the delta engine's design ({@code engine} = 1), in offset order. */
    public static final List<Register> DELTA = List.of(CONTROL, STATUS, INTERRUPT_STATUS, ID, INPUT_SIZE, HIDDEN_SIZE,
            FRAME_COUNT, WA_FRAC_BITS, CELLS_PER_PE, WA_ENTRIES_BASE, BIAS_BASE, PEEPHOLES_BASE, INPUT_BASE, OUTPUT_BASE,
            THRESHOLD_X, THRESHOLD_H, ENTRIES_PER_COLUMN, ARRAY_WORDS, CYCLES, STORE_LOAD_CYCLES, CELL_STEP_CYCLES,
            ENGINE_STALL_CYCLES, DRAIN_CYCLES, INPUT_WAIT_CYCLES, OUTPUT_WAIT_CYCLES, FIRED_INPUTS, FIRED_RECURRENT,
            ELEMENTS_SEEN, MAX_FRAME_CYCLES);

    /**
     * The registers of the circulant engine's design ({@code engine} = 2), in offset order. There WA_FRAC_BITS and
     * WHR_FRAC_BITS are the spectra's binary points G (the engines shift by G - log2 b), WA_ENTRY_ROWS and
     * WHR_ENTRY_ROWS count stored blocks (a row each), CELLS_PER_PE is H / b and PROJ_ROWS_PER_PE ceil(P / b).
     */
    public static final List<Register> CIRCULANT = List.of(CONTROL, STATUS, INTERRUPT_STATUS, ID, INPUT_SIZE,
            HIDDEN_SIZE, PROJ_SIZE, FRAME_COUNT, WA_FRAC_BITS, WHR_FRAC_BITS, WA_ENTRY_ROWS, WHR_ENTRY_ROWS, CELLS_PER_PE,
            PROJ_ROWS_PER_PE, WA_ENTRIES_BASE, WHR_ENTRIES_BASE, BIAS_BASE, PEEPHOLES_BASE, INPUT_BASE, OUTPUT_BASE,
            CYCLES, STORE_LOAD_CYCLES, CELL_STEP_CYCLES, MAX_FRAME_CYCLES, GATE_MAC_CYCLES, PROJ_MAC_CYCLES);

    /**
     * The registers of a design of engine {@code engine} (the config's field): {@link #ALL}, {@link #DELTA} or
     * {@link #CIRCULANT}.
     */
    public static List<Register> forEngine(int engine) {
        return switch (engine) {
            case AcceleratorConfig.DELTA_ENGINE -> DELTA;
            case AcceleratorConfig.CIRCULANT_ENGINE -> CIRCULANT;
            default -> ALL;
        };
    }

    /**
     * The values to write before the start of layer {@code layer}'s run of a circulant image (the circulant
     * engine's design): {@link #programming}'s, without the pointer sections it has none of (its N is b, so
     * CELLS_PER_PE is H / b and PROJ_ROWS_PER_PE ceil(P / b)).
     */
    public static Map<Register, Long> circulantProgramming(ImageLayout layout, int layer) {
        Map<Register, Long> w = programming(layout, layer);
        w.keySet().retainAll(CIRCULANT);
        return w;
    }

    /**
     * The values to write before the start of layer {@code layer}'s run of a delta image (the delta
     * engine's design), with the layer's raw thresholds; as {@link #programming} for a stack.
     */
    public static Map<Register, Long> deltaProgramming(ImageLayout layout, int layer, long inputThreshold,
                                                       long recurrentThreshold) {
        LayerLayout l = layout.layer(layer);
        Map<Register, Long> w = new LinkedHashMap<>();
        w.put(INPUT_SIZE, (long) l.inputSize());
        w.put(HIDDEN_SIZE, (long) l.hiddenSize());
        w.put(FRAME_COUNT, (long) layout.frames());
        w.put(WA_FRAC_BITS, (long) l.waFracBits());
        w.put(CELLS_PER_PE, (long) l.cellsPerPe(layout.pes()));
        w.put(ENTRIES_PER_COLUMN, (long) l.k());
        w.put(ARRAY_WORDS, (long) l.deltaArrayWords(layout.arrays()));
        w.put(THRESHOLD_X, inputThreshold);
        w.put(THRESHOLD_H, recurrentThreshold);
        w.put(WA_ENTRIES_BASE, layout.offset(layer, Section.WA_ENTRIES));
        w.put(BIAS_BASE, layout.offset(layer, Section.BIAS));
        w.put(PEEPHOLES_BASE, layout.offset(layer, Section.PEEPHOLES));
        w.put(INPUT_BASE, layer == 0 ? layout.offset(Section.INPUT) : layout.offset(layer - 1, Section.OUTPUT));
        w.put(OUTPUT_BASE, layout.offset(layer, Section.OUTPUT));
        return w;
    }

    /**
     * The values to write before the start of layer {@code layer}'s run, for an image laid out as
     * {@code layout} at DDR address 0. The generated design runs one layer a run over every frame;
     * the host runs a stack layer after layer, each run reading the previous layer's OUTPUT section
     * as its input (layer 0 reads INPUT).
     */
    public static Map<Register, Long> programming(ImageLayout layout, int layer) {
        LayerLayout l = layout.layer(layer);
        Map<Register, Long> w = new LinkedHashMap<>();
        w.put(INPUT_SIZE, (long) l.inputSize());
        w.put(HIDDEN_SIZE, (long) l.hiddenSize());
        w.put(PROJ_SIZE, (long) l.projSize());
        w.put(FRAME_COUNT, (long) layout.frames());
        w.put(WA_FRAC_BITS, (long) l.waFracBits());
        w.put(WHR_FRAC_BITS, (long) l.whrFracBits());
        w.put(WA_ENTRY_ROWS, (long) l.waEntryRows());
        w.put(WHR_ENTRY_ROWS, (long) l.whrEntryRows());
        w.put(CELLS_PER_PE, (long) l.cellsPerPe(layout.pes()));
        w.put(PROJ_ROWS_PER_PE, (long) l.projRowsPerPe(layout.pes()));
        w.put(WA_POINTERS_BASE, layout.offset(layer, Section.WA_POINTERS));
        w.put(WA_ENTRIES_BASE, layout.offset(layer, Section.WA_ENTRIES));
        w.put(WHR_POINTERS_BASE, layout.offset(layer, Section.WHR_POINTERS));
        w.put(WHR_ENTRIES_BASE, layout.offset(layer, Section.WHR_ENTRIES));
        w.put(BIAS_BASE, layout.offset(layer, Section.BIAS));
        w.put(PEEPHOLES_BASE, layout.offset(layer, Section.PEEPHOLES));
        w.put(INPUT_BASE, layer == 0 ? layout.offset(Section.INPUT) : layout.offset(layer - 1, Section.OUTPUT));
        w.put(OUTPUT_BASE, layout.offset(layer, Section.OUTPUT));
        return w;
    }
}
