package org.esegen.cli;

import org.esegen.compile.RegisterMap;
import picocli.CommandLine.Command;

import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code esegen registers}: the AXI4-Lite register map as a Markdown table. */
@Command(name = "registers", mixinStandardHelpOptions = true,
        description = "Print the accelerator's AXI4-Lite register map (offset, access, name, contents) as a Markdown "
                + "table (the one in README.md); the same table is in every params.json.")
public final class RegistersCommand implements Callable<Integer> {

    /** The Markdown table, in offset order. */
    public static String table() {
        StringBuilder s = new StringBuilder("| offset | access | register | contents |\n|---|---|---|---|\n");
        for (RegisterMap.Register r : RegisterMap.ALL) {
            s.append(String.format(Locale.ROOT, "| 0x%03X | %s | `%s` | %s |%n", r.offset(), r.access(), r.name(),
                    r.description()));
        }
        return s.toString();
    }

    @Override
    public Integer call() {
        System.out.print(table());
        return 0;
    }
}
