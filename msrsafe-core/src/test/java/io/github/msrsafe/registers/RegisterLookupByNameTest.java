package io.github.msrsafe.registers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link RegisterCatalog#find}'s forgiving lookup and its precedence, and {@link Msrs}. */
class RegisterLookupByNameTest {

    private static final RegisterCatalog CATALOG = RegisterCatalog.builtIn();

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        // As given: manual names, aliases, Linux's MSR_IA32_ spelling, any case.
        "IA32_PERF_CTL,             IA32_PERF_CTL",
        "' ia32_perf_ctl ',         IA32_PERF_CTL",
        "mperf,                     IA32_MPERF",
        "MSR_IA32_MPERF,            IA32_MPERF",
        "perf_ctl0,                 PERF_CTL0",
        "msr_amd_pkg_energy_status, PKG_ENERGY_STAT",
        // IA32_ added: architectural first. perf_ctl is IA32_PERF_CTL, never AMD's PERF_CTL0.
        "perf_ctl,                  IA32_PERF_CTL",
        "Perf_Status,               IA32_PERF_STATUS",
        "energy_perf_bias,          IA32_ENERGY_PERF_BIAS",
        "hwp_request,               IA32_HWP_REQUEST",
        // MSR_ added: Intel model-specific next.
        "pkg_energy_status,         MSR_PKG_ENERGY_STATUS",
        "rapl_power_unit,           MSR_RAPL_POWER_UNIT",
        "platform_info,             MSR_PLATFORM_INFO",
        // A prefix the register does not have is dropped, then the steps above apply.
        "MSR_HWCR,                  HWCR",
        "ia32_hwcr,                 HWCR",
        "msr_perf_ctl,              IA32_PERF_CTL",
        "IA32_PKG_POWER_LIMIT,      MSR_PKG_POWER_LIMIT",
        "MSR_IA32_PKG_ENERGY_STATUS, MSR_PKG_ENERGY_STATUS",
    })
    void findForgivesCaseAndPrefixesInAStatedOrder(String name, String expected) {
        assertEquals(expected, CATALOG.find(name).map(Register::name).orElse("(none)"));
    }

    @Test
    void findMatchesWholeNamesOnly() {
        for (String name : List.of("perf", "PERF_CT", "IA32_", "MSR_", "", "   ", "IA32_PMC", "PSTATE_DEF", "0x199")) {
            assertEquals(Optional.empty(), CATALOG.find(name), name);
        }
    }

    @Test
    void noBareNameIsClaimedBothWithIa32AndWithMsrPrefix() {
        // Were there an IA32_X and an MSR_X, "x" would silently mean IA32_X: keep the catalog free of such pairs,
        // or make the precedence matter knowingly by changing this test.
        List<String> clashes = new ArrayList<>();
        for (String name : CATALOG.names()) {
            if (name.startsWith("IA32_") && CATALOG.byName("MSR_" + name.substring(5)).isPresent()
                    && !CATALOG.byName("MSR_" + name.substring(5)).equals(CATALOG.byName(name))) {
                clashes.add(name);
            }
        }
        assertEquals(List.of(), clashes);
    }

    @Test
    void everyNameFindsItsOwnRegisterFirst() {
        // The forgiving steps never override a name the catalog has.
        for (String name : CATALOG.names()) {
            assertEquals(CATALOG.byName(name), CATALOG.find(name), name);
            assertEquals(CATALOG.byName(name), CATALOG.find(name.toLowerCase(Locale.ROOT)), name);
        }
    }

    @Test
    void requireNamesTheMistakeAndNearNames() {
        assertEquals(0x199, CATALOG.require("perf_ctl").address());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CATALOG.require("IA32_MPREF"));
        assertTrue(e.getMessage().startsWith("unknown MSR name 'IA32_MPREF' (did you mean IA32_MPERF or IA32_APERF?);"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("registers: give others by address"), e.getMessage());
        assertThrows(NullPointerException.class, () -> CATALOG.require(null));
    }

    @Test
    void namesListsEveryNameAndAliasSorted() {
        List<String> names = CATALOG.names();
        assertTrue(names.contains("IA32_MPERF") && names.contains("MPERF") && names.contains("HWCR"), names.toString());
        assertEquals(names.stream().sorted().toList(), names);
        int aliases = CATALOG.registers().stream().mapToInt(r -> CATALOG.aliases(r.address()).size()).sum();
        assertEquals(CATALOG.registers().size() + aliases, names.size());
    }

    @Test
    void everyConstantOfMsrsIsTheCatalogsRegisterOfThatName() throws IllegalAccessException {
        int constants = 0;
        for (Field field : Msrs.class.getDeclaredFields()) {
            if (!Modifier.isStatic(field.getModifiers())) {
                continue;
            }
            assertTrue(Modifier.isPublic(field.getModifiers()) && Modifier.isFinal(field.getModifiers())
                    && field.getType() == long.class, field.toString());
            Register register = CATALOG.byName(field.getName())
                    .orElseThrow(() -> new AssertionError(field.getName() + " is not a name in the catalog"));
            assertEquals(register.name(), field.getName(), "the manual name, not an alias");
            assertEquals(register.address(), field.getLong(null), field.getName());
            constants++;
        }
        assertTrue(constants >= 40, "the common registers: " + constants);
    }
}
