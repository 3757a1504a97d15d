package io.github.msrsafe.registers;

/**
 * The addresses of the MSRs power and performance tools use most, named as the
 * manuals name them, for code and jshell: {@code msr.read(0, Msrs.IA32_MPERF)}.
 * Each is a register of the {@linkplain RegisterCatalog#builtIn() built-in catalog},
 * which has the rest of what is known about it ({@code RegisterCatalog.builtIn()
 * .byAddress(Msrs.IA32_MPERF)}); a test keeps the two in step.
 *
 * {@snippet :
 * import static io.github.msrsafe.registers.Msrs.*;
 *
 * long requested = msr.read(0, IA32_PERF_CTL);           // 0x199
 * batch.addRead(cpu, MSR_PKG_ENERGY_STATUS);              // 0x611
 * }
 *
 * <p>The descriptions are the catalog's: facts from the Intel SDM (volume 4, the
 * MSR tables; volume 3B, power and performance monitoring) and AMD's Processor
 * Programming Reference. Three groups:
 * <ul>
 * <li>{@code IA32_*}: Intel's architectural MSRs, at the same address on every
 *     processor that has them (TSC, MPERF and APERF on AMD too);</li>
 * <li>{@code MSR_*}: Intel model-specific MSRs that every server family the catalog
 *     covers has at these addresses (RAPL, platform information, C-state residency);</li>
 * <li>AMD's own MSRs, family 17h (Zen) and later, named as the PPR names them.</li>
 * </ul>
 * A register a processor lacks reads as an EIO fault; a register the allowlist
 * does not grant, as EACCES.
 */
public final class Msrs {

    private Msrs() {}

    // ---- Intel architectural (also AMD: the TSC, MPERF and APERF) ----

    /**
     * 0x10, thread scope. Time-stamp counter. Ticks at a constant rate on these processors and can be
     * written (which disturbs kernel timekeeping).
     */
    public static final long IA32_TIME_STAMP_COUNTER = 0x10L;

    /**
     * 0x17, package scope. Platform ID; bits 52:50 tell microcode loaders which platform this is. Read-
     * only.
     */
    public static final long IA32_PLATFORM_ID = 0x17L;

    /** 0xC1, thread scope. General-purpose performance counter 0; 48 bits wide on these models, writable. */
    public static final long IA32_PMC0 = 0xC1L;

    /** 0xC2, thread scope. General-purpose performance counter 1; 48 bits wide on these models, writable. */
    public static final long IA32_PMC1 = 0xC2L;

    /** 0xC3, thread scope. General-purpose performance counter 2; 48 bits wide on these models, writable. */
    public static final long IA32_PMC2 = 0xC3L;

    /** 0xC4, thread scope. General-purpose performance counter 3; 48 bits wide on these models, writable. */
    public static final long IA32_PMC3 = 0xC4L;

    /**
     * 0xC5, thread scope. General-purpose performance counter 4; 48 bits wide on these models, writable.
     * PMC4-PMC7 exist only when Hyper-Threading is off on Skylake-SP.
     */
    public static final long IA32_PMC4 = 0xC5L;

    /**
     * 0xC6, thread scope. General-purpose performance counter 5; 48 bits wide on these models, writable.
     * PMC4-PMC7 exist only when Hyper-Threading is off on Skylake-SP.
     */
    public static final long IA32_PMC5 = 0xC6L;

    /**
     * 0xC7, thread scope. General-purpose performance counter 6; 48 bits wide on these models, writable.
     * PMC4-PMC7 exist only when Hyper-Threading is off on Skylake-SP.
     */
    public static final long IA32_PMC6 = 0xC7L;

    /**
     * 0xC8, thread scope. General-purpose performance counter 7; 48 bits wide on these models, writable.
     * PMC4-PMC7 exist only when Hyper-Threading is off on Skylake-SP.
     */
    public static final long IA32_PMC7 = 0xC8L;

    /**
     * 0xE7, thread scope. Counts at a fixed reference rate while the thread is in C0; writable. The
     * APERF/MPERF ratio gives the average effective frequency.
     */
    public static final long IA32_MPERF = 0xE7L;

    /** 0xE8, thread scope. Counts at the actual core clock while the thread is in C0; writable. */
    public static final long IA32_APERF = 0xE8L;

    /**
     * 0x186, thread scope. Event select for IA32_PMC0: event (7:0), unit mask (15:8), USR, OS, edge, INT
     * (20), AnyThread (21), EN (22), INV, CMASK (31:24).
     */
    public static final long IA32_PERFEVTSEL0 = 0x186L;

