package org.esegen.hdl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.esegen.hdl.units.AxiBankSplitter;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * AxiBankSplitter under Icarus between a random AXI4 master (reads and writes of random IDs,
 * lengths and addresses, several outstanding, random R and B back-pressure, W beats with gaps and
 * random strobes) and two behavioral bank memories that take requests, data and responses at
 * random rates and check every request they get (address, INCR, size, one ID). Every R beat must
 * be the two banks' words of its address side by side with the ID of its request, in request
 * order; every B the ID of its AW in order; and the banks must end up holding exactly the written
 * bytes (each half of a wide word in its bank), nothing else changed. With one request outstanding
 * allowed, no two reads may overlap; with more, some must.
 */
class AxiBankSplitterTest {
    private static final long DEFAULT_SEED = 20_261_122L;
    /** Wide words in the read window and in the write window. */
    private static final int WINDOW_WORDS = 64;
    private static final int REQUESTS = 40;

    @TempDir
    Path dir;

    /** A burst request of the master. */
    private record Request(int id, long word, int len) {
    }

    @ParameterizedTest(name = "{0} bits into 2 x {0}/2, {1} address bits, {2} ID bits, {3} outstanding")
    @CsvSource({"128, 16, 4, 4", "1024, 34, 5, 8", "64, 13, 1, 1"})
    void everyBeatLandsInBothBanksAndComesBackInOrder(int wideBits, int addrBits, int idBits, int outstanding)
            throws Exception {
        long seed = AxiBench.seed("AxiBankSplitterTest " + wideBits, DEFAULT_SEED + wideBits);
        Random random = new Random(seed);
        Path verilog = AxiBench.emit(dir, "AxiBankSplitter",
                () -> new AxiBankSplitter(wideBits, addrBits, idBits, outstanding));
        AxiBench.lint(verilog);

        int narrowBits = wideBits / 2;
        int bankWords = 2 * WINDOW_WORDS;
        List<String> bank0 = AxiBench.randomMemory(dir.resolve("bank0.hex"), random, bankWords, narrowBits);
        List<String> bank1 = AxiBench.randomMemory(dir.resolve("bank1.hex"), random, bankWords, narrowBits);
        long base = AxiBench.windowBase(addrBits, 2L * WINDOW_WORDS * wideBits / 8);
        List<Request> reads = requests(random, idBits, 0);
        List<Request> writes = requests(random, idBits, WINDOW_WORDS);

        List<String> printed = Tools.simulate(dir, bench(wideBits, addrBits, idBits, base, reads, writes, random),
                List.of(verilog));
        assertEquals(List.of(), AxiBench.lines(printed, "error"), "the banks' checks");

        List<String> expectedReads = new ArrayList<>();
        for (Request r : reads) {
            for (int beat = 0; beat <= r.len(); beat++) {
                int word = (int) r.word() + beat;
                expectedReads.add("r " + r.id() + " " + bank1.get(word) + bank0.get(word) + " " + (beat == r.len() ? 1 : 0)
                        + " 0");
            }
        }
        assertEquals(expectedReads, AxiBench.lines(printed, "r"), "R beats: ID, data {bank 1, bank 0}, last, resp");
        assertEquals(writes.stream().map(w -> "b " + w.id() + " 0").toList(), AxiBench.lines(printed, "b"),
                "B responses in AW order");

        List<String> beats = AxiBench.lines(printed, "w");
        assertEquals(writes.stream().mapToInt(w -> w.len() + 1).sum(), beats.size(), "W beats taken");
        BigInteger[] expected0 = words(bank0);
        BigInteger[] expected1 = words(bank1);
        int next = 0;
        for (Request w : writes) {
            for (int beat = 0; beat <= w.len(); beat++) {
                String[] fields = beats.get(next++).trim().split("\\s+");
                BigInteger data = new BigInteger(fields[1], 16);
                BigInteger strobes = new BigInteger(fields[2], 16);
                int word = (int) w.word() + beat;
                BigInteger wide = expected1[word].shiftLeft(narrowBits).or(expected0[word]);
                for (int b = 0; b < wideBits / 8; b++) {
                    if (strobes.testBit(b)) {
                        BigInteger mask = BigInteger.valueOf(0xff).shiftLeft(8 * b);
                        wide = wide.andNot(mask).or(data.and(mask));
                    }
                }
                BigInteger low = BigInteger.ONE.shiftLeft(narrowBits).subtract(BigInteger.ONE);
                expected0[word] = wide.and(low);
                expected1[word] = wide.shiftRight(narrowBits);
            }
        }
        assertEquals(hex(expected0, narrowBits), memory(printed, "m0"), "bank 0 after the writes");
        assertEquals(hex(expected1, narrowBits), memory(printed, "m1"), "bank 1 after the writes");
        assertEquals(outstanding > 1, printed.stream().anyMatch(line -> line.startsWith("overlap")),
                "reads outstanding at once: some when the splitter allows more than one, else none");
    }

