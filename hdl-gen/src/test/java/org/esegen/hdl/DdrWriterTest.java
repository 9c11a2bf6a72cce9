package org.esegen.hdl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import org.esegen.hdl.VerilogText.Port;
import org.esegen.hdl.units.DdrWriter;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * DdrWriter against a behavioral AXI4 memory in Icarus with random AW/W acceptance (W beats
 * taken before their AW in some runs), random B latency, a random producer and random command
 * timing. The memory window, prefilled with random words, must end up holding exactly the
 * commanded words, and nothing else may change; the memory checks every AW (INCR, size,
 * alignment, no 4 KiB crossing, burst length, window, ID 0), wstrb, wlast, the number of bursts
 * outstanding, and that {@code idle} is never high while a commanded word is unacknowledged.
 */
class DdrWriterTest {
    private static final long DEFAULT_SEED = 20_260_302L;
    private static final int WINDOW_BYTES = 16 * AxiBench.PAGE_BYTES;

    @TempDir
    Path dir;

    /** One write command. */
    private record Command(long address, int beats) {
    }

    @ParameterizedTest(name = "D={0} A={1}")
    @CsvSource({"512, 33", "64, 32"})
    void axiPortsHaveTheXilinxNamesAndItLintsClean(int dataBits, int addrBits) throws Exception {
        Path verilog = AxiBench.emit(dir, "DdrWriter", () -> new DdrWriter(dataBits, addrBits, 64, 4));

        Map<String, Port> axi = new LinkedHashMap<>();
        axi.put("m_axi_awvalid", new Port("output", 1));
        axi.put("m_axi_awready", new Port("input", 1));
        axi.put("m_axi_awaddr", new Port("output", addrBits));
        axi.put("m_axi_awid", new Port("output", 4));
        axi.put("m_axi_awlen", new Port("output", 8));
        axi.put("m_axi_awsize", new Port("output", 3));
        axi.put("m_axi_awburst", new Port("output", 2));
        axi.put("m_axi_wvalid", new Port("output", 1));
        axi.put("m_axi_wready", new Port("input", 1));
        axi.put("m_axi_wdata", new Port("output", dataBits));
        axi.put("m_axi_wstrb", new Port("output", dataBits / 8));
        axi.put("m_axi_wlast", new Port("output", 1));
        axi.put("m_axi_bvalid", new Port("input", 1));
        axi.put("m_axi_bready", new Port("output", 1));
        axi.put("m_axi_bid", new Port("input", 4));
        axi.put("m_axi_bresp", new Port("input", 2));
        assertEquals(axi, AxiBench.ports(verilog, "DdrWriter", "m_axi_"));
        Map<String, Port> stream = new LinkedHashMap<>();
        stream.put("cmd_valid", new Port("input", 1));
        stream.put("cmd_ready", new Port("output", 1));
        stream.put("cmd_address", new Port("input", addrBits));
        stream.put("cmd_beats", new Port("input", 24));
        assertEquals(stream, AxiBench.ports(verilog, "DdrWriter", "cmd_"));
        stream.clear();
        stream.put("data_valid", new Port("input", 1));
        stream.put("data_ready", new Port("output", 1));
        stream.put("data_payload", new Port("input", dataBits));
        assertEquals(stream, AxiBench.ports(verilog, "DdrWriter", "data_"));
        AxiBench.lint(verilog);
    }