    /**
     * 0x187, thread scope. Event select for IA32_PMC1: event (7:0), unit mask (15:8), USR, OS, edge, INT
     * (20), AnyThread (21), EN (22), INV, CMASK (31:24).
     */
    public static final long IA32_PERFEVTSEL1 = 0x187L;

    /**
     * 0x188, thread scope. Event select for IA32_PMC2: event (7:0), unit mask (15:8), USR, OS, edge, INT
     * (20), AnyThread (21), EN (22), INV, CMASK (31:24).
     */
    public static final long IA32_PERFEVTSEL2 = 0x188L;

    /**
     * 0x189, thread scope. Event select for IA32_PMC3: event (7:0), unit mask (15:8), USR, OS, edge, INT
     * (20), AnyThread (21), EN (22), INV, CMASK (31:24).
     */
    public static final long IA32_PERFEVTSEL3 = 0x189L;

    /**
     * 0x18A, thread scope. Event select for IA32_PMC4: event (7:0), unit mask (15:8), USR, OS, edge, INT
     * (20), AnyThread (21), EN (22), INV, CMASK (31:24).
     */
    public static final long IA32_PERFEVTSEL4 = 0x18AL;

    /**
     * 0x18B, thread scope. Event select for IA32_PMC5: event (7:0), unit mask (15:8), USR, OS, edge, INT
     * (20), AnyThread (21), EN (22), INV, CMASK (31:24).
     */
    public static final long IA32_PERFEVTSEL5 = 0x18BL;

    /**
     * 0x18C, thread scope. Event select for IA32_PMC6: event (7:0), unit mask (15:8), USR, OS, edge, INT
     * (20), AnyThread (21), EN (22), INV, CMASK (31:24).
     */
    public static final long IA32_PERFEVTSEL6 = 0x18CL;

    /**
     * 0x18D, thread scope. Event select for IA32_PMC7: event (7:0), unit mask (15:8), USR, OS, edge, INT
     * (20), AnyThread (21), EN (22), INV, CMASK (31:24).
     */
    public static final long IA32_PERFEVTSEL7 = 0x18DL;

    /** 0x198, package scope. Current performance state; bits 15:0 hold the current ratio. Read-only. */
    public static final long IA32_PERF_STATUS = 0x198L;

    /**
     * 0x199, thread scope. Requested performance state: target ratio in bits 15:8 of the 16-bit field
     * 15:0; bit 32 disengages turbo. Ignored while HWP is enabled.
     */
    public static final long IA32_PERF_CTL = 0x199L;

    /**
     * 0x19A, thread scope. On-demand clock modulation: duty cycle in bits 3:0 (6.25% steps with the
     * extended bit 0) and enable in bit 4.
     */
    public static final long IA32_CLOCK_MODULATION = 0x19AL;

    /** 0x19B, core scope. Core thermal interrupt enables and the two temperature thresholds. */
    public static final long IA32_THERM_INTERRUPT = 0x19BL;

    /**
     * 0x19C, core scope. Core thermal status: status bits, digital readout (22:16), resolution (30:27) and
     * valid (31) are read-only; log bits are cleared by writing 0.
     */
    public static final long IA32_THERM_STATUS = 0x19CL;

    /**
     * 0x1A0, thread scope. Miscellaneous enables: fast strings, automatic thermal control, EIST, MONITOR,
     * turbo disable (38) and more; bits 7, 11 and 12 are read-only availability flags.
     */
    public static final long IA32_MISC_ENABLE = 0x1A0L;

    /**
     * 0x1B0, thread scope. Energy/performance bias hint in bits 3:0, from 0 (performance) to 15 (energy
     * saving).
     */
    public static final long IA32_ENERGY_PERF_BIAS = 0x1B0L;

    /**
     * 0x1B1, package scope. Package thermal status: status bits and digital readout (22:16) are read-only;
     * log bits are cleared by writing 0.
     */
    public static final long IA32_PACKAGE_THERM_STATUS = 0x1B1L;

    /** 0x1B2, package scope. Package thermal interrupt enables and the two temperature thresholds. */
    public static final long IA32_PACKAGE_THERM_INTERRUPT = 0x1B2L;

    /**
     * 0x309, thread scope. Fixed-function performance counter 0: instructions retired; 48 bits wide,
     * writable.
     */
    public static final long IA32_FIXED_CTR0 = 0x309L;

