/**
 * Not API. The seam between the public API and the system calls: a tree of device files
 * ({@code DeviceFiles}) whose open files ({@code OpenFile}) return what C returns, or
 * {@code -errno}, never throwing on the hot path. The native and the simulated device both
 * implement it; the public layer owns all policy.
 */
package io.github.msrsafe.internal.sys;
