package org.esegen.hdl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.esegen.compile.ImageLayout;
import org.esegen.compile.LayerLayout;
import org.esegen.rnn.CellKind;
import org.esegen.compile.LaneRows;
import org.esegen.compile.RegisterMap;
import org.esegen.compile.Section;
import org.esegen.config.AcceleratorConfig;
import org.esegen.config.Presets;
import org.esegen.hdl.StreamBench.Port;
import org.esegen.hdl.spinal.Hdl;
import org.esegen.hdl.spinal.VerilogEmitter;
import org.esegen.hdl.units.ColumnBroadcaster;
import org.esegen.hdl.units.Sequencer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Sequencer under Icarus with every job modelled as "busy for a random while after its
 * start" and the command ports back-pressured at random: for two runs of different shapes, every
 * DDR command must be the section address and word count {@link ImageLayout} gives, in order per
 * client, and the jobs must start in the order of ARCHITECTURE.md with the right SpMV sizes.
 */
class SequencerTest {
    private static final long SEED = 20_260_106L;
    private static final AcceleratorConfig CONFIG = Presets.get("tiny").with("channels", 2);
    private static final String[] JOBS = {"params", "input", "ew", "gather", "output"};

    @TempDir
    Path dir;

    /** One run: the image shape and where in DDR the image lies. */
    private record Run(ImageLayout layout, long base) {
        long address(Section section) {
            return base + layout.offset(section);
        }
    }

    @Test
    void commandsFollowTheImageLayoutAndJobsTheArchitectureOrder() throws Exception {
        check(CONFIG, List.of(
                new Run(layout(CONFIG, 10, 12, 6, 3, true, 9, 10, 7, 0), 0),
                new Run(layout(CONFIG, 5, 8, 3, 1, false, 9, 10, 2, 4), 0x1_0000_0000L),
                new Run(layout(CONFIG, 64, 64, 64, 0, false, 9, 10, 300, 200), 0x4000)));
    }

    /**
     * Rows narrower than one DDR word: with a 256-bit bus, 16-bit activations and at most 3 inputs
     * and 3 outputs, lanes x actBits is a 7-bit product, narrower than the word shift of 8
     * (generation used to fail with a negative bit extraction; random regression configs 17, 20,
     * 24, 31, 39, 41, 42 and 46 of seed 20250601).
     */
    @Test
    void rowsNarrowerThanOneWordTakeOneWord() throws Exception {
        AcceleratorConfig config = CONFIG.with(Map.of("maxInputSize", 3, "maxHiddenSize", 16, "maxProjSize", 3,
                "axiDataBits", 256));
        check(config, List.of(
                new Run(layout(config, 3, 16, 3, 2, true, 9, 10, 7, 3), 0x2000),
                new Run(layout(config, 1, 3, 1, 1, false, 9, 10, 2, 1), 0)));
    }

    /**
     * Matrices of 2^k - 1 columns at the column width's limit: maxInputSize + maxProjSize =
     * maxHiddenSize = 31, so columns + 1 pointer rows (32) do not fit the 5-bit column count
     * (the W_a and W_hr pointer reads used to be of 0 words and the accelerator hung; random
     * regression config 12 of seed 20250601).
     */
    @Test
    void pointerReadsOfTwoToTheKColumnsDoNotWrap() throws Exception {
        AcceleratorConfig config = CONFIG.with(Map.of("maxInputSize", 9, "maxHiddenSize", 31, "maxProjSize", 22));
        check(config, List.of(
                new Run(layout(config, 9, 31, 22, 2, true, 9, 10, 40, 12), 0),
                new Run(layout(config, 9, 9, 22, 1, true, 9, 10, 30, 8), 0x8000)));
    }

    /** A one-layer lstmp image layout. */
    private static ImageLayout layout(AcceleratorConfig config, int inputSize, int hiddenSize, int projSize, int frames,
                                      boolean peepholes, int waFracBits, int whrFracBits, int waEntryRows,
                                      int whrEntryRows) {
        return ImageLayout.of(config, List.of(new LayerLayout(CellKind.LSTMP, inputSize, hiddenSize, projSize, peepholes,
                waFracBits, whrFracBits, waEntryRows, whrEntryRows)), frames);
    }

