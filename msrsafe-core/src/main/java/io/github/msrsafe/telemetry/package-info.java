/**
 * Telemetry over msr_safe: the numbers most users want, derived once and right.
 * A {@link io.github.msrsafe.telemetry.Sampler} reads a declared set of
 * {@link io.github.msrsafe.telemetry.Signal}s (turbostat's Avg_MHz, Busy%,
 * Bzy_MHz, TSC_MHz; package and DRAM watts and joules; core and package
 * temperature; the package power limits) with one batch per sample across every
 * CPU, core and package, without allocating once warm.
 * {@link io.github.msrsafe.telemetry.Derivations} holds the formulas;
 * {@link io.github.msrsafe.telemetry.PackagePowerLimit} and
 * {@link io.github.msrsafe.telemetry.PowerLimitControl} read and write the RAPL
 * package power limits in watts and seconds. docs/telemetry.md describes the signals.
 */
package io.github.msrsafe.telemetry;
