package org.esegen.cli;

import org.esegen.config.AcceleratorConfig;
import org.esegen.config.Presets;
import picocli.CommandLine.Command;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code esegen presets}: every config field with its unit, legal range, effect and each preset's value. */
@Command(name = "presets", mixinStandardHelpOptions = true,
        description = "Print every config field (unit, legal range, hardware effect) and its value in each preset, "
                + "as a Markdown table (the one in README.md).")
public final class PresetsCommand implements Callable<Integer> {

    /** The Markdown table. */
    public static String table() {
        List<String> names = new ArrayList<>();
        Presets.names().forEach(names::add);
        StringBuilder s = new StringBuilder("| field | unit | legal range | hardware effect |");
        for (String n : names) {
            s.append(" `").append(n).append("` |");
        }
        s.append("\n|---|---|---|---|");
        s.append("---|".repeat(names.size()));
        s.append('\n');
        for (AcceleratorConfig.Field f : AcceleratorConfig.FIELDS) {
            s.append("| `").append(f.name()).append("` | ").append(f.unit()).append(" | ")
                    .append(f.powerOfTwo() ? "power of two, " : "").append(f.min()).append("..").append(f.max())
                    .append(" | ").append(f.effect()).append(" |");
            for (String n : names) {
                s.append(' ').append(Presets.get(n).toFieldMap().get(f.name())).append(" |");
            }
            s.append('\n');
        }
        return s.toString();
    }

    @Override
    public Integer call() {
        System.out.print(table());
        return 0;
    }
}
