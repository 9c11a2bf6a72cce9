package org.esegen.hdl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.esegen.hdl.VerilogText.Port;
import org.esegen.hdl.spinal.VerilogEmitter;
import spinal.core.Component;

/**
 * What the DDR and register-file tests share: emitting and linting one unit, checking its port
 * list, random memory words, and a 4 KiB-aligned window of AXI memory for the Icarus testbenches.
 */
final class AxiBench {
    static final int PAGE_BYTES = 4096;

    private AxiBench() {
    }

    /** The seed of a test: {@code -Desegen.test.seed} or {@code defaultSeed}, printed so a failure can be replayed. */
    static long seed(String test, long defaultSeed) {
        long seed = Long.getLong("esegen.test.seed", defaultSeed);
        System.out.println(test + ": seed " + seed + " (replay with -Desegen.test.seed=" + seed + ")");
        return seed;
    }

    /** Emits {@code top} as {@code topName} into {@code dir}; returns the file. */
    static Path emit(Path dir, String topName, java.util.function.Supplier<? extends Component> top) {
        List<Path> files = VerilogEmitter.emit(dir, topName, top);
        assertEquals(1, files.size(), "one Verilog file per top");
        return files.get(0);
    }

    /** Lints {@code verilog} with {@code -Wall} and the waivers of hdl-gen; fails on any message. */
    static void lint(Path verilog) throws IOException, InterruptedException {
        Tools.assumeOnPath("verilator");
        Tools.runOk(verilog.getParent(), "verilator", "--lint-only", "-Wall", "-Wno-DECLFILENAME",
                Tools.verilatorWaivers().toString(), verilog.toString());
    }

    /** The ports of module {@code module} of {@code verilog} whose names start with {@code prefix}. */
    static Map<String, Port> ports(Path verilog, String module, String prefix) throws IOException {
        Map<String, Port> ports = new java.util.LinkedHashMap<>(VerilogText.ports(
                VerilogText.module(Files.readString(verilog), module)));
        ports.keySet().removeIf(name -> !name.startsWith(prefix));
        return ports;
    }

    /** A random word of {@code bits} bits as lower-case hex, zero-padded to bits/4 digits (as Icarus {@code %h}). */
    static String randomWord(Random random, int bits) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < bits / 4; i++) {
            hex.append(Character.forDigit(random.nextInt(16), 16));
        }
        return hex.toString();
    }

    /** {@code words} random words, one hex line each in {@code file} (for {@code $readmemh}). */
    static List<String> randomMemory(Path file, Random random, int words, int bits) throws IOException {
        List<String> memory = new ArrayList<>(words);
        for (int i = 0; i < words; i++) {
            memory.add(randomWord(random, bits));
        }
        Files.write(file, memory);
        return memory;
    }

    /**
     * The byte address of a window of {@code windowBytes} (a multiple of 4 KiB): across the 4 GiB
     * line when the address space is wider than 32 bits, else at its top, so the high address
     * bits are exercised.
     */
    static long windowBase(int addrBits, long windowBytes) {
        return addrBits > 32 ? (1L << 32) - windowBytes / 2 : (1L << addrBits) - windowBytes;
    }

    /** Lines the testbench printed that start with {@code prefix} + space. */
    static List<String> lines(List<String> printed, String prefix) {
        return printed.stream().filter(line -> line.startsWith(prefix + " ")).toList();
    }

    /** The value of {@code key} on a testbench line of {@code key value} pairs. */
    static long field(String line, String key) {
        String[] words = line.trim().split("\\s+");
        for (int i = 0; i + 1 < words.length; i++) {
            if (words[i].equals(key)) {
                return Long.parseLong(words[i + 1]);
            }
        }
        throw new AssertionError("no " + key + " in: " + line);
    }
}
