package org.esegen.hdl;

import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class VerilatorLintTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Design.class)
    void emittedVerilogLintsCleanWithTheListedWaivers(Design design) throws Exception {
        Tools.assumeOnPath("verilator");
        for (Path file : design.emit(dir)) {
            Tools.runOk(dir, "verilator", "--lint-only", "-Wall", "-Wno-DECLFILENAME",
                    Tools.verilatorWaivers().toString(), file.toString());
        }
    }
}
