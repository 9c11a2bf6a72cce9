package org.esegen.hdl;

import java.util.function.LongFunction;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;

/**
 * Seeded random draws as dynamic tests, the one scheme of the hdl-gen regressions: draw i is made from seed
 * base x 1,000,003 + i, so one base seed ({@code -Desegen.seed}) re-runs a whole run and each draw prints
 * what it was.
 */
final class SeededDraws {
    private SeededDraws() {
    }

    /** Runs one draw; its index names its work folder. */
    interface Run<D> {
        void run(int index, D draw) throws Throwable;
    }

    /** Draws {@code first} .. {@code first + count - 1} of {@code test}, each a dynamic test. */
    static <D> Stream<DynamicTest> of(String test, long base, int first, int count, LongFunction<D> draw, Run<D> run) {
        System.out.println(test + ": base seed " + base + " (-Desegen.seed=" + base + "), draws " + first + ".."
                + (first + count - 1));
        return IntStream.range(first, first + count).mapToObj(i -> {
            D d = draw.apply(base * 1_000_003L + i);
            return DynamicTest.dynamicTest("draw " + i + ": " + d, () -> run.run(i, d));
        });
    }
}
