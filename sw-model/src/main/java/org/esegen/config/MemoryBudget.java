package org.esegen.config;

import org.esegen.EsegenException;

import java.util.Locale;

/**
 * What a compile and a golden-model run hold in the JVM heap, checked before anything is allocated,
 * so an oversized request ends in a clear error (exit 2) with the numbers instead of an
 * OutOfMemoryError after minutes.
 */
public final class MemoryBudget {
    /** Heap per dense matrix weight of a model while it is pruned, quantized, compiled and run: about 37
     * bytes measured on ESE's 3.25 M weights (a 120 MiB heap suffices), with a margin. */
    public static final long BYTES_PER_WEIGHT = 64;

    /** Heap besides the weights: tables, encodings' bookkeeping, the JVM's own. */
    public static final long BASE_BYTES = 16L << 20;

    private MemoryBudget() {
    }

    /** Dense matrix weights of an LSTMP: 4H(I + P) + PH. */
    public static long denseWeights(long inputSize, long hiddenSize, long projSize) {
        return 4 * hiddenSize * (inputSize + projSize) + projSize * hiddenSize;
    }

    /** Heap for compiling and running a model of {@code denseWeights} weights, bytes. */
    public static long modelBytes(long denseWeights) {
        return BASE_BYTES + BYTES_PER_WEIGHT * denseWeights;
    }

    /**
     * Heap for {@code frames} frames on each of {@code channels} channels, bytes: the real and raw inputs,
     * the golden model's outputs and per-stage traces (about 8 H numbers a frame), both float
     * references, at 32 bytes a number to cover boxing and array headers.
     */
    public static long frameBytes(long channels, long frames, long inputSize, long hiddenSize, long projSize) {
        return 32 * channels * frames * (inputSize + 8 * hiddenSize + 4 * projSize);
    }

    /** Heap this JVM can still give: the maximum less what is in use. */
    public static long availableBytes() {
        Runtime rt = Runtime.getRuntime();
        return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    }

    /**
     * Fails when {@code bytes} exceed the heap this JVM can still give.
     *
     * @param what the request, as the user typed it (e.g. "--synthetic 65536,65536,65536")
     * @throws EsegenException naming the request, the bytes it needs and the bytes there are
     */
    public static void require(String what, long bytes) {
        long available = availableBytes();
        if (bytes > available) {
            throw new EsegenException(String.format(Locale.ROOT, "%s needs about %s of memory, but this JVM has %s "
                            + "free (maximum heap %s); ask for less, or give Java a larger heap (e.g. "
                            + "JAVA_TOOL_OPTIONS=-Xmx%dg) on a machine that has it", what, mib(bytes), mib(available),
                    mib(Runtime.getRuntime().maxMemory()), Math.max(1, (bytes >> 30) + 2)));
        }
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%,d MiB", bytes >> 20);
    }
}
