package org.esegen.cli;

import org.esegen.config.AcceleratorConfig;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes the accelerator's Verilog for a configuration into a folder: the top
 * {@code EseAccelerator}, a {@code filelist.f} naming its sources and the generator's
 * {@code params.json}. This is the contract of {@code org.esegen.hdl.Generator.generate}; the
 * commands that synthesize take it as a parameter so their tests can supply a small stand-in.
 */
@FunctionalInterface
public interface DesignGenerator {

    /**
     * @param config the resolved configuration
     * @param outDir the folder to write (created if missing)
     */
    void generate(AcceleratorConfig config, Path outDir) throws IOException;
}
