/**
 * Not API. The seam between the public API and the system calls: a tree of device files
 * ({@code DeviceFiles}) whose open files ({@code OpenFile}, {@code BatchDevice}) return what
 * C returns, or {@code -errno}, never throwing on the hot path, and the facts about the
 * machine above them ({@code Platform}). The native and the simulated device both
 * implement it; the public layer owns all policy. {@code UseCount} is how every owner of a
 * descriptor or of native memory stays safe to close while other threads use it.
 */
package io.github.msrsafe.internal.sys;
