package org.esegen.cli;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad sweep specs: exit code 2, a message naming the option or field, and no output folder. */
class SweepErrorsTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "--pes|''|--pes: the list is empty",
            "--pes|4,,8|empty item",
            "--pes|4,x|'x' is not a whole number",
            "--pes|0|config field 'pesPerChannel' = 0 is invalid: allowed is 1..256",
            "--weight-bits|''|--weight-bits: the list is empty",
            "--weight-bits|20|config field 'weightBits' = 20 is invalid: allowed is 2..16",
            "--weight-bits|8,8|8 is listed twice",
            "--index-bits|9|config field 'indexBits' = 9 is invalid: allowed is 1..8",
            "--act-bits|24|--act-bits 24: config field 'accBits' = 32 is invalid",
            "--act-bits|6|integer bits",
            "--channels|65|config field 'channels' = 65 is invalid: allowed is 1..64",
            "--pruning|ese,foo|unknown pruning method 'foo'",
            "--pruning|''|--pruning: the list is empty",
            "--set|nosuch=3|unknown field 'nosuch'",
            "--shard|3/2|--shard 3/2: need 1 <= k <= n",
            "--shard|0/2|--shard 0/2: need 1 <= k <= n",
            "--shard|1/0|need 1 <= k <= n",
            "--shard|2|--shard '2': expected k/n",
            "--frames|0|--frames 0 must be at least 1",
            "--jobs|-1|--jobs -1 must be at least 1",
            "--density|1.5|--density 1.5 is outside (0, 1]",
    })
    void badSpecExitsTwoWithAClearMessage(String option, String value, String expected) {
        Path out = dir.resolve("out");
        List<String> args = new ArrayList<>(List.of("sweep", "--synthetic", "12,20,10", "--no-synth", "--out",
                out.toString()));
        args.addAll(List.of(option, value));
        CliErrorsTest.Outcome o = CliErrorsTest.run(args.toArray(String[]::new));
        System.out.println(option + " " + value + " -> " + o.err().strip());
        assertEquals(2, o.code(), o.err());
        assertTrue(o.err().contains(expected), o.err());
        assertFalse(Files.exists(out), "a bad spec must not create the output folder");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--synthetic 200,20,10 --out OUT|does not fit the config's maxInputSize",
            "--synthetic 200,20,10 --list|does not fit the config's maxInputSize",
            "--synthetic 12,20,10 --pes 2|--out DIR is required",
    })
    void badModelOrMissingOutExitsTwo(String extra, String expected) {
        List<String> args = new ArrayList<>(List.of("sweep", "--no-synth"));
        for (String a : extra.split(" ")) {
            args.add(a.equals("OUT") ? dir.resolve("out").toString() : a);
        }
        CliErrorsTest.Outcome o = CliErrorsTest.run(args.toArray(String[]::new));
        assertEquals(2, o.code(), o.err());
        assertTrue(o.err().contains(expected), o.err());
        assertFalse(Files.exists(dir.resolve("out")));
    }
}
