package org.esegen.hdl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import org.esegen.EsegenException;
import org.esegen.hdl.VerilogText.Port;
import org.esegen.hdl.units.DdrReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * DdrReader against a behavioral AXI4 memory in Icarus: random AR acceptance, random latency,
 * R beats of different IDs interleaved beat by beat, random consumers. Every client's words must
 * be the memory's words of its commands, in order; the memory checks each AR (INCR, size,
 * alignment, no 4 KiB crossing, burst length, window) and the number of bursts in flight.
 */
class DdrReaderTest {
    private static final long DEFAULT_SEED = 20_260_301L;
    private static final int WINDOW_BYTES = 32 * AxiBench.PAGE_BYTES;
    private static final int COMMANDS_PER_CLIENT = 10;

    @TempDir
    Path dir;

    /** A DdrReader's parameters. */
    private record Config(int dataBits, int addrBits, int clients, int maxBurstBeats, int maxOutstanding,
                          int clientFifoBeats) {
        DdrReader build() {
            return new DdrReader(dataBits, addrBits, clients, maxBurstBeats, maxOutstanding, clientFifoBeats);
        }

        int beatBytes() {
            return dataBits / 8;
        }
    }

    /** One read command. */
    private record Command(long address, int beats) {
    }

    /**
     * How the memory and the consumers behave: percentages of cycles AR is accepted, an R beat is
     * offered, a consumer is ready and a command is offered; read latency range from AR to the
     * first beat; whether R beats of different IDs interleave (else strictly in AR order); the
     * index of an R beat answered SLVERR (-1: none).
     */
    private record Timing(int arReadyPercent, int rValidPercent, int readyPercent, int commandPercent,
                          int latencyMin, int latencyMax, boolean interleave, int errorBeat) {
        static final Timing RANDOM = new Timing(70, 85, 75, 50, 1, 24, true, -1);
        static final Timing FULL_RATE = new Timing(100, 100, 100, 100, 20, 20, false, -1);

        Timing with(int consumerReadyPercent, int beat) {
            return new Timing(arReadyPercent, rValidPercent, consumerReadyPercent, commandPercent, latencyMin,
                    latencyMax, interleave, beat);
        }
    }

    /** What the testbench printed: the words each client received, and the closing line. */
    private record Run(Map<Integer, List<String>> words, String end, List<String> violations) {
    }

    @ParameterizedTest(name = "D={0} A={1} clients={2} burst={3} outstanding={4} fifo={5}")
    @CsvSource({"512, 33, 3, 64, 4, 128", "64, 32, 1, 16, 2, 32"})
    void axiPortsHaveTheXilinxNamesAndItLintsClean(int dataBits, int addrBits, int clients, int maxBurstBeats,
                                                   int maxOutstanding, int clientFifoBeats) throws Exception {
        Config config = new Config(dataBits, addrBits, clients, maxBurstBeats, maxOutstanding, clientFifoBeats);
        Path verilog = AxiBench.emit(dir, "DdrReader", config::build);

        Map<String, Port> axi = new LinkedHashMap<>();
        axi.put("m_axi_arvalid", new Port("output", 1));
        axi.put("m_axi_arready", new Port("input", 1));
        axi.put("m_axi_araddr", new Port("output", addrBits));
        axi.put("m_axi_arid", new Port("output", 4));
        axi.put("m_axi_arlen", new Port("output", 8));
        axi.put("m_axi_arsize", new Port("output", 3));
        axi.put("m_axi_arburst", new Port("output", 2));
        axi.put("m_axi_rvalid", new Port("input", 1));
        axi.put("m_axi_rready", new Port("output", 1));
        axi.put("m_axi_rdata", new Port("input", dataBits));
        axi.put("m_axi_rid", new Port("input", 4));
        axi.put("m_axi_rresp", new Port("input", 2));
        axi.put("m_axi_rlast", new Port("input", 1));
        assertEquals(axi, AxiBench.ports(verilog, "DdrReader", "m_axi_"));
        for (int k = 0; k < clients; k++) {
            Map<String, Port> client = new LinkedHashMap<>();
            client.put("cmd_" + k + "_valid", new Port("input", 1));
            client.put("cmd_" + k + "_ready", new Port("output", 1));
            client.put("cmd_" + k + "_address", new Port("input", addrBits));
            client.put("cmd_" + k + "_beats", new Port("input", 24));
            assertEquals(client, AxiBench.ports(verilog, "DdrReader", "cmd_" + k + "_"));
            Map<String, Port> data = new LinkedHashMap<>();
            data.put("data_" + k + "_valid", new Port("output", 1));
            data.put("data_" + k + "_ready", new Port("input", 1));
            data.put("data_" + k + "_payload", new Port("output", dataBits));
            assertEquals(data, AxiBench.ports(verilog, "DdrReader", "data_" + k + "_"));
        }
        AxiBench.lint(verilog);
    }

