package org.esegen.cli;

import org.esegen.compile.RegisterMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;

import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code esegen registers}: the AXI4-Lite register map as a Markdown table. */
@Command(name = "registers", mixinStandardHelpOptions = true,
        description = "Print the accelerator's AXI4-Lite register map (offset, access, name, contents) as a Markdown "
                + "table (the one in README.md); the same table is in every params.json. --delta: the delta engine's "
                + "(engine=1) map; --circulant: the circulant engine's (engine=2).")
public final class RegistersCommand implements Callable<Integer> {
    @Option(names = "--delta", description = "the delta engine's register map (designs with engine=1)")
    boolean delta;

    @Option(names = "--circulant", description = "the circulant engine's register map (designs with engine=2)")
    boolean circulant;

    /** The sparse engine's Markdown table, in offset order. */
    public static String table() {
        return table(RegisterMap.ALL);
    }

    /** The Markdown table of {@code registers}, in their order. */
    public static String table(List<RegisterMap.Register> registers) {
        StringBuilder s = new StringBuilder("| offset | access | register | contents |\n|---|---|---|---|\n");
        for (RegisterMap.Register r : registers) {
            s.append(String.format(Locale.ROOT, "| 0x%03X | %s | `%s` | %s |%n", r.offset(), r.access(), r.name(),
                    r.description()));
        }
        return s.toString();
    }

    @Override
    public Integer call() {
        if (delta && circulant) {
            throw new org.esegen.EsegenException("--delta and --circulant: give one engine's map");
        }
        System.out.print(table(delta ? RegisterMap.DELTA : circulant ? RegisterMap.CIRCULANT : RegisterMap.ALL));
        return 0;
    }
}