    private static List<Request> requests(Random random, int idBits, int firstWord) {
        List<Request> requests = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            int len = random.nextInt(4) == 0 ? 0 : random.nextInt(8);
            int word = firstWord + random.nextInt(WINDOW_WORDS - len);
            requests.add(new Request(random.nextInt(1 << idBits), word, len));
        }
        return requests;
    }

    private static BigInteger[] words(List<String> hex) {
        return hex.stream().map(h -> new BigInteger(h, 16)).toArray(BigInteger[]::new);
    }

    private static List<String> hex(BigInteger[] words, int bits) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < words.length; i++) {
            String digits = words[i].toString(16);
            lines.add(i + " " + "0".repeat(bits / 4 - digits.length()) + digits);
        }
        return lines;
    }

    private static List<String> memory(List<String> printed, String bank) {
        return AxiBench.lines(printed, bank).stream().map(line -> line.substring(bank.length() + 1).trim()).toList();
    }

    private static String bench(int wideBits, int addrBits, int idBits, long base, List<Request> reads,
                                List<Request> writes, Random random) {
        int narrowBits = wideBits / 2;
        int wideBytes = wideBits / 8;
        StringBuilder requests = new StringBuilder();
        for (int i = 0; i < REQUESTS; i++) {
            Request r = reads.get(i);
            Request w = writes.get(i);
            requests.append("    ar_id[%d] = %d; ar_addr[%d] = %d'd%d; ar_len[%d] = %d;%n"
                    .formatted(i, r.id(), i, addrBits, base + r.word() * wideBytes, i, r.len()));
            requests.append("    aw_id[%d] = %d; aw_addr[%d] = %d'd%d; aw_len[%d] = %d;%n"
                    .formatted(i, w.id(), i, addrBits, base + w.word() * wideBytes, i, w.len()));
        }
        String splitterPorts = String.join(",\n", ports("s_axi_", "s_", wideBits, addrBits, idBits),
                ports("m0_axi_", "b0_", narrowBits, addrBits - 1, idBits),
                ports("m1_axi_", "b1_", narrowBits, addrBits - 1, idBits));
        return """
                `timescale 1ns/1ps
                module bank #(parameter W = 64, parameter A = 16, parameter I = 4, parameter WORDS = 128,
                              parameter [A-1:0] BASE = 0, parameter SEED = 1, parameter FILE = "bank0.hex") (
                  input clk,
                  input arvalid, output reg arready, input [A-1:0] araddr, input [I-1:0] arid, input [7:0] arlen,
                  input [2:0] arsize, input [1:0] arburst,
                  output rvalid, input rready, output [W-1:0] rdata, output [I-1:0] rid, output [1:0] rresp,
                  output rlast,
                  input awvalid, output reg awready, input [A-1:0] awaddr, input [I-1:0] awid, input [7:0] awlen,
                  input [2:0] awsize, input [1:0] awburst,
                  input wvalid, output wready, input [W-1:0] wdata, input [W/8-1:0] wstrb, input wlast,
                  output bvalid, input bready, output [I-1:0] bid, output [1:0] bresp);
                  reg [W-1:0] mem [0:WORDS-1];
                  integer seed = SEED, k, qr_head = 0, qr_tail = 0, qw_head = 0, qw_tail = 0, b_count = 0, beat = 0,
                          wbeat = 0;
                  reg [A-1:0] qr_addr [0:63]; reg [7:0] qr_len [0:63];
                  reg [A-1:0] qw_addr [0:63]; reg [7:0] qw_len [0:63];
                  reg r_on = 0, b_on = 0, w_on = 0;
                  initial $readmemh(FILE, mem);
                  function integer index(input [A-1:0] address, input integer offset);
                    index = (address - BASE) / (W / 8) + offset;
                  endfunction
                  wire r_have = qr_head != qr_tail;
                  assign rvalid = r_have && r_on;
                  assign rdata = r_have ? mem[index(qr_addr[qr_head %% 64], beat)] : 0;
                  assign rid = 0;
                  assign rresp = 0;
                  assign rlast = r_have && beat == qr_len[qr_head %% 64];
                  assign wready = qw_head != qw_tail && w_on;
                  assign bvalid = b_count != 0 && b_on;
                  assign bid = 0;
                  assign bresp = 0;
                  always @(posedge clk) begin
                    arready <= ($random(seed) & 3) != 0;
                    awready <= ($random(seed) & 3) != 0;
                    r_on <= ($random(seed) & 3) != 0;
                    b_on <= ($random(seed) & 1) != 0;
                    w_on <= ($random(seed) & 3) != 0;
                    if (arvalid && arready) begin
                      if (arid != 0 || arsize != $clog2(W / 8) || arburst != 1 || araddr %% (W / 8) != 0
                          || index(araddr, arlen) >= WORDS || araddr < BASE)
                        $display("error %%m AR id %%0d size %%0d burst %%0d addr %%h len %%0d", arid, arsize, arburst,
                                 araddr, arlen);
                      qr_addr[qr_tail %% 64] <= araddr; qr_len[qr_tail %% 64] <= arlen; qr_tail <= qr_tail + 1;
                    end
                    if (rvalid && rready) begin
                      if (rlast) begin beat <= 0; qr_head <= qr_head + 1; end else beat <= beat + 1;
                    end
                    if (awvalid && awready) begin
                      if (awid != 0 || awsize != $clog2(W / 8) || awburst != 1 || awaddr %% (W / 8) != 0
                          || index(awaddr, awlen) >= WORDS || awaddr < BASE)
                        $display("error %%m AW id %%0d size %%0d burst %%0d addr %%h len %%0d", awid, awsize, awburst,
                                 awaddr, awlen);
                      qw_addr[qw_tail %% 64] <= awaddr; qw_len[qw_tail %% 64] <= awlen; qw_tail <= qw_tail + 1;
                    end
                    if (wvalid && wready) begin
                      for (k = 0; k < W / 8; k = k + 1)
                        if (wstrb[k]) mem[index(qw_addr[qw_head %% 64], wbeat)][8 * k +: 8] <= wdata[8 * k +: 8];
                      if (wlast != (wbeat == qw_len[qw_head %% 64])) $display("error %%m wlast at beat %%0d", wbeat);
                      if (wlast) begin wbeat <= 0; qw_head <= qw_head + 1; end else wbeat <= wbeat + 1;
                    end
                    b_count <= b_count + (wvalid && wready && wlast) - (bvalid && bready);
                  end
                endmodule

                module tb;
                  reg clk = 0;
                  reg reset = 1;
                  integer seed = %1$d, i, ar_next = 0, aw_next = 0, r_done = 0, b_done = 0, w_burst = 0, w_beat = 0;
                  integer ar_outstanding = 0;
                  reg [%4$d-1:0] ar_id [0:%7$d-1]; reg [%3$d-1:0] ar_addr [0:%7$d-1]; reg [7:0] ar_len [0:%7$d-1];
                  reg [%4$d-1:0] aw_id [0:%7$d-1]; reg [%3$d-1:0] aw_addr [0:%7$d-1]; reg [7:0] aw_len [0:%7$d-1];
                %5$s
                  wire s_arready, s_rvalid, s_rlast, s_awready, s_wready, s_bvalid;
                  wire [%2$d-1:0] s_rdata;
                  wire [%4$d-1:0] s_rid, s_bid;
                  wire [1:0] s_rresp, s_bresp;
                  reg s_rready = 0, s_bready = 0, s_wvalid = 0, w_gap = 0;
                  reg [%2$d-1:0] s_wdata = 0, next_wdata = 0;
                  reg [%2$d/8-1:0] s_wstrb = 0, next_wstrb = 0;
                  wire s_arvalid = ar_next < %7$d;
                  wire s_awvalid = aw_next < %7$d;
                  wire s_wlast = w_beat == aw_len[w_burst];
                  wire [%4$d-1:0] s_arid = ar_id[ar_next];
                  wire [%3$d-1:0] s_araddr = ar_addr[ar_next];
                  wire [7:0] s_arlen = ar_len[ar_next];
                  wire [%4$d-1:0] s_awid = aw_id[aw_next];
                  wire [%3$d-1:0] s_awaddr = aw_addr[aw_next];
                  wire [7:0] s_awlen = aw_len[aw_next];
                  AxiBankSplitter dut (
                %6$s,
                    .clk(clk), .reset(reset));
                  bank #(.W(%8$d), .A(%3$d - 1), .I(%4$d), .WORDS(%9$d), .BASE(%10$s), .SEED(%11$d), .FILE("bank0.hex"))
                    bank0 (.clk(clk), %12$s);
                  bank #(.W(%8$d), .A(%3$d - 1), .I(%4$d), .WORDS(%9$d), .BASE(%10$s), .SEED(%13$d), .FILE("bank1.hex"))
                    bank1 (.clk(clk), %14$s);
                  always #5 clk = ~clk;
                  task new_beat;
                    begin
                      for (i = 0; i < %2$d / 32; i = i + 1) next_wdata[32 * i +: 32] = $random(seed);
                      for (i = 0; i < %2$d / 8; i = i + 1) next_wstrb[i] = ($random(seed) & 3) != 0;
                    end
                  endtask
                  always @(posedge clk) if (!reset) begin
                    if (s_arvalid && s_arready) begin ar_next <= ar_next + 1; ar_outstanding = ar_outstanding + 1; end
                    if (s_awvalid && s_awready) aw_next <= aw_next + 1;
                    if (s_rvalid && s_rready) begin
                      $display("r %%0d %%h %%0d %%0d", s_rid, s_rdata, s_rlast, s_rresp);
                      if (s_rlast) begin r_done <= r_done + 1; ar_outstanding = ar_outstanding - 1; end
                    end
                    if (ar_outstanding > 1) $display("overlap");
                    if (s_bvalid && s_bready) begin
                      $display("b %%0d %%0d", s_bid, s_bresp);
                      b_done <= b_done + 1;
                    end
                    if (s_wvalid && s_wready) begin
                      $display("w %%h %%h", s_wdata, s_wstrb);
                      if (s_wlast) begin w_burst <= w_burst + 1; w_beat <= 0; end else w_beat <= w_beat + 1;
                      new_beat;
                      s_wdata <= next_wdata;
                      s_wstrb <= next_wstrb;
                    end
                    s_rready <= ($random(seed) & 3) != 0;
                    s_bready <= ($random(seed) & 1) != 0;
                    w_gap = ($random(seed) & 3) == 0;
                    s_wvalid <= w_burst + (s_wvalid && s_wready && s_wlast) < %7$d && (s_wvalid && !s_wready || !w_gap);
                  end
                  initial begin
                %15$s
                    new_beat;
                    s_wdata = next_wdata;
                    s_wstrb = next_wstrb;
                    repeat (3) @(posedge clk);
                    #1 reset = 0;
                    wait (r_done == %7$d && b_done == %7$d);
                    repeat (5) @(posedge clk);
                    for (i = 0; i < %9$d; i = i + 1) $display("m0 %%0d %%h", i, bank0.mem[i]);
                    for (i = 0; i < %9$d; i = i + 1) $display("m1 %%0d %%h", i, bank1.mem[i]);
                    $finish;
                  end
                  initial begin #5000000 $display("error timeout"); $finish; end
                endmodule
                """.formatted(random.nextInt(1 << 30), wideBits, addrBits, idBits,
                declarations("b0_", narrowBits, addrBits - 1, idBits) + declarations("b1_", narrowBits, addrBits - 1, idBits),
                splitterPorts, REQUESTS, narrowBits, 2 * WINDOW_WORDS, (addrBits - 1) + "'d" + base / 2,
                1 + random.nextInt(1 << 20), bankPorts("b0_"),
                1 + random.nextInt(1 << 20), bankPorts("b1_"), requests);
    }

    /** The named connections of one AXI port set {@code prefix} to wires {@code wire}. */
    private static String ports(String prefix, String wire, int dataBits, int addrBits, int idBits) {
        List<String> connections = new ArrayList<>();
        for (String[] signal : signals(dataBits, addrBits, idBits)) {
            connections.add("    ." + prefix + signal[0] + "(" + wire + signal[0] + ")");
        }
        return String.join(",\n", connections);
    }

    /** Wire declarations of one AXI port set, each signal {@code wire} + its name. */
    private static String declarations(String wire, int dataBits, int addrBits, int idBits) {
        StringBuilder text = new StringBuilder();
        for (String[] signal : signals(dataBits, addrBits, idBits)) {
            text.append("  wire [").append(Integer.parseInt(signal[1]) - 1).append(":0] ").append(wire).append(signal[0])
                    .append(";\n");
        }
        return text.toString();
    }

    /** The signals of an AXI4 port set with their widths, in the order of the Xilinx names. */
    private static String[][] signals(int dataBits, int addrBits, int idBits) {
        return new String[][] {{"arvalid", "1"}, {"arready", "1"}, {"araddr", "" + addrBits}, {"arid", "" + idBits},
                {"arlen", "8"}, {"arsize", "3"}, {"arburst", "2"}, {"rvalid", "1"}, {"rready", "1"},
                {"rdata", "" + dataBits}, {"rid", "" + idBits}, {"rresp", "2"}, {"rlast", "1"}, {"awvalid", "1"},
                {"awready", "1"}, {"awaddr", "" + addrBits}, {"awid", "" + idBits}, {"awlen", "8"}, {"awsize", "3"},
                {"awburst", "2"}, {"wvalid", "1"}, {"wready", "1"}, {"wdata", "" + dataBits},
                {"wstrb", "" + dataBits / 8}, {"wlast", "1"}, {"bvalid", "1"}, {"bready", "1"}, {"bid", "" + idBits},
                {"bresp", "2"}};
    }

    /** The bank model's connections to the splitter's wires {@code wire} (the widths do not matter here). */
    private static String bankPorts(String wire) {
        List<String> connections = new ArrayList<>();
        for (String[] signal : signals(1, 1, 1)) {
            connections.add("." + signal[0] + "(" + wire + signal[0] + ")");
        }
        return String.join(", ", connections);
    }
}
