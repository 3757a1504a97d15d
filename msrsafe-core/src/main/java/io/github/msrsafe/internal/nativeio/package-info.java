/**
 * Not API. The real device files through {@code java.lang.foreign}: C library downcalls with errno
 * captured per thread, file descriptors on /dev/cpu (or another root laid out like it), and the
 * batch device emulated by pread/pwrite for the stock msr driver. Linked on first use, so code that
 * uses only the simulated device never needs native access.
 */
package io.github.msrsafe.internal.nativeio;