    private void check(AcceleratorConfig config, List<Run> runs) throws Exception {
        int addrBits = config.memory().axiAddrBits();

        StreamBench bench = new StreamBench("Sequencer").input("start", 1, 0);
        for (RegisterMap.Register register : RegisterMap.ALL) {
            if (register.access() == RegisterMap.Access.RW && register != RegisterMap.CONTROL
                    && !register.name().endsWith("FRAC_BITS") && register != RegisterMap.PROJ_ROWS_PER_PE) {
                bench.input(register.name().toLowerCase(), register.name().endsWith("_BASE") ? addrBits : 32, 0);
            }
        }
        for (String output : List.of("busy", "done", "done_pulse", "params_start", "ew_reset", "ew_start",
                "input_start", "spmv_start", "spmv_projection", "spmv_first_frame", "gather_start", "output_start",
                "in_spmv")) {
            bench.output(output, 1);
        }
        bench.output("spmv_columns", ColumnBroadcaster.columnBits(Sequencer.maxColumns(config)))
                .output("spmv_rows", config.formats().ptrBits())
                .output("input_words", Hdl.widthFor(maxWords(config, config.dims().maxInputSize())))
                .output("output_words", Hdl.widthFor(maxWords(config, config.dims().maxProjSize())))
                .input("params_busy", 1, 0).input("ew_busy", 1, 0).input("input_busy", 1, 0)
                .input("spmv_busy", 1, 0).input("gather_busy", 1, 0).input("output_busy", 1, 0)
                .input("memory_idle", 1, 1)
                .raw(jobModels());
        for (int k = 0; k < Sequencer.CLIENTS; k++) {
            bench.sink("read_cmd_" + k, List.of(new Port("read_cmd_" + k + "_address", addrBits),
                    new Port("read_cmd_" + k + "_beats", Sequencer.BEATS_BITS)), 40);
        }
        bench.sink("write_cmd", List.of(new Port("write_cmd_address", addrBits),
                new Port("write_cmd_beats", Sequencer.BEATS_BITS)), 40);
        StringBuilder stimulus = new StringBuilder();
        for (Run run : runs) {
            for (Map.Entry<RegisterMap.Register, Long> write : RegisterMap.programming(run.layout(), 0).entrySet()) {
                String name = write.getKey().name();
                if (!name.endsWith("FRAC_BITS") && write.getKey() != RegisterMap.PROJ_ROWS_PER_PE) {
                    long value = write.getValue() + (name.endsWith("_BASE") ? run.base() : 0);
                    stimulus.append(name.toLowerCase()).append(" = ").append(value).append("; ");
                }
            }
            stimulus.append("""
                    @(negedge clk) start = 1;
                        @(negedge clk) start = 0;
                        @(negedge clk) wait (done);
                        repeat (10) @(negedge clk);
                    """);
        }
        bench.stimulus(stimulus.toString());
        Path verilog = VerilogEmitter.emit(dir, "Sequencer", () -> new Sequencer(config)).get(0);

        List<String> printed = Tools.simulate(dir, bench.write(dir, SEED, 40, 200_000), List.of(verilog));

        List<String> jobs = new ArrayList<>();
        List<List<String>> reads = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        List<String> writes = new ArrayList<>();
        for (Run run : runs) {
            expect(run, jobs, reads, writes);
        }
        assertEquals(jobs, printed.stream().filter(line -> line.startsWith("job ")).toList());
        for (int k = 0; k < Sequencer.CLIENTS; k++) {
            assertEquals(reads.get(k), commands(printed, "read_cmd_" + k), "read client " + k);
        }
        assertEquals(writes, commands(printed, "write_cmd"), "writes");
    }

