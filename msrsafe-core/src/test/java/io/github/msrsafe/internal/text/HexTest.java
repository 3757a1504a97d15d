package io.github.msrsafe.internal.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HexTest {

    @Test
    void shortFormHasNoLeadingZerosAndUpperCaseDigits() {
        assertEquals("0x0", Hex.of(0));
        assertEquals("0x199", Hex.of(0x199));
        assertEquals("0xC0010299", Hex.of(0xC0010299L));
        assertEquals("0xFFFFFFFFFFFFFFFF", Hex.of(-1), "unsigned");
    }

    @Test
    void fullFormHasSixteenDigits() {
        assertEquals("0x0000000000001C00", Hex.of16(0x1C00));
        assertEquals("0x8000000000000000", Hex.of16(Long.MIN_VALUE));
    }
}
