package org.esegen.prune;

import org.esegen.EsegenException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PruningMethodTest {

    @ParameterizedTest
    @CsvSource({"global, GLOBAL", "GLOBAL, GLOBAL", "ese, ESE", "Ese, ESE", "cbtd, CBTD", "CbTd, CBTD"})
    void parseIgnoresCase(String name, PruningMethod expected) {
        assertEquals(expected, PruningMethod.parse(name));
    }

    @ParameterizedTest
    @EnumSource(PruningMethod.class)
    void cliNameParsesBackToTheSameMethod(PruningMethod method) {
        assertEquals(method, PruningMethod.parse(method.cliName()));
        assertEquals(method.name().toLowerCase(Locale.ROOT), method.cliName());
    }

    @Test
    void unknownNameIsRejectedWithTheAllowedNames() {
        EsegenException e = assertThrows(EsegenException.class, () -> PruningMethod.parse("magnitude"));
        assertTrue(e.getMessage().contains("'magnitude'"), e.getMessage());
        assertTrue(e.getMessage().contains("global, ese, cbtd"), e.getMessage());
    }

    @Test
    void missingNameIsRejected() {
        assertThrows(EsegenException.class, () -> PruningMethod.parse(null));
        assertThrows(EsegenException.class, () -> PruningMethod.parse(""));
    }
}
