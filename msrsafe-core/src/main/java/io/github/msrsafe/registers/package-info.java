/**
 * What the registers are: a catalog of the MSRs power and performance tools
 * use on the covered server processors ({@link io.github.msrsafe.registers.RegisterCatalog}),
 * the identity of the running processor from /proc/cpuinfo
 * ({@link io.github.msrsafe.registers.CpuIdentity}), and the choice of the
 * allowlist file that fits it ({@link io.github.msrsafe.registers.AllowlistSelector}).
 *
 * <p>{@link io.github.msrsafe.registers.Msrs} names the common registers' addresses as
 * constants. {@link io.github.msrsafe.registers.RegisterCatalog#find(String)} finds a register
 * by name, forgiving case and the {@code IA32_}/{@code MSR_} prefixes ({@code perf_ctl} is
 * IA32_PERF_CTL); {@code MsrSafe} and {@code MsrBatch} take the same names:
 * {@snippet lang=java :
 * try (MsrSafe msr = MsrSafe.open()) {
 *     long perfCtl = msr.read(0, Msrs.IA32_PERF_CTL);                     // 0x199
 *     long units = msr.read(0, "rapl_power_unit");                       // MSR_RAPL_POWER_UNIT
 *     Register mperf = RegisterCatalog.builtIn().require("mperf");       // IA32_MPERF, or an exception naming near names
 *     System.out.println(mperf.name() + " on CPU 0: " + msr.read(0, mperf));
 * }
 * }
 */
package io.github.msrsafe.registers;
