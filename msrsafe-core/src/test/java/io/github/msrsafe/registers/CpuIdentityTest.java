package io.github.msrsafe.registers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuIdentityTest {

    /** Two sockets of a Cascade Lake-SP (06_55), abridged: real blocks carry ~26 lines each. */
    static final String CASCADE_LAKE_2S = """
            processor\t: 0
            vendor_id\t: GenuineIntel
            cpu family\t: 6
            model\t\t: 85
            model name\t: Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz
            stepping\t: 7
            physical id\t: 0
            flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic
            bugs\t\t: spectre_v1 spectre_v2

            processor\t: 1
            vendor_id\t: GenuineIntel
            cpu family\t: 6
            model\t\t: 85
            model name\t: Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz
            stepping\t: 7
            physical id\t: 1
            flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic

            processor\t: 2
            vendor_id\t: GenuineIntel
            cpu family\t: 6
            model\t\t: 85
            model name\t: Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz
            stepping\t: 7
            physical id\t: 0

            """;

    /** A two-socket Genoa (family 25 = 0x19, model 17 = 0x11). */
    static final String GENOA_2S = """
            processor\t: 0
            vendor_id\t: AuthenticAMD
            cpu family\t: 25
            model\t\t: 17
            model name\t: AMD EPYC 9654 96-Core Processor
            stepping\t: 1
            microcode\t: 0xa10113e

            processor\t: 191
            vendor_id\t: AuthenticAMD
            cpu family\t: 25
            model\t\t: 17
            model name\t: AMD EPYC 9654 96-Core Processor
            stepping\t: 1
            microcode\t: 0xa10113e
            """;

    static final String MILAN = """
            processor\t: 0
            vendor_id\t: AuthenticAMD
            cpu family\t: 25
            model\t\t: 1
            model name\t: AMD EPYC 7763 64-Core Processor
            """;

    static final String RASPBERRY_PI = """
            processor\t: 0
            BogoMIPS\t: 108.00
            Features\t: fp asimd evtstrm crc32 cpuid
            CPU implementer\t: 0x41
            CPU part\t: 0xd08

            Hardware\t: BCM2835
            Model\t\t: Raspberry Pi 4 Model B Rev 1.4
            """;

    @Test
    void readsAnIntelMultiSocketCpuinfo() {
        CpuIdentity cpu = CpuIdentity.fromCpuinfo(CASCADE_LAKE_2S);
        assertEquals(new CpuIdentity(CpuIdentity.INTEL, 0x6, 0x55), cpu);
        assertEquals("GenuineIntel family 0x6 model 0x55", cpu.toString());
    }

    @Test
    void readsAmdCpuinfoWithDecimalFamilyAndModel() {
        assertEquals(new CpuIdentity(CpuIdentity.AMD, 0x19, 0x11), CpuIdentity.fromCpuinfo(GENOA_2S));
        assertEquals(new CpuIdentity(CpuIdentity.AMD, 0x19, 0x01), CpuIdentity.fromCpuinfo(MILAN));
    }

    @Test
    void blocksWithoutBlankLinesBetweenThemAreStillSeparate() {
        String runTogether = MILAN + MILAN.replace(": 0\n", ": 1\n").replace("model\t\t: 1", "model\t\t: 17");
        var error = assertThrows(IllegalArgumentException.class, () -> CpuIdentity.fromCpuinfo(runTogether));
        assertEquals("cpuinfo describes different processors: processor 0 is AuthenticAMD family 0x19 model 0x1, "
                + "processor 1 is AuthenticAMD family 0x19 model 0x11", error.getMessage());
        assertEquals(new CpuIdentity(CpuIdentity.AMD, 0x19, 1), CpuIdentity.fromCpuinfo(MILAN + MILAN));
    }

    @Test
    void differentProcessorsInOneMachineAreAnError() {
        String mixed = CASCADE_LAKE_2S + GENOA_2S;
        var error = assertThrows(IllegalArgumentException.class, () -> CpuIdentity.fromCpuinfo(mixed));
        assertTrue(error.getMessage().contains("processor 0 is GenuineIntel family 0x6 model 0x55"), error.getMessage());
        assertTrue(error.getMessage().contains("processor 0 is AuthenticAMD family 0x19 model 0x11"), error.getMessage());
    }

    @Test
    void modelNameIsNotMistakenForModel() {
        String noModel = MILAN.replace("model\t\t: 1\n", "");
        var error = assertThrows(IllegalArgumentException.class, () -> CpuIdentity.fromCpuinfo(noModel));
        assertEquals("processor 0 has no 'model' line", error.getMessage());
    }

    @Test
    void rejectsNonX86AndMalformedText() {
        var arm = assertThrows(IllegalArgumentException.class, () -> CpuIdentity.fromCpuinfo(RASPBERRY_PI));
        assertTrue(arm.getMessage().startsWith("not an x86 /proc/cpuinfo"), arm.getMessage());
        var empty = assertThrows(IllegalArgumentException.class, () -> CpuIdentity.fromCpuinfo(""));
        assertTrue(empty.getMessage().startsWith("not an x86 /proc/cpuinfo"), empty.getMessage());
        var hex = assertThrows(IllegalArgumentException.class,
                () -> CpuIdentity.fromCpuinfo(MILAN.replace("cpu family\t: 25", "cpu family\t: 0x19")));
        assertEquals("processor 0 has cpu family '0x19', not a decimal number", hex.getMessage());
        var noVendor = assertThrows(IllegalArgumentException.class,
                () -> CpuIdentity.fromCpuinfo(MILAN.replace("vendor_id\t: AuthenticAMD\n", "")));
        assertEquals("processor 0 has no 'vendor_id' line", noVendor.getMessage());
        var huge = assertThrows(IllegalArgumentException.class,
                () -> CpuIdentity.fromCpuinfo(MILAN.replace("model\t\t: 1", "model\t\t: 256")));
        assertEquals("CPU model 256 is outside 0..0xFF", huge.getMessage());
    }

    @Test
    void validatesItsFields() {
        assertThrows(IllegalArgumentException.class, () -> new CpuIdentity("", 6, 0x55));
        assertThrows(IllegalArgumentException.class, () -> new CpuIdentity("Genuine Intel", 6, 0x55));
        assertThrows(IllegalArgumentException.class, () -> new CpuIdentity(CpuIdentity.INTEL, -1, 0x55));
        var family = assertThrows(IllegalArgumentException.class, () -> new CpuIdentity(CpuIdentity.INTEL, 0x100, 0));
        assertEquals("CPU family 256 is outside 0..0xFF", family.getMessage());
        assertThrows(NullPointerException.class, () -> new CpuIdentity(null, 6, 0x55));
    }

    @Test
    void equalityCoversVendorFamilyAndModel() {
        CpuIdentity skx = new CpuIdentity(CpuIdentity.INTEL, 6, 0x55);
        assertEquals(skx, new CpuIdentity("GenuineIntel", 6, 0x55));
        assertEquals(skx.hashCode(), new CpuIdentity("GenuineIntel", 6, 0x55).hashCode());
        assertNotEquals(skx, new CpuIdentity(CpuIdentity.AMD, 6, 0x55));
        assertNotEquals(skx, new CpuIdentity(CpuIdentity.INTEL, 7, 0x55));
        assertNotEquals(skx, new CpuIdentity(CpuIdentity.INTEL, 6, 0x56));
        assertNotEquals(skx, (Object) "GenuineIntel family 0x6 model 0x55");
    }

    @Test
    void readsAFileAndNamesItInErrors(@TempDir Path dir) throws IOException {
        Path good = Files.writeString(dir.resolve("cpuinfo"), GENOA_2S);
        assertEquals(new CpuIdentity(CpuIdentity.AMD, 0x19, 0x11), CpuIdentity.fromCpuinfo(good));
        Path bad = Files.writeString(dir.resolve("arm"), RASPBERRY_PI);
        var error = assertThrows(IllegalArgumentException.class, () -> CpuIdentity.fromCpuinfo(bad));
        assertTrue(error.getMessage().startsWith(bad + ": not an x86"), error.getMessage());
        assertThrows(java.nio.file.NoSuchFileException.class, () -> CpuIdentity.fromCpuinfo(dir.resolve("missing")));
    }

    @Test
    void identifiesTheMachineItRunsOn() throws IOException {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        String arch = System.getProperty("os.arch");
        Assumptions.assumeTrue(Files.isReadable(cpuinfo) && (arch.equals("amd64") || arch.equals("x86_64")),
                "needs an x86-64 Linux /proc/cpuinfo");
        CpuIdentity cpu = CpuIdentity.current();
        assertEquals(CpuIdentity.fromCpuinfo(Files.readString(cpuinfo)), cpu);
        assertTrue(cpu.family() >= 5, cpu::toString);
    }
}
