package io.github.msrsafe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.msrsafe.registers.RegisterCatalog;
import io.github.msrsafe.save.RestoreOptions;
import io.github.msrsafe.save.SaveOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A caller's mistake in an argument, tried from jshell: the exception names the argument
 * instead of the library's insides ("Cannot invoke Path.toAbsolutePath() because root is
 * null") or a guess (an empty name was "unknown MSR name '' (did you mean
 * IA32_TIME_STAMP_COUNTER?)").
 */
class ArgumentMistakesTest {

    @Test
    void aNullArgumentIsNamed() {
        assertEquals("root", assertThrows(NullPointerException.class, () -> MsrSafe.open((Path) null)).getMessage());
        assertEquals("newAllowlist", assertThrows(NullPointerException.class,
                () -> RestoreOptions.defaults().withAllowlist(null)).getMessage());
        assertEquals("newAllowlistModified", assertThrows(NullPointerException.class,
                () -> RestoreOptions.defaults().withAllowlistModified(null)).getMessage());
        assertEquals("newAllowlist", assertThrows(NullPointerException.class,
                () -> SaveOptions.defaults().withAllowlist(null)).getMessage());
    }

    @Test
    void aBlankRegisterNameIsSaidToBeEmpty() throws MsrSafeException {
        String expected = "the MSR name is empty: give a register name (e.g. IA32_PERF_CTL) or an address";
        assertEquals(expected, assertThrows(IllegalArgumentException.class,
                () -> RegisterCatalog.builtIn().require(" ")).getMessage());
        try (MsrSafe msr = SimulatedDevice.standard().open(); MsrBatch batch = msr.newBatch()) {
            assertEquals(expected, assertThrows(IllegalArgumentException.class, () -> msr.read(0, "")).getMessage());
            assertEquals(expected, assertThrows(IllegalArgumentException.class, () -> batch.addRead(0, "")).getMessage());
        }
    }
}