    @ParameterizedTest(name = "D={0} A={1} burst={2} outstanding={3}, W before AW {4}, producer {5} %, error response {6}")
    @CsvSource({
            "512, 33, 64, 4, true, 80, -1",
            "512, 32, 4, 1, false, 60, -1",
            "64, 32, 16, 2, true, 30, -1",
            "64, 33, 256, 3, false, 95, 5"})
    void memoryHoldsExactlyTheCommandedWords(int dataBits, int addrBits, int maxBurstBeats, int maxOutstanding,
            boolean wBeforeAw, int producerPercent, int errorResponse) throws Exception {
        long seed = AxiBench.seed("DdrWriter(" + dataBits + ", " + addrBits + ", " + maxBurstBeats + ", "
                + maxOutstanding + ")", DEFAULT_SEED + dataBits + addrBits + maxBurstBeats + maxOutstanding);
        Random random = new Random(seed);
        int beatBytes = dataBits / 8;
        int windowWords = WINDOW_BYTES / beatBytes;
        long base = AxiBench.windowBase(addrBits, WINDOW_BYTES);
        List<String> memory = AxiBench.randomMemory(dir.resolve("mem.hex"), random, windowWords, dataBits);
        List<Command> commands = randomCommands(random, base, beatBytes, maxBurstBeats);
        int totalBeats = commands.stream().mapToInt(Command::beats).sum();
        List<String> words = AxiBench.randomMemory(dir.resolve("wdata.hex"), random, Math.max(1, totalBeats), dataBits);
        List<String> expected = new ArrayList<>(memory);
        int next = 0;
        for (Command command : commands) {
            int first = (int) ((command.address - base) / beatBytes);
            for (int i = 0; i < command.beats; i++) {
                expected.set(first + i, words.get(next++));
            }
        }

        Path verilog = AxiBench.emit(dir, "DdrWriter", () -> new DdrWriter(dataBits, addrBits, maxBurstBeats, maxOutstanding));
        String bench = bench(dataBits, addrBits, maxBurstBeats, maxOutstanding, base, commands, wBeforeAw,
                producerPercent, errorResponse, random.nextInt(1 << 30));
        List<String> printed = Tools.simulate(dir, bench, List.of(verilog));

        List<String> ends = AxiBench.lines(printed, "end");
        assertEquals(1, ends.size(), () -> "the testbench did not finish:\n" + String.join("\n",
                printed.subList(Math.max(0, printed.size() - 20), printed.size())));
        String end = ends.get(0);
        System.out.println("  " + end + ", " + commands.size() + " commands, " + totalBeats + " words");
        assertEquals(List.of(), AxiBench.lines(printed, "violation"));
        assertEquals(expected, AxiBench.lines(printed, "mem").stream().map(line -> line.split(" ")[2]).toList());
        assertEquals(1, AxiBench.field(end, "idle"), end);
        assertEquals(errorResponse >= 0 ? 1 : 0, AxiBench.field(end, "error"), end);
        assertTrue(AxiBench.field(end, "max_outstanding") >= Math.min(2, maxOutstanding), end);
    }

    /**
     * Non-overlapping commands in the window, in shuffled order: short ones, ones longer than a
     * burst, ones that start just below a 4 KiB boundary, one of zero beats.
     */
    private static List<Command> randomCommands(Random random, long base, int beatBytes, int maxBurstBeats) {
        int windowWords = WINDOW_BYTES / beatBytes;
        int pageWords = AxiBench.PAGE_BYTES / beatBytes;
        List<Command> commands = new ArrayList<>();
        commands.add(new Command(base, 0));
        int cursor = random.nextInt(8);
        for (int i = 0; ; i++) {
            int beats = switch (i % 3) {
                case 0 -> 1 + random.nextInt(4);
                case 1 -> maxBurstBeats + 1 + random.nextInt(maxBurstBeats + 4);
                default -> 1 + random.nextInt(2 * maxBurstBeats + 8);
            };
            int start = cursor + random.nextInt(8);
            if (i % 3 == 2 && beats > 1) {
                int boundary = (start / pageWords + 1) * pageWords;
                start = boundary - 1 - random.nextInt(Math.min(beats - 1, pageWords));
                start = Math.max(start, cursor);
            }
            if (start + beats > windowWords || commands.size() > 24) {
                break;
            }
            commands.add(new Command(base + (long) start * beatBytes, beats));
            cursor = start + beats;
        }
        Collections.shuffle(commands, random);
        return commands;
    }