    /**
     * 0x30A, thread scope. Fixed-function performance counter 1: unhalted core cycles; 48 bits wide,
     * writable.
     */
    public static final long IA32_FIXED_CTR1 = 0x30AL;

    /**
     * 0x30B, thread scope. Fixed-function performance counter 2: unhalted reference cycles; 48 bits wide,
     * writable.
     */
    public static final long IA32_FIXED_CTR2 = 0x30BL;

    /** 0x30C, thread scope. Fixed-function performance counter 3: top-down slots; 48 bits wide, writable. */
    public static final long IA32_FIXED_CTR3 = 0x30CL;

    /**
     * 0x345, thread scope. Performance monitoring capabilities: LBR and PEBS formats, full-width counter
     * writes. Read-only.
     */
    public static final long IA32_PERF_CAPABILITIES = 0x345L;

    /**
     * 0x38D, thread scope. Fixed counter controls, four bits per counter: OS and USR enables (1:0),
     * AnyThread (2), PMI (3).
     */
    public static final long IA32_FIXED_CTR_CTRL = 0x38DL;

    /**
     * 0x38E, thread scope. Counter overflow status. Read-only; cleared through
     * IA32_PERF_GLOBAL_STATUS_RESET (0x390).
     */
    public static final long IA32_PERF_GLOBAL_STATUS = 0x38EL;

    /**
     * 0x38F, thread scope. Global counter enables: general-purpose counters from bit 0, fixed counters
     * from bit 32.
     */
    public static final long IA32_PERF_GLOBAL_CTRL = 0x38FL;

    /**
     * 0x770, package scope. Bit 0 enables hardware-controlled P-states (HWP); once set it stays set until
     * reset.
     */
    public static final long IA32_PM_ENABLE = 0x770L;

    /**
     * 0x771, thread scope. HWP performance levels: highest (7:0), guaranteed (15:8), most efficient
     * (23:16), lowest (31:24). Read-only.
     */
    public static final long IA32_HWP_CAPABILITIES = 0x771L;

    /**
     * 0x772, package scope. Package-wide HWP request: minimum, maximum, desired, energy/performance
     * preference (31:24), activity window (41:32).
     */
    public static final long IA32_HWP_REQUEST_PKG = 0x772L;

    /**
     * 0x773, thread scope. HWP notification enables: guaranteed performance change (0), excursion to
     * minimum (1).
     */
    public static final long IA32_HWP_INTERRUPT = 0x773L;

    /**
     * 0x774, thread scope. Per-thread HWP request: minimum (7:0), maximum (15:8), desired (23:16),
     * energy/performance preference (31:24), activity window (41:32), package control (42).
     */
    public static final long IA32_HWP_REQUEST = 0x774L;

    /**
     * 0x777, thread scope. HWP log bits (guaranteed performance changed, excursion to minimum); cleared by
     * writing 0.
     */
    public static final long IA32_HWP_STATUS = 0x777L;

    // ---- Intel model-specific, on every server family of the catalog ----

    /**
     * 0xCE, package scope. Platform information: maximum non-turbo ratio (15:8), maximum efficiency ratio
     * (47:40), programmable ratio/TDP/TjMax-offset flags. Read-only.
     */
    public static final long MSR_PLATFORM_INFO = 0xCEL;

    /**
     * 0x1A2, package scope. Thermal control circuit activation: TjMax in bits 23:16 (read-only) and the
     * programmable activation offset above it.
     */
    public static final long MSR_TEMPERATURE_TARGET = 0x1A2L;

    /**
     * 0x1AD, package scope. Maximum turbo ratio for each of eight active-core groups; writable only when
     * MSR_PLATFORM_INFO bit 28 is set.
     */
    public static final long MSR_TURBO_RATIO_LIMIT = 0x1ADL;

    /**
     * 0x606, package scope. RAPL units as 1/2^n: power (3:0), energy status (12:8), time (19:16). Read-
     * only.
     */
    public static final long MSR_RAPL_POWER_UNIT = 0x606L;

    /**
     * 0x610, package scope. Package RAPL limits: PL1 (limit 14:0, enable 15, clamp 16, window 23:17) and
     * PL2 (same fields at 46:32..55:49); bit 63 locks the register until reset.
     */
    public static final long MSR_PKG_POWER_LIMIT = 0x610L;

    /**
     * 0x611, package scope. Package energy consumed: a 32-bit wrapping counter in energy status units.
     * Read-only.
     */
    public static final long MSR_PKG_ENERGY_STATUS = 0x611L;