    @ParameterizedTest(name = "D={0} A={1} clients={2} burst={3} outstanding={4} fifo={5}, consumers ready {6} %, error beat {7}")
    @CsvSource({
            "512, 33, 3, 64, 4, 128, 20, -1",
            "512, 33, 3, 64, 4, 128, 90, -1",
            "64, 32, 1, 16, 2, 32, 10, -1",
            "64, 33, 2, 256, 3, 256, 50, 57",
            "512, 32, 3, 8, 1, 8, 30, -1"})
    void everyClientReceivesItsWordsInOrderUnderRandomTiming(int dataBits, int addrBits, int clients,
            int maxBurstBeats, int maxOutstanding, int clientFifoBeats, int readyPercent, int errorBeat)
            throws Exception {
        Config config = new Config(dataBits, addrBits, clients, maxBurstBeats, maxOutstanding, clientFifoBeats);
        long seed = AxiBench.seed("DdrReader " + config + " ready " + readyPercent + " %",
                DEFAULT_SEED + dataBits + addrBits + clients + maxBurstBeats + readyPercent);
        Random random = new Random(seed);
        long base = AxiBench.windowBase(addrBits, WINDOW_BYTES);
        List<List<Command>> commands = new ArrayList<>();
        for (int k = 0; k < clients; k++) {
            commands.add(randomCommands(config, random, base));
        }
        Timing timing = Timing.RANDOM.with(readyPercent, errorBeat);

        List<String> memory = AxiBench.randomMemory(dir.resolve("mem.hex"), random, WINDOW_BYTES / config.beatBytes(),
                dataBits);
        Run run = simulate(config, timing, base, commands, random.nextInt(1 << 30));

        System.out.println("  " + run.end() + ", words per client " + run.words().values().stream().map(List::size).toList());
        assertEquals(List.of(), run.violations());
        for (int k = 0; k < clients; k++) {
            assertEquals(expectedWords(config, base, memory, commands.get(k)), run.words().get(k), "client " + k);
        }
        assertEquals(1, AxiBench.field(run.end(), "idle"), run.end());
        assertEquals(errorBeat >= 0 ? 1 : 0, AxiBench.field(run.end(), "error"), run.end());
        assertEquals(0, AxiBench.field(run.end(), "starved"), "no client starved once all is delivered: " + run.end());
        assertTrue(AxiBench.field(run.end(), "max_in_flight") >= Math.min(2, maxOutstanding), run.end());
    }

    @Test
    void streamsOneWordPerCycleFromAFullRateMemory() throws Exception {
        Config config = new Config(512, 33, 3, 64, 4, 128);
        long base = AxiBench.windowBase(config.addrBits, WINDOW_BYTES);
        int words = WINDOW_BYTES / config.beatBytes();
        List<String> memory = AxiBench.randomMemory(dir.resolve("mem.hex"), new Random(DEFAULT_SEED), words, 512);

        Run single = simulate(config, Timing.FULL_RATE, base,
                List.of(List.of(new Command(base, words)), List.of(), List.of()), 1);
        int third = words / 3;
        Run shared = simulate(config, Timing.FULL_RATE, base, List.of(List.of(new Command(base, third)),
                List.of(new Command(base + (long) third * 64, third)),
                List.of(new Command(base + 2L * third * 64, third))), 1);

        assertEquals(expectedWords(config, base, memory, List.of(new Command(base, words))), single.words().get(0));
        double singleRate = rate(single, words);
        double sharedRate = rate(shared, 3 * third);
        System.out.printf(Locale.ROOT, "DdrReader(512, 33, 3, 64, 4, 128), memory 1 beat/cycle, latency %d: "
                        + "1 client %.3f beats/cycle, 3 clients %.3f beats/cycle (first to last beat)%n",
                Timing.FULL_RATE.latencyMin, singleRate, sharedRate);
        assertTrue(singleRate > 0.98, "one client: " + single.end());
        assertTrue(sharedRate > 0.98, "three clients: " + shared.end());
    }

