package io.github.msrsafe.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.MsrNotAllowedException;
import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.MsrSafeException;
import io.github.msrsafe.SimulatedDevice;
import io.github.msrsafe.allowlist.AllowlistEntry;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Power limits read and written in watts and seconds on the simulated device, through the allowlist's mask. */
class PowerLimitControlTest {

    private static final long PKG_POWER_LIMIT = 0x610;
    private SimulatedDevice device;
    private MsrSafe msr;
    private PowerLimitControl control;

    @BeforeEach
    void open() throws MsrSafeException {
        device = SimulatedDevice.standard(2);
        msr = device.open();
        control = new PowerLimitControl(msr);
    }

    @AfterEach
    void close() {
        msr.close();
    }

    @Test
    void readsTheLimitsInWattsAndSeconds() throws MsrSafeException {
        PackagePowerLimit limits = control.read(1);
        assertEquals(new PowerLimit(125, 28, true, true), limits.pl1());
        assertEquals(new PowerLimit(156, 28, true, true), limits.pl2());
    }

    @Test
    void writesPl1AndReadsItBack() throws MsrSafeException {
        PackagePowerLimit now = control.read(0);
        PackagePowerLimit after = control.write(0, now.withPl1(new PowerLimit(95.06, 0.9, true, false)));
        // 95.06 W rounds to 760 x 1/8 W = 95 W; 0.9 s = 921.6 units of 2^-10 s rounds to 896 = 2^9 x 1.75
        // (not 1024), 0.875 s. Register: power 0x2F8 | enable 0x8000 | window (Z 3, Y 9 = 0x69) << 17 = 0xD282F8.
        assertEquals(new PowerLimit(95, 0.875, true, false), after.pl1());
        assertEquals(now.pl2(), after.pl2());
        assertEquals(0x00DD_84E0_00D2_82F8L, device.peek(0, PKG_POWER_LIMIT));
        assertEquals(after, control.read(1)); // one package: every CPU sees it
    }

    @Test
    void aWriteTheMaskDoesNotCoverIsRefusedNamingTheBits() throws MsrSafeException {
        // PL1 writable, PL2 not.
        device.installAllowlist(replaceMask(0x0000_0000_00FF_FFFFL));
        PackagePowerLimit now = control.read(0);
        MsrNotAllowedException e = assertThrows(MsrNotAllowedException.class,
                () -> control.write(0, now.withPl2(now.pl2().withWatts(200))));
        // 200 W = 1600 units = 0x640 against 0x4E0: bits 0x640 ^ 0x4E0 = 0x2A0 of PL2's power field, at bit 32 up.
        assertTrue(e.getMessage().contains("does not cover bits 0x2A000000000"), e.getMessage());
        assertEquals(0x00DD_84E0_00DD_83E8L, device.peek(0, PKG_POWER_LIMIT), "nothing written");
        assertEquals(95.0, control.write(0, now.withPl1(now.pl1().withWatts(95))).pl1().watts());
    }

    @Test
    void aLockedRegisterIsRefused() throws MsrSafeException {
        device.poke(0, PKG_POWER_LIMIT, device.peek(0, PKG_POWER_LIMIT) | PackagePowerLimit.LOCK_BIT);
        PackagePowerLimit now = control.read(0);
        MsrNotAllowedException e = assertThrows(MsrNotAllowedException.class,
                () -> control.write(0, now.withPl1(now.pl1().withWatts(90))));
        assertTrue(e.getMessage().contains("locked"), e.getMessage());
    }

    @Test
    void aReadOnlyEntryIsRefusedByTheMaskCheck() throws MsrSafeException {
        device.installAllowlist(replaceMask(0));
        PackagePowerLimit now = control.read(0);
        MsrNotAllowedException e = assertThrows(MsrNotAllowedException.class,
                () -> control.write(0, now.withPl1(now.pl1().withWindowSeconds(1))));
        assertTrue(e.getMessage().contains("write mask 0x0"), e.getMessage());
    }

    @Test
    void writingTheSameLimitsWritesNothing() throws MsrSafeException {
        device.installAllowlist(replaceMask(0));
        PackagePowerLimit now = control.read(0);
        assertEquals(now, control.write(0, now));
    }

    private static List<AllowlistEntry> replaceMask(long mask) {
        return SimulatedDevice.standardAllowlist().stream()
                .map(entry -> entry.address() == PKG_POWER_LIMIT ? new AllowlistEntry(PKG_POWER_LIMIT, mask) : entry)
                .toList();
    }
}