    private static void expect(Run run, List<String> jobs, List<List<String>> reads, List<String> writes) {
        ImageLayout layout = run.layout();
        LayerLayout layer = layout.layer(0);
        int i = layer.inputSize();
        int h = layer.hiddenSize();
        int p = layer.projSize();
        jobs.add("job params");
        jobs.add("job ew_reset");
        if (layout.frames() > 0) {
            jobs.add("job input");
        }
        for (int t = 0; t < layout.frames(); t++) {
            int first = t == 0 ? 1 : 0;
            if (t + 1 < layout.frames()) {
                jobs.add("job input");
            }
            jobs.add("job spmv 0 " + (i + p) + " " + layer.waEntryRows() + " " + first);
            if (t > 0) {
                // frame t-1's gather started a cycle before this SpMV 1 and is busy for at least a cycle
                jobs.add("job output");
            }
            jobs.add("job ew");
            jobs.add("job spmv 1 " + h + " " + layer.whrEntryRows() + " " + first);
            jobs.add("job gather");
            if (t + 1 == layout.frames()) {
                jobs.add("job output");
            }
            section(reads.get(0), run, Section.WA_POINTERS);
            section(reads.get(0), run, Section.WHR_POINTERS);
            section(reads.get(1), run, Section.WA_ENTRIES);
            section(reads.get(1), run, Section.WHR_ENTRIES);
        }
        jobs.add("job done");
        section(reads.get(2), run, Section.BIAS);
        section(reads.get(2), run, Section.PEEPHOLES);
        for (int t = 0; t < layout.frames(); t++) {
            for (int ch = 0; ch < layout.channels(); ch++) {
                reads.get(2).add(command(run.base() + layout.frameAddress(0, Section.INPUT, ch, t),
                        layout.packing(Section.INPUT).wordsPerRow()));
                writes.add(command(run.base() + layout.frameAddress(0, Section.OUTPUT, ch, t),
                        layout.packing(Section.OUTPUT).wordsPerRow()));
            }
        }
    }

    /** The command reading a whole section, if it has any words. */
    private static void section(List<String> commands, Run run, Section section) {
        long words = run.layout().rows(section) * run.layout().packing(section).wordsPerRow();
        if (words > 0) {
            commands.add(command(run.address(section), words));
        }
    }

    private static String command(long address, long words) {
        return Long.toHexString(address) + " " + Long.toHexString(words);
    }

    private static List<String> commands(List<String> printed, String sink) {
        return StreamBench.taken(printed, sink).stream()
                .map(item -> item[0].toString(16) + " " + item[1].toString(16)).toList();
    }

    private static int maxWords(AcceleratorConfig config, int lanes) {
        return new LaneRows(lanes, config.formats().actBits(), config.memory().axiDataBits()).wordsPerRow();
    }

    /** Each job busy for 1..8 cycles after its start; the log of job starts with their parameters. */
    private static String jobModels() {
        StringBuilder models = new StringBuilder();
        for (String job : JOBS) {
            String start = job.equals("ew") ? "(ew_start || ew_reset)" : job + "_start";
            models.append("""
                      reg [3:0] %1$s_count = 0;
                      always @(posedge clk) begin
                        if (%2$s) %1$s_count <= 1 + ($random(seed) & 7);
                        else if (%1$s_count != 0) %1$s_count <= %1$s_count - 1;
                      end
                      always @(*) %1$s_busy = %1$s_count != 0;
                    """.formatted(job, start));
        }
        models.append("""
                  reg [3:0] spmv_count = 0;
                  always @(posedge clk) begin
                    if (spmv_start) spmv_count <= 1 + ($random(seed) & 7);
                    else if (spmv_count != 0) spmv_count <= spmv_count - 1;
                  end
                  always @(*) spmv_busy = spmv_count != 0;
                  reg [3:0] writer_count = 0;
                  always @(posedge clk) begin
                    if (write_cmd_valid && write_cmd_ready) writer_count <= 1 + ($random(seed) & 7);
                    else if (writer_count != 0) writer_count <= writer_count - 1;
                  end
                  always @(*) memory_idle = writer_count == 0;
                  always @(posedge clk) begin
                    if (params_start) $display("job params");
                    if (ew_reset) $display("job ew_reset");
                    if (input_start) $display("job input");
                    if (spmv_start) $display("job spmv %0d %0d %0d %0d", spmv_projection, spmv_columns, spmv_rows,
                                             spmv_first_frame);
                    if (ew_start) $display("job ew");
                    if (gather_start) $display("job gather");
                    if (output_start) $display("job output");
                    if (done_pulse) $display("job done");
                    // the vector buffers: SpMV 1 reads what the input load writes; the gather waits for it too
                    if ((gather_start || (spmv_start && !spmv_projection)) && input_busy) $display("job clash");
                  end
                """);
        return models.toString();
    }
}
