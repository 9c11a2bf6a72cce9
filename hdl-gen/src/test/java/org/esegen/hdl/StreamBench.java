package org.esegen.hdl;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes an Icarus testbench around a unit with valid/ready streams: sources offer items read from
 * memory files with random gaps, sinks accept with random back-pressure and print every item they
 * take. Stream rules are kept on the bench side: an offered item stays until it is taken.
 *
 * <p>A sink prints {@code <sink> <field> <field> ...} in hex, one line per item, in the order
 * taken. Handshakes are sampled at the rising edge; the bench changes the unit's inputs only at
 * the falling edge, so the unit's own registers never race with the bench.
 */
final class StreamBench {
    /** A port of the unit with its width. */
    record Port(String name, int width) {
    }

    private record Source(String name, List<Port> fields, List<BigInteger[]> items, int validPercent, String gate) {
    }

    private record Sink(String name, List<Port> fields, int readyPercent, boolean timed) {
    }

    private final String module;
    private final List<Source> sources = new ArrayList<>();
    private final List<Sink> sinks = new ArrayList<>();
    private final Map<String, Port> inputs = new LinkedHashMap<>();
    private final Map<String, String> inputValues = new LinkedHashMap<>();
    private final List<String> stimulus = new ArrayList<>();
    private final List<Port> outputs = new ArrayList<>();
    private final List<String> raw = new ArrayList<>();

    private boolean clocked = true;

    StreamBench(String module) {
        this.module = module;
    }

    /** Leaves {@code clk} and {@code reset} unconnected, for a unit of wires only (SpinalHDL gives it neither). */
    StreamBench unclocked() {
        clocked = false;
        return this;
    }

    /**
     * A source driving {@code name_valid} and {@code fields} and reading {@code name_ready}; each
     * item is one value per field. {@code validPercent} is the chance an idle source offers its next item.
     */
    StreamBench source(String name, List<Port> fields, List<BigInteger[]> items, int validPercent) {
        return gatedSource(name, fields, items, validPercent, "1'b1");
    }

    /**
     * A source as {@link #source} that offers an item only while the Verilog expression {@code gate}
     * (over the bench's and the unit's signals) is true when the item would be offered; an item
     * offered stays offered.
     */
    StreamBench gatedSource(String name, List<Port> fields, List<BigInteger[]> items, int validPercent, String gate) {
        sources.add(new Source(name, fields, items, validPercent, gate));
        return this;
    }

    /**
     * A sink reading {@code name_valid} and {@code fields}, driving {@code name_ready} high with
     * {@code readyPercent} chance. Sinks may share fields (a value common to several streams).
     */
    StreamBench sink(String name, List<Port> fields, int readyPercent) {
        sinks.add(new Sink(name, fields, readyPercent, false));
        return this;
    }

    /** A sink as {@link #sink}, whose lines end with one more field: the cycle the item was taken. */
    StreamBench timedSink(String name, List<Port> fields, int readyPercent) {
        sinks.add(new Sink(name, fields, readyPercent, true));
        return this;
    }

    /**
     * Verilog placed in the bench module as is: declarations and {@code always} blocks modelling
     * what the unit talks to (they may drive regs declared by {@link #input}; registers must use
     * non-blocking assignments).
     */
    StreamBench raw(String verilog) {
        raw.add(verilog);
        return this;
    }

    /** An input held at {@code value} for the whole run (set before reset ends). */
    StreamBench input(String name, int width, long value) {
        inputs.put(name, new Port(name, width));
        inputValues.put(name, Long.toString(value));
        return this;
    }

    /** An output the bench connects without reading. */
    StreamBench output(String name, int width) {
        outputs.add(new Port(name, width));
        return this;
    }

    /**
     * Verilog statements run once after reset, alongside the sources and sinks (for example a
     * start pulse: {@code "@(negedge clk) start = 1; @(negedge clk) start = 0;"}); inputs declared
     * with {@link #input} are regs the statements may change, at falling edges only. The run does
     * not end before the statements have.
     */
    StreamBench stimulus(String statements) {
        stimulus.add(statements);
        return this;
    }

