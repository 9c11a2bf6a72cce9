package org.esegen.cli;

import org.esegen.config.AcceleratorConfig;
import org.esegen.config.Presets;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** {@code --preset} and {@code --set}: the configuration every command resolves first. */
public final class ConfigOptions {
    @Option(names = "--preset", paramLabel = "NAME", defaultValue = "tiny",
            description = "configuration preset: tiny (default) or ese")
    String preset;

    @Option(names = "--set", paramLabel = "FIELD=VALUE",
            description = "override one config field, e.g. --set pesPerChannel=8 (repeatable)")
    List<String> overrides = new ArrayList<>();

    /** The resolved, validated configuration. */
    public AcceleratorConfig resolve() {
        return Presets.resolve(preset, overrides);
    }
}
