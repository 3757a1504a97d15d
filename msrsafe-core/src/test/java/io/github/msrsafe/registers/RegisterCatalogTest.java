package io.github.msrsafe.registers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.registers.Register.Scope;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RegisterCatalogTest {

    private static final RegisterCatalog CATALOG = RegisterCatalog.builtIn();

    private static final CpuIdentity SKYLAKE_SP = new CpuIdentity(CpuIdentity.INTEL, 0x6, 0x55);
    private static final CpuIdentity ICE_LAKE_SP = new CpuIdentity(CpuIdentity.INTEL, 0x6, 0x6A);
    private static final CpuIdentity SAPPHIRE_RAPIDS = new CpuIdentity(CpuIdentity.INTEL, 0x6, 0x8F);
    private static final CpuIdentity ZEN3 = new CpuIdentity(CpuIdentity.AMD, 0x19, 0x01);
    private static final CpuIdentity ZEN4 = new CpuIdentity(CpuIdentity.AMD, 0x19, 0x11);

    @Test
    void builtInCatalogIsSortedUniqueAndReachable() {
        List<Register> registers = CATALOG.registers();
        assertTrue(registers.size() >= 90, "catalog has only " + registers.size() + " registers");
        for (int i = 1; i < registers.size(); i++) {
            assertTrue(registers.get(i - 1).address() < registers.get(i).address(),
                    registers.get(i - 1) + " is not before " + registers.get(i));
        }
        for (Register register : registers) {
            assertTrue(register.address() < (1L << 32), register::toString);
            assertFalse(register.description().isBlank(), register::toString);
            assertEquals(register, CATALOG.byAddress(register.address()).orElseThrow());
        }
        assertTrue(RegisterCatalog.builtIn() == CATALOG, "the built-in catalog is read once");
    }

    /** The registers the issue names, at the addresses and under the names of the Intel SDM / AMD PPR. */
    @ParameterizedTest
    @CsvSource({
            "0x00000010, IA32_TIME_STAMP_COUNTER", "0x00000017, IA32_PLATFORM_ID",
            "0x000000C1, IA32_PMC0", "0x000000C8, IA32_PMC7",
            "0x000000E7, IA32_MPERF", "0x000000E8, IA32_APERF",
            "0x00000186, IA32_PERFEVTSEL0", "0x0000018D, IA32_PERFEVTSEL7",
            "0x00000198, IA32_PERF_STATUS", "0x00000199, IA32_PERF_CTL", "0x0000019A, IA32_CLOCK_MODULATION",
            "0x0000019B, IA32_THERM_INTERRUPT", "0x0000019C, IA32_THERM_STATUS", "0x000001A0, IA32_MISC_ENABLE",
            "0x000001A2, MSR_TEMPERATURE_TARGET", "0x000001AD, MSR_TURBO_RATIO_LIMIT",
            "0x000001B0, IA32_ENERGY_PERF_BIAS", "0x000001B1, IA32_PACKAGE_THERM_STATUS",
            "0x00000309, IA32_FIXED_CTR0", "0x0000030A, IA32_FIXED_CTR1", "0x0000030B, IA32_FIXED_CTR2",
            "0x0000038D, IA32_FIXED_CTR_CTRL", "0x0000038F, IA32_PERF_GLOBAL_CTRL",
            "0x00000606, MSR_RAPL_POWER_UNIT", "0x00000610, MSR_PKG_POWER_LIMIT", "0x00000611, MSR_PKG_ENERGY_STATUS",
            "0x00000613, MSR_PKG_PERF_STATUS", "0x00000614, MSR_PKG_POWER_INFO", "0x00000618, MSR_DRAM_POWER_LIMIT",
            "0x00000619, MSR_DRAM_ENERGY_STATUS", "0x0000061B, MSR_DRAM_PERF_STATUS", "0x0000061C, MSR_DRAM_POWER_INFO",
            "0x00000620, MSR_UNCORE_RATIO_LIMIT", "0x00000638, MSR_PP0_POWER_LIMIT", "0x00000639, MSR_PP0_ENERGY_STATUS",
            "0x0000064D, MSR_PLATFORM_ENERGY_STATUS",
            "0x00000770, IA32_PM_ENABLE", "0x00000771, IA32_HWP_CAPABILITIES", "0x00000772, IA32_HWP_REQUEST_PKG",
            "0x00000773, IA32_HWP_INTERRUPT", "0x00000774, IA32_HWP_REQUEST", "0x00000777, IA32_HWP_STATUS",
            "0xC00000E7, MPERF_READ_ONLY", "0xC00000E8, APERF_READ_ONLY",
            "0xC0010061, PSTATE_CUR_LIM", "0xC0010062, PSTATE_CTL", "0xC0010063, PSTATE_STAT", "0xC0010064, PSTATE_DEF0",
            "0xC0010299, RAPL_PWR_UNIT", "0xC001029A, CORE_ENERGY_STAT", "0xC001029B, PKG_ENERGY_STAT",
    })
    void knowsTheRegistersPowerAndPerformanceToolsUse(String address, String name) {
        long msr = Long.decode(address);
        assertEquals(name, CATALOG.byAddress(msr).orElseThrow(() -> new AssertionError(address + " missing")).name());
        assertEquals(msr, CATALOG.byName(name).orElseThrow().address());
    }

    @ParameterizedTest
    @CsvSource({
            "IA32_MPERF, 0x000000E7", "ia32_mperf, 0x000000E7", "  Ia32_MPerf  , 0x000000E7",
            "MSR_PKG_ENERGY_STATUS, 0x00000611", "msr_pkg_energy_status, 0x00000611",
            "TSC, 0x00000010", "tsc, 0x00000010", "MPERF, 0x000000E7",
            "MSR_PERF_STATUS, 0x00000198", "IA32_THERM_CONTROL, 0x0000019A",
            "MSR_IA32_ENERGY_PERF_BIAS, 0x000001B0", "msr_ia32_mperf, 0x000000E7", "MSR_IA32_TSC, 0x00000010",
            "MSR_AMD_PKG_ENERGY_STATUS, 0xC001029B", "MSR_AMD_RAPL_POWER_UNIT, 0xC0010299",
            "MPerfReadOnly, 0xC00000E7", "PStateCtl, 0xC0010062", "MSR_TURBO_RATIO_LIMIT1, 0x000001AE",
    })
    void findsRegistersByAnyKnownNameIgnoringCase(String name, String address) {
        assertEquals(Long.decode(address), CATALOG.byName(name).orElseThrow(() -> new AssertionError(name)).address());
    }

    @Test
    void unknownNamesAndAddressesAreEmptyAndHaveNoReadOnlyBits() {
        assertTrue(CATALOG.byName("NOT_A_REGISTER").isEmpty());
        assertTrue(CATALOG.byName("").isEmpty());
        assertTrue(CATALOG.byName("MSR_IA32_NOT_A_REGISTER").isEmpty());
        assertTrue(CATALOG.byName("MSR_IA32_PKG_ENERGY_STATUS").isEmpty(), "MSR_IA32_ only stands for IA32_");
        assertTrue(CATALOG.byAddress(0x12345).isEmpty());
        assertTrue(CATALOG.byAddress(-1).isEmpty());
        assertEquals(0L, CATALOG.readOnlyBits(0x12345));
        assertEquals(List.of(), CATALOG.aliases(0x12345));
        assertThrows(NullPointerException.class, () -> CATALOG.byName(null));
    }

    @Test
    void aliasesAreListedAndEveryNameFindsItsRegister() {
        assertTrue(CATALOG.aliases(0x10).contains("TSC"));
        assertEquals(List.of(), CATALOG.aliases(0x611));
        for (Register register : CATALOG.registers()) {
            assertEquals(register, CATALOG.byName(register.name()).orElseThrow());
            for (String alias : CATALOG.aliases(register.address())) {
                assertEquals(register, CATALOG.byName(alias).orElseThrow(), alias);
            }
        }
    }

    /** Read-only bits as the SDM (vol. 3B and 4) and the PPR document them. */
    @ParameterizedTest
    @CsvSource({
            "0x00000198, 0xFFFFFFFFFFFFFFFF", // IA32_PERF_STATUS
            "0x00000611, 0xFFFFFFFFFFFFFFFF", // MSR_PKG_ENERGY_STATUS
            "0x00000606, 0xFFFFFFFFFFFFFFFF", // MSR_RAPL_POWER_UNIT
            "0x00000619, 0xFFFFFFFFFFFFFFFF", // MSR_DRAM_ENERGY_STATUS
            "0x00000771, 0xFFFFFFFFFFFFFFFF", // IA32_HWP_CAPABILITIES
            "0x0000019C, 0x00000000F87F5555", // IA32_THERM_STATUS: status bits, readout, resolution, valid
            "0x000001B1, 0x00000000007F0555", // IA32_PACKAGE_THERM_STATUS
            "0x000001A0, 0x0000000000001880", // IA32_MISC_ENABLE bits 7, 11, 12
            "0x000001A2, 0x0000000000FF0000", // MSR_TEMPERATURE_TARGET: TjMax
            "0x00000010, 0x0000000000000000", // TSC is writable
            "0x000000E7, 0x0000000000000000", // MPERF is writable
            "0x000000E8, 0x0000000000000000", // APERF is writable
            "0x00000610, 0x0000000000000000", // MSR_PKG_POWER_LIMIT: the lock bit is write-once, not read-only
            "0x00000199, 0x0000000000000000", // IA32_PERF_CTL
            "0xC00000E7, 0xFFFFFFFFFFFFFFFF", // AMD MPerfReadOnly
            "0xC00000E8, 0xFFFFFFFFFFFFFFFF", // AMD APerfReadOnly
            "0xC0010299, 0xFFFFFFFFFFFFFFFF", // AMD RAPL_PWR_UNIT
            "0xC001029B, 0xFFFFFFFFFFFFFFFF", // AMD PKG_ENERGY_STAT
            "0xC0010062, 0x0000000000000000", // AMD PStateCtl
    })
    void readOnlyBitsFollowTheManuals(String address, String bits) {
        long msr = Long.decode(address);
        long expected = Long.parseUnsignedLong(bits.substring(2), 16);
        assertEquals(expected, CATALOG.readOnlyBits(msr), address);
        assertEquals(expected == -1L, CATALOG.byAddress(msr).orElseThrow().isReadOnly(), address);
    }

    @ParameterizedTest
    @CsvSource({
            "0x00000199, THREAD", "0x000000E7, THREAD", "0x000001B0, THREAD", "0x0000019C, CORE", "0x000003FD, CORE",
            "0x00000611, PACKAGE", "0x00000198, PACKAGE", "0x00000610, PACKAGE", "0x00000620, PACKAGE",
            "0x00000770, PACKAGE", "0x00000774, THREAD", "0xC001029A, CORE", "0xC001029B, PACKAGE",
    })
    void scopesFollowTheManuals(String address, Scope scope) {
        assertEquals(scope, CATALOG.byAddress(Long.decode(address)).orElseThrow().scope());
    }

    private static final CpuIdentity EMERALD_RAPIDS = new CpuIdentity(CpuIdentity.INTEL, 0x6, 0xCF);
    private static final CpuIdentity GRANITE_RAPIDS = new CpuIdentity(CpuIdentity.INTEL, 0x6, 0xAD);
    private static final CpuIdentity SIERRA_FOREST = new CpuIdentity(CpuIdentity.INTEL, 0x6, 0xAF);
    private static final CpuIdentity ZEN2 = new CpuIdentity(CpuIdentity.AMD, 0x17, 0x31);
    private static final CpuIdentity ZEN5 = new CpuIdentity(CpuIdentity.AMD, 0x1A, 0x02);
    private static final CpuIdentity ZEN5C = new CpuIdentity(CpuIdentity.AMD, 0x1A, 0x11);

    @Test
    void coversTheElevenServerProcessors() {
        assertEquals(List.of(SKYLAKE_SP, ICE_LAKE_SP, SAPPHIRE_RAPIDS, ZEN3, ZEN4,
                EMERALD_RAPIDS, GRANITE_RAPIDS, SIERRA_FOREST, ZEN2, ZEN5, ZEN5C), CATALOG.cpus());
        assertTrue(CATALOG.cpuName(GRANITE_RAPIDS).orElseThrow().contains("Granite Rapids"));
        assertTrue(CATALOG.cpuName(ZEN5C).orElseThrow().contains("Turin Dense"));
        assertTrue(CATALOG.cpuName(SAPPHIRE_RAPIDS).orElseThrow().contains("Sapphire Rapids"));
        assertTrue(CATALOG.cpuName(ZEN4).orElseThrow().contains("Genoa"));
        assertTrue(CATALOG.cpuName(new CpuIdentity(CpuIdentity.INTEL, 6, 0x9A)).isEmpty());
    }

    @Test
    void registerSetsDifferWhereTheModelsDo() {
        Set<Long> skx = addresses(CATALOG.registersFor(SKYLAKE_SP));
        Set<Long> icx = addresses(CATALOG.registersFor(ICE_LAKE_SP));
        Set<Long> spr = addresses(CATALOG.registersFor(SAPPHIRE_RAPIDS));
        Set<Long> zen3 = addresses(CATALOG.registersFor(ZEN3));
        Set<Long> zen4 = addresses(CATALOG.registersFor(ZEN4));

        assertTrue(spr.contains(0x64DL) && !icx.contains(0x64DL) && !skx.contains(0x64DL), "PSys energy: SPR only");
        assertTrue(icx.contains(0x30CL) && spr.contains(0x30CL) && !skx.contains(0x30CL), "fixed counter 3: ICX, SPR");
        assertTrue(zen4.contains(0xC0000301L) && !zen3.contains(0xC0000301L), "PerfMonV2: Zen 4 only");
        assertTrue(skx.containsAll(Set.of(0x10L, 0xE7L, 0xE8L, 0x198L, 0x199L, 0x610L, 0x611L, 0x618L, 0x620L, 0x774L)));
        assertTrue(zen3.containsAll(Set.of(0x10L, 0xE7L, 0xE8L, 0xC00000E7L, 0xC0010062L, 0xC0010299L, 0xC001029BL)));
        assertTrue(zen4.containsAll(zen3), "Zen 4 has everything the catalog lists for Zen 3");
        for (Set<Long> intel : List.of(skx, icx, spr)) {
            assertTrue(intel.stream().allMatch(address -> address < 0xC000_0000L), "no AMD register on Intel");
        }
        for (Set<Long> amd : List.of(zen3, zen4)) {
            assertFalse(amd.contains(0x198L) || amd.contains(0x606L) || amd.contains(0x17L), "no Intel-only register on AMD");
        }
        // Client-only RAPL plane: the catalog names it but gives it to none of its server CPUs.
        for (CpuIdentity cpu : CATALOG.cpus()) {
            assertFalse(addresses(CATALOG.registersFor(cpu)).contains(0x639L), cpu::toString);
            List<Register> list = CATALOG.registersFor(cpu);
            for (int i = 1; i < list.size(); i++) {
                assertTrue(list.get(i - 1).address() < list.get(i).address(), cpu::toString);
            }
        }
        assertTrue(CATALOG.byAddress(0x639).isPresent());
    }

    @Test
    void theNewerServerPartsDifferWhereTheKernelsModelTablesSay() {
        Set<Long> spr = addresses(CATALOG.registersFor(SAPPHIRE_RAPIDS));
        Set<Long> emr = addresses(CATALOG.registersFor(EMERALD_RAPIDS));
        Set<Long> gnr = addresses(CATALOG.registersFor(GRANITE_RAPIDS));
        Set<Long> srf = addresses(CATALOG.registersFor(SIERRA_FOREST));
        assertEquals(spr, emr, "Emerald Rapids has Sapphire Rapids' registers");
        // Uncore frequency through TPMI on Granite Rapids and Sierra Forest: no MSR_UNCORE_RATIO_LIMIT.
        assertTrue(emr.contains(0x620L) && !gnr.contains(0x620L) && !srf.contains(0x620L), "0x620");
        // Top-down slots counter on the P-cores only.
        assertTrue(gnr.contains(0x30CL) && !srf.contains(0x30CL), "IA32_FIXED_CTR3");
        for (Set<Long> newer : List.of(emr, gnr, srf)) {
            assertTrue(newer.containsAll(Set.of(0x64DL, 0x610L, 0x611L, 0x618L, 0x619L, 0x3F9L, 0x60DL, 0x1ADL, 0x1AEL, 0x774L)),
                    "PSys, package and DRAM RAPL, package C-states, turbo ratio limits, HWP");
        }
        Set<Long> zen2 = addresses(CATALOG.registersFor(ZEN2));
        Set<Long> zen3 = addresses(CATALOG.registersFor(ZEN3));
        Set<Long> zen4 = addresses(CATALOG.registersFor(ZEN4));
        assertEquals(zen3, zen2, "Zen 2 has what the catalog lists for Zen 3");
        assertEquals(zen4, addresses(CATALOG.registersFor(ZEN5)), "Zen 5 keeps Zen 4's registers");
        assertEquals(zen4, addresses(CATALOG.registersFor(ZEN5C)), "Zen 5c too");
        assertFalse(zen2.contains(0xC0000301L) || zen2.contains(0xC00102B3L), "no PerfMonV2 or CPPC MSRs on Zen 2");
    }

    @Test
    void registerSetsNeedVendorFamilyAndModelToMatch() {
        assertEquals(List.of(), CATALOG.registersFor(new CpuIdentity(CpuIdentity.INTEL, 0x6, 0x9A)));
        assertEquals(List.of(), CATALOG.registersFor(new CpuIdentity(CpuIdentity.AMD, 0x6, 0x55)));
        assertEquals(List.of(), CATALOG.registersFor(new CpuIdentity(CpuIdentity.AMD, 0x19, 0xA0)));
        assertThrows(NullPointerException.class, () -> CATALOG.registersFor(null));
    }

    @Test
    void registerRejectsUnreachableAddressesAndBadNames() {
        var tooHigh = assertThrows(IllegalArgumentException.class,
                () -> new Register(0x1_0000_0000L, "X", Scope.THREAD, 0, ""));
        assertTrue(tooHigh.getMessage().contains("0x100000000"), tooHigh.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Register(-1, "X", Scope.THREAD, 0, ""));
        var lower = assertThrows(IllegalArgumentException.class,
                () -> new Register(0x10, "ia32_tsc", Scope.THREAD, 0, ""));
        assertTrue(lower.getMessage().contains("ia32_tsc"), lower.getMessage());
        assertEquals("0x00000611 MSR_PKG_ENERGY_STATUS (PACKAGE)", CATALOG.byAddress(0x611).orElseThrow().toString());
    }

    // ---- the table format ----

    private static final String CPUS = """
            cpu  06_55  GenuineIntel  Skylake-SP
            cpu  19_01  AuthenticAMD  Zen 3
            """;

    @Test
    void parsesTheTableFormat() {
        RegisterCatalog catalog = RegisterCatalog.parse("t", (CPUS + """
                # a comment

                0x00000010  IA32_TIME_STAMP_COUNTER  THREAD   0x0000000000000000  intel,amd  Time stamp.
                0x00000611  MSR_PKG_ENERGY_STATUS    PACKAGE  0xFFFFFFFFFFFFFFFF  06_55      Energy, read-only.
                0x00000638  MSR_PP0_POWER_LIMIT      PACKAGE  0x0000000000000000  -          Client only.
                0xC0010299  RAPL_PWR_UNIT            PACKAGE  0xFFFFFFFFFFFFFFFF  amd        Units.
                alias  IA32_TIME_STAMP_COUNTER  TSC IA32_TSC
                """).lines().toList());
        CpuIdentity skx = new CpuIdentity(CpuIdentity.INTEL, 6, 0x55);
        CpuIdentity zen3 = new CpuIdentity(CpuIdentity.AMD, 0x19, 1);
        assertEquals(List.of(skx, zen3), catalog.cpus());
        assertEquals(List.of(0x10L, 0x611L), List.copyOf(addresses(catalog.registersFor(skx))));
        assertEquals(List.of(0x10L, 0xC0010299L), List.copyOf(addresses(catalog.registersFor(zen3))));
        Register energy = catalog.byName("msr_pkg_energy_status").orElseThrow();
        assertEquals(new Register(0x611, "MSR_PKG_ENERGY_STATUS", Scope.PACKAGE, -1L, "Energy, read-only."), energy);
        assertEquals(List.of("TSC", "IA32_TSC"), catalog.aliases(0x10));
        assertEquals(0x10L, catalog.byName("ia32_tsc").orElseThrow().address());
        assertEquals(4, catalog.registers().size());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0x10  IA32_TSC  THREAD  0x0000000000000000  intel  x       | 3 | not of the form 0x%08X",
            "0x00000010  IA32_TSC  THREAD  0x0  intel  x                 | 3 | not of the form 0x%016X",
            "0x00000010  IA32_TSC  SOCKET  0x0000000000000000  intel  x  | 3 | scope 'SOCKET'",
            "0x00000010  ia32_tsc  THREAD  0x0000000000000000  intel  x  | 3 | ia32_tsc",
            "0x00000010  IA32_TSC  THREAD  0x0000000000000000  06_9A  x  | 3 | CPU '06_9A'",
            "0x00000010  IA32_TSC  THREAD  0x0000000000000000  intel,06_55  x | 3 | named twice",
            "0x00000010  IA32_TSC  THREAD  0x0000000000000000  intel     | 3 | expected: 0xADDRESS",
            "0x0000001a  IA32_TSC  THREAD  0x0000000000000000  intel  x  | 3 | not of the form 0x%08X",
            "frobnicate                                                  | 3 | expected: 0xADDRESS",
    })
    void rejectsMalformedRegisterLinesNamingTheLine(String line, int lineNumber, String expected) {
        var error = assertThrows(IllegalArgumentException.class,
                () -> RegisterCatalog.parse("t", (CPUS + line + "\n").lines().toList()));
        assertTrue(error.getMessage().startsWith("t:" + lineNumber + ": "), error.getMessage());
        assertTrue(error.getMessage().contains(expected), error.getMessage());
    }

    @Test
    void rejectsOrderDuplicateAndAliasMistakes() {
        String tsc = "0x00000010  IA32_TSC  THREAD  0x0000000000000000  intel  Time stamp.\n";
        String perf = "0x00000198  IA32_PERF_STATUS  PACKAGE  0xFFFFFFFFFFFFFFFF  intel  Perf status.\n";
        Map<String, String> cases = new TreeMap<>();
        cases.put(CPUS + perf + tsc, "t:4: address 0x00000010 is not above the previous 0x00000198");
        cases.put(CPUS + tsc + tsc, "t:4: address 0x00000010 is not above");
        cases.put(CPUS + tsc + perf.replace("IA32_PERF_STATUS", "IA32_TSC"), "t:4: name IA32_TSC already belongs to");
        cases.put(CPUS + tsc + "alias IA32_PERF_STATUS MSR_PERF_STATUS\n", "t:4: alias for 'IA32_PERF_STATUS'");
        cases.put(CPUS + tsc + "alias IA32_TSC IA32_TSC_COPY\nalias IA32_TSC IA32_TSC_COPY\n",
                "t:5: name IA32_TSC_COPY already belongs to");
        cases.put(CPUS + tsc + "alias IA32_TSC TSC\n" + perf, "t:5: register lines must come before the alias lines");
        cases.put(CPUS + tsc + "cpu 06_6A GenuineIntel Ice Lake-SP\n", "t:4: cpu lines must come before the registers");
        cases.put(CPUS + "cpu 06_55 GenuineIntel again\n" + tsc, "t:3: CPU 06_55 is listed twice");
        cases.put("cpu 6_55 GenuineIntel Skylake-SP\n" + tsc, "t:1: CPU key '6_55'");
        cases.put("cpu 06_55 GenuineIntel\n", "t:1: expected: cpu FF_MM vendor_id product names");
        cases.put(CPUS, "t: no registers");
        cases.forEach((text, expected) -> {
            var error = assertThrows(IllegalArgumentException.class,
                    () -> RegisterCatalog.parse("t", text.lines().toList()), text);
            assertTrue(error.getMessage().startsWith(expected), error.getMessage() + "\n  expected: " + expected);
        });
    }

    @Test
    void splitsFieldsKeepingTheRestOfTheLineWhole() {
        assertEquals(List.of("a", "b", "c  d\te"), List.of(RegisterCatalog.fields("  a\t b   c  d\te  ", 3)));
        assertEquals(List.of("a", "b", "c"), List.of(RegisterCatalog.fields("a b c", 6)));
        assertEquals(List.of(), List.of(RegisterCatalog.fields("   ", 6)));
        assertTrue(RegisterCatalog.isHex("0x0000ABCD", 8));
        assertFalse(RegisterCatalog.isHex("0x0000abcd", 8));
        assertFalse(RegisterCatalog.isHex("0X0000ABCD", 8));
        assertFalse(RegisterCatalog.isHex("0x000ABCD", 8));
        assertFalse(RegisterCatalog.isHex("0x0000ABCG", 8));
    }

    /** docs/registers.md lists every register of the table, so the page cannot silently fall behind. */
    @Test
    void theDocumentationListsEveryRegister() throws java.io.IOException {
        java.nio.file.Path docs = java.nio.file.Path.of("..", "docs", "registers.md");
        assertTrue(java.nio.file.Files.isRegularFile(docs), "no " + docs.toAbsolutePath());
        String text = java.nio.file.Files.readString(docs);
        for (Register register : CATALOG.registers()) {
            String row = "| `0x%08X` | %s | %s |".formatted(register.address(), register.name(),
                    register.scope().name().toLowerCase(java.util.Locale.ROOT));
            assertTrue(text.contains(row), "docs/registers.md lacks the row " + row);
        }
    }

    private static Set<Long> addresses(List<Register> registers) {
        return registers.stream().map(Register::address).collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    @Test
    void aHugeUnknownNameIsAnsweredAtOnceWithoutSuggestions() {
        // An edit distance against every name would take minutes for a name this long.
        String huge = "PERF_CTL".repeat(1_000_000);
        RegisterCatalog catalog = RegisterCatalog.builtIn();
        List<String> near = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> catalog.similarNames(huge));
        assertTrue(near.isEmpty(), near.toString());
        assertEquals(List.of("IA32_PERF_CTL"), catalog.similarNames("IA32_PERF_CTX").subList(0, 1));
    }
}
