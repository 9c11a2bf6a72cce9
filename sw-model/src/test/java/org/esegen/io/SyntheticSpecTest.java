package org.esegen.io;

import org.esegen.EsegenException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SyntheticSpecTest {

    @Test
    void defaultsDensityAndSeed() {
        assertEquals(new SyntheticSpec(40, 64, 32, 0.112, 1), SyntheticSpec.parse("40,64,32"));
        assertEquals(new SyntheticSpec(40, 64, 32, 0.5, 1), SyntheticSpec.parse("40,64,32,0.5"));
    }

    @Test
    void parsesAllFieldsIgnoringBlanks() {
        assertEquals(new SyntheticSpec(1, 65536, 7, 1.0, -3), SyntheticSpec.parse(" 1, 65536 ,7,1, -3"));
        assertEquals(new SyntheticSpec(153, 1024, 512, 0.112, 9007199254740993L),
                SyntheticSpec.parse("153,1024,512,0.112,9007199254740993"));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @CsvSource(delimiter = ';', value = {
            "40,64; 2 comma-separated fields",
            "40,64,32,0.5,7,9; 6 comma-separated fields",
            "''; 1 comma-separated field",
            "x,64,32; input size I 'x' is not an integer",
            "40,,32; hidden size H '' is not an integer",
            "40,64,3.5; projection size P '3.5' is not an integer",
            "0,64,32; input size I = 0 is outside 1..65536",
            "40,65537,32; hidden size H = 65537 is outside 1..65536",
            "40,64,-1; projection size P = -1 is outside 1..65536",
            "40,64,32,0; density 0.0 is outside (0, 1]",
            "40,64,32,1.5; density 1.5 is outside (0, 1]",
            "40,64,32,NaN; density NaN is outside (0, 1]",
            "40,64,32,half; density 'half' is not a number",
            "40,64,32,0.5,1.5; seed '1.5' is not a 64-bit integer"})
    void rejectsBadSpecsQuotingSpecAndProblem(String spec, String problem) {
        EsegenException error = assertThrows(EsegenException.class, () -> SyntheticSpec.parse(spec));
        String message = error.getMessage();
        assertTrue(message.startsWith("--synthetic '" + spec + "': "), message);
        assertTrue(message.contains(problem), message);
        assertTrue(message.contains(SyntheticSpec.SYNTAX), message);
    }

    @Test
    void constructorValidates() {
        EsegenException error = assertThrows(EsegenException.class, () -> new SyntheticSpec(1, 1, 1, -0.1, 1));
        assertTrue(error.getMessage().contains("density -0.1"), error.getMessage());
    }
}