    @Test
    void rejectsAFifoThatCannotHoldOneBurst() {
        EsegenException failure = assertThrows(EsegenException.class, () -> new DdrReader(512, 33, 3, 64, 4, 32));

        assertEquals("DdrReader: clientFifoBeats 32 is outside 64..65536 (maxBurstBeats .. 65536)", failure.getMessage());
    }

    private static double rate(Run run, int beats) {
        return (double) beats / (AxiBench.field(run.end(), "last_beat") - AxiBench.field(run.end(), "first_beat") + 1);
    }

    /**
     * Commands inside the window: short ones, ones longer than a burst, ones that start just
     * below a 4 KiB boundary and cross it, and one of zero beats.
     */
    private static List<Command> randomCommands(Config config, Random random, long base) {
        int beatBytes = config.beatBytes();
        int windowWords = WINDOW_BYTES / beatBytes;
        int pageWords = AxiBench.PAGE_BYTES / beatBytes;
        List<Command> commands = new ArrayList<>();
        for (int i = 0; i < COMMANDS_PER_CLIENT; i++) {
            int beats = switch (i % 4) {
                case 0 -> 1 + random.nextInt(4);
                case 1 -> config.maxBurstBeats + 1 + random.nextInt(2 * config.maxBurstBeats + 4);
                default -> 1 + random.nextInt(2 * config.maxBurstBeats + 8);
            };
            if (i == COMMANDS_PER_CLIENT / 2) {
                beats = 0;
            }
            long word;
            if (i % 4 == 2 && beats > 1) {
                int page = 1 + random.nextInt((windowWords - beats) / pageWords);
                word = (long) page * pageWords - 1 - random.nextInt(Math.min(beats - 1, pageWords));
            } else {
                word = random.nextInt(windowWords - beats + 1);
            }
            commands.add(new Command(base + word * beatBytes, beats));
        }
        return commands;
    }

    private static List<String> expectedWords(Config config, long base, List<String> memory, List<Command> commands) {
        List<String> words = new ArrayList<>();
        for (Command command : commands) {
            int first = (int) ((command.address - base) / config.beatBytes());
            words.addAll(memory.subList(first, first + command.beats));
        }
        return words;
    }

    private Run simulate(Config config, Timing timing, long base, List<List<Command>> commands, int tbSeed)
            throws Exception {
        Path verilog = AxiBench.emit(dir, "DdrReader", config::build);
        List<String> printed = Tools.simulate(dir, bench(config, timing, base, commands, tbSeed), List.of(verilog));
        Map<Integer, List<String>> words = new LinkedHashMap<>();
        for (int k = 0; k < config.clients; k++) {
            words.put(k, new ArrayList<>());
        }
        for (String line : AxiBench.lines(printed, "data")) {
            String[] fields = line.split(" ");
            words.get(Integer.parseInt(fields[1])).add(fields[2]);
        }
        List<String> ends = AxiBench.lines(printed, "end");
        assertEquals(1, ends.size(), () -> "the testbench did not finish:\n" + String.join("\n",
                printed.subList(Math.max(0, printed.size() - 20), printed.size())));
        return new Run(words, ends.get(0), AxiBench.lines(printed, "violation"));
    }

