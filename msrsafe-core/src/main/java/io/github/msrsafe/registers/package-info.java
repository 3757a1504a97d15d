/**
 * What the registers are: a catalog of the MSRs power and performance tools
 * use on the covered server processors ({@link io.github.msrsafe.registers.RegisterCatalog}),
 * the identity of the running processor from /proc/cpuinfo
 * ({@link io.github.msrsafe.registers.CpuIdentity}), and the choice of the
 * allowlist file that fits it ({@link io.github.msrsafe.registers.AllowlistSelector}).
 */
package io.github.msrsafe.registers;