    /**
     * 0x613, package scope. Accumulated time the package was throttled by RAPL, in time units. Read-only.
     */
    public static final long MSR_PKG_PERF_STATUS = 0x613L;

    /**
     * 0x614, package scope. Package thermal specification power, minimum and maximum power, maximum time
     * window. Read-only to software (SDM vol. 3B, RAPL).
     */
    public static final long MSR_PKG_POWER_INFO = 0x614L;

    /**
     * 0x618, package scope. DRAM RAPL limit: power limit (14:0), enable (15), time window (23:17); bit 31
     * locks the register until reset.
     */
    public static final long MSR_DRAM_POWER_LIMIT = 0x618L;

    /**
     * 0x619, package scope. DRAM energy consumed: a 32-bit wrapping counter. Skylake-SP and Ice Lake-SP
     * count 15.3 microjoule units, not the MSR_RAPL_POWER_UNIT value; Sapphire Rapids and later count in
     * MSR_RAPL_POWER_UNIT's energy unit. Read-only.
     */
    public static final long MSR_DRAM_ENERGY_STATUS = 0x619L;

    /** 0x61B, package scope. Accumulated time DRAM was throttled by RAPL, in time units. Read-only. */
    public static final long MSR_DRAM_PERF_STATUS = 0x61BL;

    /**
     * 0x61C, package scope. DRAM thermal specification power, minimum and maximum power, maximum time
     * window. Read-only to software (SDM vol. 3B, RAPL).
     */
    public static final long MSR_DRAM_POWER_INFO = 0x61CL;

    /** 0x620, package scope. Uncore frequency range: maximum ratio (6:0) and minimum ratio (14:8). */
    public static final long MSR_UNCORE_RATIO_LIMIT = 0x620L;

    /** 0x3F9, package scope. Time the package spent in C6, counted at the TSC rate. Read-only. */
    public static final long MSR_PKG_C6_RESIDENCY = 0x3F9L;

    /** 0x3FD, core scope. Time the core spent in C6, counted at the TSC rate. Read-only. */
    public static final long MSR_CORE_C6_RESIDENCY = 0x3FDL;

    // ---- AMD, family 17h and later ----

    /** 0xC00000E9, thread scope. Instructions retired, counting while HWCR bit 30 (IRPerfEn) is set. */
    public static final long IR_PERF_COUNT = 0xC00000E9L;

    /**
     * 0xC0010015, thread scope. Hardware configuration: core performance boost disable (25), IRPerfCount
     * enable (30) and other model controls.
     */
    public static final long HWCR = 0xC0010015L;

    /**
     * 0xC0010061, thread scope. P-state limits: current highest allowed P-state (2:0) and the lowest-
     * performance P-state number (6:4). Read-only.
     */
    public static final long PSTATE_CUR_LIM = 0xC0010061L;

    /** 0xC0010062, thread scope. P-state request: PstateCmd in bits 2:0. */
    public static final long PSTATE_CTL = 0xC0010062L;

    /** 0xC0010063, thread scope. Current P-state number in bits 2:0. Read-only. */
    public static final long PSTATE_STAT = 0xC0010063L;

    /**
     * 0xC0010299, package scope. RAPL units as 1/2^n: power (3:0), energy status (12:8), time (19:16).
     * Read-only.
     */
    public static final long RAPL_PWR_UNIT = 0xC0010299L;

    /**
     * 0xC001029A, core scope. Core energy consumed: a 32-bit wrapping counter in energy status units.
     * Read-only.
     */
    public static final long CORE_ENERGY_STAT = 0xC001029AL;

    /**
     * 0xC001029B, package scope. Package (socket) energy consumed: a 32-bit wrapping counter in energy
     * status units. Read-only.
     */
    public static final long PKG_ENERGY_STAT = 0xC001029BL;

    /**
     * 0xC00102B0, thread scope. CPPC performance levels: lowest (7:0), lowest nonlinear (15:8), nominal
     * (23:16), highest (31:24). Read-only.
     */
    public static final long CPPC_CAP1 = 0xC00102B0L;

    /** 0xC00102B1, thread scope. Bit 0 enables CPPC; once set it stays set until reset. */
    public static final long CPPC_ENABLE = 0xC00102B1L;

    /**
     * 0xC00102B3, thread scope. CPPC request: maximum (7:0), minimum (15:8), desired (23:16),
     * energy/performance preference (31:24).
     */
    public static final long CPPC_REQ = 0xC00102B3L;
}