    private static String bench(Config config, Timing timing, long base, List<List<Command>> commands, int tbSeed) {
        int a = config.addrBits;
        int d = config.dataBits;
        int k = config.clients;
        int maxCommands = Math.max(1, commands.stream().mapToInt(List::size).max().orElse(0));
        StringBuilder tables = new StringBuilder();
        for (int client = 0; client < k; client++) {
            List<Command> list = commands.get(client);
            long beats = list.stream().mapToLong(Command::beats).sum();
            tables.append(String.format(Locale.ROOT, "    command_count[%d] = %d; expected[%d] = %d;%n",
                    client, list.size(), client, beats));
            for (int i = 0; i < list.size(); i++) {
                tables.append(String.format(Locale.ROOT, "    cmd_addr_tab[%d] = %d'h%x; cmd_beats_tab[%d] = %d;%n",
                        client * maxCommands + i, a, list.get(i).address, client * maxCommands + i, list.get(i).beats));
            }
        }
        String ports = java.util.stream.IntStream.range(0, k).mapToObj(c -> String.format(Locale.ROOT,
                "    .cmd_%1$d_valid(cmd_valid[%1$d]), .cmd_%1$d_ready(cmd_ready[%1$d]),"
                        + " .cmd_%1$d_address(cmd_address[%2$d:%3$d]), .cmd_%1$d_beats(cmd_beats[%4$d:%5$d]),%n"
                        + "    .data_%1$d_valid(data_valid[%1$d]), .data_%1$d_ready(data_ready[%1$d]),"
                        + " .data_%1$d_payload(data_payload[%6$d:%7$d]), .starved_%1$d(starved[%1$d]),",
                c, (c + 1) * a - 1, c * a, (c + 1) * 24 - 1, c * 24, (c + 1) * d - 1, c * d))
                .collect(Collectors.joining("\n"));
        return """
                `timescale 1ns/1ps
                module tb;
                  localparam D = %1$d, A = %2$d, K = %3$d, LOG2B = %4$d, B = D / 8;
                  localparam N = %5$d, MAXC = %6$d, MAX_OUT = %7$d, MAX_BURST = %8$d, SLOTS = 16;
                  localparam [63:0] BASE = 64'h%9$x;
                  localparam AR_PCT = %10$d, R_PCT = %11$d, READY_PCT = %12$d, CMD_PCT = %13$d;
                  localparam LAT_MIN = %14$d, LAT_MAX = %15$d, INTERLEAVE = %16$d, ERROR_BEAT = %17$d;
                  localparam TIMEOUT = %21$d;
                  reg clk = 1'b0;
                  reg reset = 1'b1;
                  always #5 clk = ~clk;
                  integer seed = %18$d;
                  function integer rnd(input integer n);
                    begin rnd = {$random(seed)} %% n; end
                  endfunction

                  reg [D-1:0] mem [0:N-1];
                  reg [A-1:0] cmd_addr_tab [0:K*MAXC-1];
                  reg [23:0] cmd_beats_tab [0:K*MAXC-1];
                  integer command_count [0:K-1];
                  integer expected [0:K-1];

                  reg [K-1:0] cmd_valid = 0;
                  wire [K-1:0] cmd_ready;
                  reg [K*A-1:0] cmd_address = 0;
                  reg [K*24-1:0] cmd_beats = 0;
                  wire [K-1:0] data_valid;
                  reg [K-1:0] data_ready = 0;
                  wire [K*D-1:0] data_payload;
                  wire [K-1:0] starved;
                  wire arvalid, rready, idle, error;
                  reg arready = 1'b0;
                  wire [A-1:0] araddr;
                  wire [3:0] arid;
                  wire [7:0] arlen;
                  wire [2:0] arsize;
                  wire [1:0] arburst;
                  reg rvalid = 1'b0, rlast = 1'b0;
                  reg [D-1:0] rdata = 0;
                  reg [3:0] rid = 0;
                  reg [1:0] rresp = 0;

                  DdrReader dut (
                %19$s
                    .m_axi_arvalid(arvalid), .m_axi_arready(arready), .m_axi_araddr(araddr), .m_axi_arid(arid),
                    .m_axi_arlen(arlen), .m_axi_arsize(arsize), .m_axi_arburst(arburst),
                    .m_axi_rvalid(rvalid), .m_axi_rready(rready), .m_axi_rdata(rdata), .m_axi_rid(rid),
                    .m_axi_rresp(rresp), .m_axi_rlast(rlast), .idle(idle), .error(error), .clk(clk), .reset(reset));

                  // Memory: one slot per AR in flight.
                  reg slot_valid [0:SLOTS-1];
                  reg [63:0] slot_addr [0:SLOTS-1];
                  integer slot_beats [0:SLOTS-1];
                  integer slot_id [0:SLOTS-1];
                  integer slot_done [0:SLOTS-1];
                  integer slot_seq [0:SLOTS-1];
                  integer slot_time [0:SLOTS-1];
                  integer head_seq [0:15];
                  integer cycle = 0, seq = 0, in_flight = 0, max_in_flight = 0, cur = -1, beats_offered = 0;
                  integer cmd_idx [0:K-1];
                  integer accepted [0:K-1];
                  integer received [0:K-1];
                  integer c, s, j, pick, start, done_cycle = 0, first_beat = -1, last_beat = 0, starved_cycles = 0;
                  integer all_done;
                  reg ar_pending = 1'b0;
                  reg [A-1:0] ar_addr_q;
                  reg [7:0] ar_len_q;
                  reg [3:0] ar_id_q;
                  reg [63:0] a64;
                  reg cv;

                  initial begin
                    $readmemh("mem.hex", mem);
                %20$s
                    for (s = 0; s < SLOTS; s = s + 1) slot_valid[s] = 1'b0;
                    for (c = 0; c < K; c = c + 1) begin cmd_idx[c] = 0; accepted[c] = 0; received[c] = 0; end
                    repeat (3) @(posedge clk);
                    #1 reset = 1'b0;
                  end

                  always @(posedge clk) if (!reset) begin
                    cycle = cycle + 1;
                    // idle promises that every accepted word has been delivered
                    for (c = 0; c < K; c = c + 1)
                      if (idle && accepted[c] != received[c])
                        $display("violation idle at cycle %%0d while client %%0d has %%0d words undelivered",
                                 cycle, c, accepted[c] - received[c]);
                    if (starved != 0) starved_cycles = starved_cycles + 1;

                    // AR: stable until accepted, then checked and queued
                    if (ar_pending && (!arvalid || araddr != ar_addr_q || arlen != ar_len_q || arid != ar_id_q))
                      $display("violation AR dropped or changed before arready at cycle %%0d", cycle);
                    if (arvalid && arready) begin
                      a64 = araddr;
                      if (arburst != 2'd1) $display("violation arburst %%0d", arburst);
                      if (arsize != LOG2B) $display("violation arsize %%0d", arsize);
                      if (a64 %% B != 0) $display("violation araddr %%h not aligned", araddr);
                      if (arlen + 1 > MAX_BURST) $display("violation arlen %%0d above the maximum burst", arlen);
                      if (a64 %% 4096 + (arlen + 1) * B > 4096)
                        $display("violation burst at %%h of %%0d beats crosses 4 KiB", araddr, arlen + 1);
                      if (a64 < BASE || a64 + (arlen + 1) * B > BASE + N * B)
                        $display("violation burst at %%h of %%0d beats outside memory", araddr, arlen + 1);
                      if (arid >= K) $display("violation arid %%0d", arid);
                      pick = -1;
                      for (s = SLOTS - 1; s >= 0; s = s - 1) if (!slot_valid[s]) pick = s;
                      slot_valid[pick] = 1'b1;
                      slot_addr[pick] = a64;
                      slot_beats[pick] = arlen + 1;
                      slot_id[pick] = arid;
                      slot_done[pick] = 0;
                      slot_seq[pick] = seq;
                      slot_time[pick] = cycle + LAT_MIN + rnd(LAT_MAX - LAT_MIN + 1);
                      seq = seq + 1;
                      in_flight = in_flight + 1;
                      if (in_flight > max_in_flight) max_in_flight = in_flight;
                      if (in_flight > MAX_OUT) $display("violation %%0d bursts in flight", in_flight);
                    end
                    ar_pending = arvalid && !arready;
                    ar_addr_q = araddr;
                    ar_len_q = arlen;
                    ar_id_q = arid;
                    arready <= rnd(100) < AR_PCT;

                    // R: never back-pressured; beats of one ID in order, of different IDs in any order
                    if (rvalid && !rready) $display("violation rready low under rvalid at cycle %%0d", cycle);
                    if (rvalid && rready) begin
                      slot_done[cur] = slot_done[cur] + 1;
                      if (slot_done[cur] == slot_beats[cur]) begin
                        slot_valid[cur] = 1'b0;
                        in_flight = in_flight - 1;
                      end
                      cur = -1;
                    end
                    if (cur == -1) begin
                      for (j = 0; j < 16; j = j + 1) head_seq[j] = 32'h7fffffff;
                      for (s = 0; s < SLOTS; s = s + 1)
                        if (slot_valid[s] && slot_seq[s] < head_seq[slot_id[s]]) head_seq[slot_id[s]] = slot_seq[s];
                      pick = -1;
                      if (INTERLEAVE) begin
                        start = rnd(SLOTS);
                        for (j = 0; j < SLOTS; j = j + 1) begin
                          s = (start + j) %% SLOTS;
                          if (pick == -1 && slot_valid[s] && slot_time[s] <= cycle && slot_seq[s] == head_seq[slot_id[s]])
                            pick = s;
                        end
                      end else begin
                        for (s = 0; s < SLOTS; s = s + 1)
                          if (slot_valid[s] && (pick == -1 || slot_seq[s] < slot_seq[pick])) pick = s;
                        if (pick != -1 && slot_time[pick] > cycle) pick = -1;
                      end
                      if (pick != -1 && rnd(100) < R_PCT) begin
                        cur = pick;
                        rdata <= mem[((slot_addr[pick] - BASE) >> LOG2B) + slot_done[pick]];
                        rid <= slot_id[pick];
                        rlast <= slot_done[pick] + 1 == slot_beats[pick];
                        rresp <= beats_offered == ERROR_BEAT ? 2'd2 : 2'd0;
                        beats_offered = beats_offered + 1;
                      end
                      rvalid <= cur != -1;
                    end

                    // Clients: offer commands, take words
                    all_done = 1;
                    for (c = 0; c < K; c = c + 1) begin
                      cv = cmd_valid[c];
                      if (cmd_valid[c] && cmd_ready[c]) begin
                        accepted[c] = accepted[c] + cmd_beats_tab[c * MAXC + cmd_idx[c]];
                        cmd_idx[c] = cmd_idx[c] + 1;
                        cv = 1'b0;
                      end
                      if (!cv && cmd_idx[c] < command_count[c] && rnd(100) < CMD_PCT) begin
                        cv = 1'b1;
                        cmd_address[c * A +: A] <= cmd_addr_tab[c * MAXC + cmd_idx[c]];
                        cmd_beats[c * 24 +: 24] <= cmd_beats_tab[c * MAXC + cmd_idx[c]];
                      end
                      cmd_valid[c] <= cv;
                      if (data_valid[c] && data_ready[c]) begin
                        $display("data %%0d %%h", c, data_payload[c * D +: D]);
                        received[c] = received[c] + 1;
                        if (first_beat == -1) first_beat = cycle;
                        last_beat = cycle;
                      end
                      data_ready[c] <= rnd(100) < READY_PCT;
                      if (received[c] != expected[c] || cmd_idx[c] != command_count[c]) all_done = 0;
                    end
                    if (all_done && done_cycle == 0) done_cycle = cycle;
                    if (done_cycle != 0 && cycle == done_cycle + 4) begin
                      $display("end cycles %%0d first_beat %%0d last_beat %%0d idle %%0d error %%0d starved %%0d max_in_flight %%0d starved_cycles %%0d",
                               cycle, first_beat, last_beat, idle, error, starved, max_in_flight, starved_cycles);
                      $finish;
                    end
                    if (cycle == TIMEOUT) begin
                      for (c = 0; c < K; c = c + 1)
                        $display("timeout client %%0d commands %%0d/%%0d words %%0d/%%0d", c, cmd_idx[c], command_count[c],
                                 received[c], expected[c]);
                      $finish;
                    end
                  end
                endmodule
                """.formatted(d, a, k, Integer.numberOfTrailingZeros(config.beatBytes()), WINDOW_BYTES / config.beatBytes(),
                maxCommands, config.maxOutstanding, config.maxBurstBeats, base, timing.arReadyPercent,
                timing.rValidPercent, timing.readyPercent, timing.commandPercent, timing.latencyMin, timing.latencyMax,
                timing.interleave ? 1 : 0, timing.errorBeat, tbSeed, ports, tables,
                2000 + 40 * commands.stream().flatMap(List::stream).mapToInt(Command::beats).sum());
    }
}