    private static String bench(int dataBits, int addrBits, int maxBurstBeats, int maxOutstanding, long base,
                                List<Command> commands, boolean wBeforeAw, int producerPercent, int errorResponse,
                                int tbSeed) {
        int totalBeats = commands.stream().mapToInt(Command::beats).sum();
        StringBuilder tables = new StringBuilder();
        for (int i = 0; i < commands.size(); i++) {
            tables.append(String.format(Locale.ROOT, "    cmd_addr_tab[%d] = %d'h%x; cmd_beats_tab[%d] = %d;%n",
                    i, addrBits, commands.get(i).address, i, commands.get(i).beats));
        }
        return """
                `timescale 1ns/1ps
                module tb;
                  localparam D = %1$d, A = %2$d, LOG2B = %3$d, B = D / 8, N = %4$d;
                  localparam MAX_OUT = %5$d, MAX_BURST = %6$d, CMDS = %7$d, TOTAL = %8$d;
                  localparam [63:0] BASE = 64'h%9$x;
                  localparam W_BEFORE_AW = %10$d, DATA_PCT = %11$d, ERROR_RESPONSE = %12$d;
                  localparam AW_PCT = 60, W_PCT = 75, B_PCT = 70, CMD_PCT = 40, B_LAT_MIN = 1, B_LAT_MAX = 12;
                  localparam TIMEOUT = %14$d, QUEUE = 64;
                  reg clk = 1'b0;
                  reg reset = 1'b1;
                  always #5 clk = ~clk;
                  integer seed = %13$d;
                  function integer rnd(input integer n);
                    begin rnd = {$random(seed)} %% n; end
                  endfunction

                  reg [D-1:0] mem [0:N-1];
                  reg [D-1:0] wdata_tab [0:(TOTAL > 0 ? TOTAL : 1) - 1];
                  reg [A-1:0] cmd_addr_tab [0:CMDS-1];
                  reg [23:0] cmd_beats_tab [0:CMDS-1];

                  reg cmd_valid = 1'b0, data_valid = 1'b0;
                  reg [A-1:0] cmd_address = 0;
                  reg [23:0] cmd_beats = 0;
                  reg [D-1:0] data_payload = 0;
                  wire cmd_ready, data_ready, awvalid, wvalid, wlast, bready, idle, error;
                  reg awready = 1'b0, wready = 1'b0, bvalid = 1'b0;
                  reg [1:0] bresp = 0;
                  wire [A-1:0] awaddr;
                  wire [3:0] awid;
                  wire [7:0] awlen;
                  wire [2:0] awsize;
                  wire [1:0] awburst;
                  wire [D-1:0] wdata;
                  wire [B-1:0] wstrb;

                  DdrWriter dut (.cmd_valid(cmd_valid), .cmd_ready(cmd_ready), .cmd_address(cmd_address),
                    .cmd_beats(cmd_beats), .data_valid(data_valid), .data_ready(data_ready), .data_payload(data_payload),
                    .m_axi_awvalid(awvalid), .m_axi_awready(awready), .m_axi_awaddr(awaddr), .m_axi_awid(awid),
                    .m_axi_awlen(awlen), .m_axi_awsize(awsize), .m_axi_awburst(awburst), .m_axi_wvalid(wvalid),
                    .m_axi_wready(wready), .m_axi_wdata(wdata), .m_axi_wstrb(wstrb), .m_axi_wlast(wlast),
                    .m_axi_bvalid(bvalid), .m_axi_bready(bready), .m_axi_bid(4'd0), .m_axi_bresp(bresp),
                    .idle(idle), .error(error), .clk(clk), .reset(reset));

                  // Memory: accepted bursts waiting for W beats, W beats waiting for their burst, responses.
                  reg [63:0] aw_addr_q [0:QUEUE-1];
                  integer aw_beats_q [0:QUEUE-1];
                  integer aw_head = 0, aw_tail = 0, aw_done = 0;
                  reg [D-1:0] w_data_q [0:1023];
                  reg w_last_q [0:1023];
                  integer w_head = 0, w_tail = 0;
                  integer b_time_q [0:QUEUE-1];
                  integer b_beats_q [0:QUEUE-1];
                  integer b_head = 0, b_tail = 0, b_count = 0;
                  integer cycle = 0, outstanding = 0, max_outstanding = 0, aw_beats = 0, w_beats = 0;
                  integer cmd_idx = 0, data_idx = 0, accepted = 0, acked = 0, done_cycle = 0, i;
                  reg aw_pending = 1'b0, w_pending = 1'b0;
                  reg [A-1:0] aw_addr_s;
                  reg [7:0] aw_len_s;
                  reg [D-1:0] w_data_s;
                  reg w_last_s;
                  reg [63:0] a64;
                  reg v;

                  initial begin
                    $readmemh("mem.hex", mem);
                    if (TOTAL > 0) $readmemh("wdata.hex", wdata_tab);
                %15$s
                    repeat (3) @(posedge clk);
                    #1 reset = 1'b0;
                  end

                  always @(posedge clk) if (!reset) begin
                    cycle = cycle + 1;
                    if (idle && accepted != acked)
                      $display("violation idle at cycle %%0d with %%0d commanded words unacknowledged", cycle, accepted - acked);

                    // AW
                    if (aw_pending && (!awvalid || awaddr != aw_addr_s || awlen != aw_len_s))
                      $display("violation AW dropped or changed before awready at cycle %%0d", cycle);
                    if (awvalid && awready) begin
                      a64 = awaddr;
                      if (awburst != 2'd1) $display("violation awburst %%0d", awburst);
                      if (awsize != LOG2B) $display("violation awsize %%0d", awsize);
                      if (awid != 0) $display("violation awid %%0d", awid);
                      if (a64 %% B != 0) $display("violation awaddr %%h not aligned", awaddr);
                      if (awlen + 1 > MAX_BURST) $display("violation awlen %%0d above the maximum burst", awlen);
                      if (a64 %% 4096 + (awlen + 1) * B > 4096)
                        $display("violation burst at %%h of %%0d beats crosses 4 KiB", awaddr, awlen + 1);
                      if (a64 < BASE || a64 + (awlen + 1) * B > BASE + N * B)
                        $display("violation burst at %%h of %%0d beats outside memory", awaddr, awlen + 1);
                      aw_addr_q[aw_tail %% QUEUE] = a64;
                      aw_beats_q[aw_tail %% QUEUE] = awlen + 1;
                      aw_tail = aw_tail + 1;
                      aw_beats = aw_beats + awlen + 1;
                      outstanding = outstanding + 1;
                      if (outstanding > max_outstanding) max_outstanding = outstanding;
                      if (outstanding > MAX_OUT) $display("violation %%0d bursts outstanding", outstanding);
                    end
                    aw_pending = awvalid && !awready;
                    aw_addr_s = awaddr;
                    aw_len_s = awlen;
                    awready <= rnd(100) < AW_PCT;

                    // W: beats are written once their burst is known
                    if (w_pending && (!wvalid || wdata != w_data_s || wlast != w_last_s))
                      $display("violation W dropped or changed before wready at cycle %%0d", cycle);
                    if (wvalid && wready) begin
                      if (wstrb != {B{1'b1}}) $display("violation wstrb %%h", wstrb);
                      w_data_q[w_tail %% 1024] = wdata;
                      w_last_q[w_tail %% 1024] = wlast;
                      w_tail = w_tail + 1;
                      w_beats = w_beats + 1;
                    end
                    w_pending = wvalid && !wready;
                    w_data_s = wdata;
                    w_last_s = wlast;
                    while (aw_head != aw_tail && w_head != w_tail) begin
                      mem[((aw_addr_q[aw_head %% QUEUE] - BASE) >> LOG2B) + aw_done] = w_data_q[w_head %% 1024];
                      aw_done = aw_done + 1;
                      if (w_last_q[w_head %% 1024] != (aw_done == aw_beats_q[aw_head %% QUEUE]))
                        $display("violation wlast %%0d on beat %%0d of a %%0d-beat burst", w_last_q[w_head %% 1024],
                                 aw_done, aw_beats_q[aw_head %% QUEUE]);
                      w_head = w_head + 1;
                      if (aw_done == aw_beats_q[aw_head %% QUEUE]) begin
                        b_time_q[b_tail %% QUEUE] = cycle + B_LAT_MIN + rnd(B_LAT_MAX - B_LAT_MIN + 1);
                        b_beats_q[b_tail %% QUEUE] = aw_done;
                        b_tail = b_tail + 1;
                        aw_head = aw_head + 1;
                        aw_done = 0;
                      end
                    end
                    wready <= (W_BEFORE_AW || aw_beats > w_beats) && rnd(100) < W_PCT;

                    // B
                    if (bvalid && bready) begin
                      acked = acked + b_beats_q[b_head %% QUEUE];
                      b_head = b_head + 1;
                      b_count = b_count + 1;
                      outstanding = outstanding - 1;
                      bvalid <= 1'b0;
                    end
                    if (!bvalid || bready) begin
                      if (b_head != b_tail && b_time_q[b_head %% QUEUE] <= cycle && rnd(100) < B_PCT) begin
                        bvalid <= 1'b1;
                        bresp <= b_count == ERROR_RESPONSE ? 2'd2 : 2'd0;
                      end
                    end

                    // Commands and data
                    v = cmd_valid;
                    if (cmd_valid && cmd_ready) begin
                      accepted = accepted + cmd_beats;
                      cmd_idx = cmd_idx + 1;
                      v = 1'b0;
                    end
                    if (!v && cmd_idx < CMDS && rnd(100) < CMD_PCT) begin
                      v = 1'b1;
                      cmd_address <= cmd_addr_tab[cmd_idx];
                      cmd_beats <= cmd_beats_tab[cmd_idx];
                    end
                    cmd_valid <= v;
                    v = data_valid;
                    if (data_valid && data_ready) begin
                      data_idx = data_idx + 1;
                      v = 1'b0;
                    end
                    if (!v && data_idx < TOTAL && rnd(100) < DATA_PCT) begin
                      v = 1'b1;
                      data_payload <= wdata_tab[data_idx];
                    end
                    data_valid <= v;

                    if (done_cycle == 0 && cmd_idx == CMDS && data_idx == TOTAL && acked == TOTAL && idle)
                      done_cycle = cycle;
                    if (done_cycle != 0 && cycle == done_cycle + 3) begin
                      $display("end cycles %%0d idle %%0d error %%0d max_outstanding %%0d", cycle, idle, error, max_outstanding);
                      for (i = 0; i < N; i = i + 1) $display("mem %%0d %%h", i, mem[i]);
                      $finish;
                    end
                    if (cycle == TIMEOUT) begin
                      $display("timeout commands %%0d/%%0d words %%0d/%%0d acknowledged %%0d", cmd_idx, CMDS, data_idx,
                               TOTAL, acked);
                      $finish;
                    end
                  end
                endmodule
                """.formatted(dataBits, addrBits, Integer.numberOfTrailingZeros(dataBits / 8), WINDOW_BYTES / (dataBits / 8),
                maxOutstanding, maxBurstBeats, commands.size(), totalBeats, base, wBeforeAw ? 1 : 0, producerPercent,
                errorResponse, tbSeed, 2000 + 40 * totalBeats, tables);
    }
}