    /**
     * Writes the memory files into {@code dir} and returns the bench (module {@code tb}). The run
     * ends when every source is empty and {@code quietCycles} cycles pass without a sink taking
     * an item, or after {@code maxCycles}, printing {@code timeout}.
     */
    String write(Path dir, long seed, int quietCycles, int maxCycles) throws IOException {
        StringBuilder decl = new StringBuilder();
        StringBuilder conn = new StringBuilder();
        StringBuilder drive = new StringBuilder();
        StringBuilder fire = new StringBuilder();
        StringBuilder sample = new StringBuilder();
        StringBuilder done = new StringBuilder("1'b1");
        for (Port input : inputs.values()) {
            decl.append("  reg ").append(range(input.width())).append(input.name()).append(" = 0;\n");
            conn.append("    .").append(input.name()).append('(').append(input.name()).append("),\n");
        }
        for (Port output : outputs) {
            decl.append("  wire ").append(range(output.width())).append(output.name()).append(";\n");
            conn.append("    .").append(output.name()).append('(').append(output.name()).append("),\n");
        }
        for (Source source : sources) {
            String s = source.name();
            int total = source.fields().stream().mapToInt(Port::width).sum();
            Path file = dir.resolve(s + ".hex");
            Files.write(file, source.items().stream().map(item -> hexItem(source.fields(), item)).toList());
            decl.append("  reg ").append(s).append("_valid = 0;\n  wire ").append(s).append("_ready;\n");
            decl.append("  reg [").append(total - 1).append(":0] ").append(s).append("_mem [0:")
                    .append(Math.max(0, source.items().size() - 1)).append("];\n");
            decl.append("  integer ").append(s).append("_next = 0;\n  reg ").append(s).append("_fire = 0;\n");
            fire.append("      ").append(s).append("_fire = ").append(s).append("_valid && ").append(s).append("_ready;\n");
            conn.append("    .").append(s).append("_valid(").append(s).append("_valid),\n");
            conn.append("    .").append(s).append("_ready(").append(s).append("_ready),\n");
            int at = 0;
            StringBuilder assigns = new StringBuilder();
            for (Port field : source.fields()) {
                decl.append("  reg ").append(range(field.width())).append(field.name()).append(" = 0;\n");
                conn.append("    .").append(field.name()).append('(').append(field.name()).append("),\n");
                assigns.append("        ").append(field.name()).append(" = ").append(s).append("_mem[")
                        .append(s).append("_next][").append(at + field.width() - 1).append(':').append(at)
                        .append("];\n");
                at += field.width();
            }
            decl.append("  initial $readmemh(\"").append(file.getFileName()).append("\", ").append(s).append("_mem);\n");
            drive.append("      if (").append(s).append("_fire) begin ")
                    .append(s).append("_next = ").append(s).append("_next + 1; ").append(s)
                    .append("_valid = 0; end\n");
            drive.append("      if (!").append(s).append("_valid && ").append(s).append("_next < ")
                    .append(source.items().size()).append(" && (").append(source.gate()).append(") && ($random(seed) & 127) < ")
                    .append(source.validPercent() * 128 / 100).append(") begin\n")
                    .append(assigns).append("        ").append(s).append("_valid = 1;\n      end\n");
            done.append(" && ").append(s).append("_next == ").append(source.items().size());
        }
        java.util.Set<String> sinkFields = new java.util.HashSet<>();
        for (Sink sink : sinks) {
            String s = sink.name();
            decl.append("  wire ").append(s).append("_valid;\n  reg ").append(s).append("_ready = 0;\n  reg ")
                    .append(s).append("_fire = 0;\n");
            fire.append("      ").append(s).append("_fire = ").append(s).append("_valid && ").append(s).append("_ready;\n");
            conn.append("    .").append(s).append("_valid(").append(s).append("_valid),\n");
            conn.append("    .").append(s).append("_ready(").append(s).append("_ready),\n");
            StringBuilder format = new StringBuilder(s);
            StringBuilder args = new StringBuilder();
            for (Port field : sink.fields()) {
                if (sinkFields.add(field.name())) {
                    decl.append("  wire ").append(range(field.width())).append(field.name()).append(";\n");
                    conn.append("    .").append(field.name()).append('(').append(field.name()).append("),\n");
                }
                format.append(" %h");
                args.append(", ").append(field.name());
            }
            if (sink.timed()) {
                format.append(" %h");
                args.append(", cycle");
            }
            sample.append("      if (").append(s).append("_fire) begin $display(\"")
                    .append(format).append('"').append(args).append("); quiet = 0; end\n");
            drive.append("      ").append(s).append("_ready = ($random(seed) & 127) < ")
                    .append(sink.readyPercent() * 128 / 100).append(";\n");
        }
        return """
                `timescale 1ns/1ps
                module tb;
                  reg clk = 1'b0;
                  reg reset = 1'b1;
                  integer seed = %d;
                  integer cycle = 0;
                  integer quiet = 0;
                  reg stimulus_done = 0;
                %s
                %s
                  %s dut (
                %s);
                  always #5 clk = ~clk;
                  initial begin
                    wait (!reset);
                    %s
                    stimulus_done = 1;
                  end
                  initial begin
                %s
                    repeat (3) @(posedge clk);
                    #1 reset = 1'b0;
                    forever begin
                      @(posedge clk);
                      cycle = cycle + 1;
                      quiet = quiet + 1;
                %s%s
                      if (stimulus_done && (%s) && quiet > %d) $finish;
                      if (cycle > %d) begin $display("timeout"); $finish; end
                      @(negedge clk);
                %s
                    end
                  end
                endmodule
                """.formatted(seed, decl, String.join("\n", raw), module,
                (clocked ? conn + "    .clk(clk),\n    .reset(reset)" : conn.substring(0, conn.length() - 2)),
                String.join("\n    ", stimulus),
                inputs.keySet().stream().map(n -> "    " + n + " = " + inputValues.get(n) + ";")
                        .collect(Collectors.joining("\n")),
                fire, sample, done, quietCycles, maxCycles, drive);
    }

    private static String range(int width) {
        return width == 1 ? "" : "[" + (width - 1) + ":0] ";
    }

    private static String hexItem(List<Port> fields, BigInteger[] item) {
        BigInteger value = BigInteger.ZERO;
        int at = 0;
        for (int i = 0; i < fields.size(); i++) {
            BigInteger mask = BigInteger.ONE.shiftLeft(fields.get(i).width()).subtract(BigInteger.ONE);
            value = value.or(item[i].and(mask).shiftLeft(at));
            at += fields.get(i).width();
        }
        return value.toString(16);
    }

    /** The lines a sink printed, as its field values; undefined (x or z) hex digits read as 0. */
    static List<BigInteger[]> taken(List<String> printed, String sink) {
        List<BigInteger[]> items = new ArrayList<>();
        for (String line : printed) {
            String[] parts = line.trim().split("\\s+");
            if (parts[0].equals(sink)) {
                BigInteger[] item = new BigInteger[parts.length - 1];
                for (int i = 1; i < parts.length; i++) {
                    item[i - 1] = new BigInteger(parts[i].replaceAll("[xXzZ]", "0"), 16);
                }
                items.add(item);
            }
        }
        return items;
    }
}
