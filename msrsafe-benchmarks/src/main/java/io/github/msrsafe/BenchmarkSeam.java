package io.github.msrsafe;

import io.github.msrsafe.internal.nativeio.NativeDeviceFiles;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Path;

/**
 * The benchmarks' way to the library's package-private test seam
 * ({@code MsrSafe.over(DeviceFiles)}): a native device tree whose batch ioctl is a C
 * stand-in for the kernel module. This class lives in the library's package but ships
 * only in the benchmarks jar, which runs on the class path, where one package may span
 * two jars; it is not part of the library.
 */
public final class BenchmarkSeam {

    private BenchmarkSeam() {}

    /** A handle on the device tree at {@code root} whose batch ioctl is {@code ioctlLookup}'s {@code ioctl}. */
    public static MsrSafe openNative(Path root, SymbolLookup ioctlLookup) throws MsrSafeException {
        return MsrSafe.over(NativeDeviceFiles.open(root, ioctlLookup));
    }
}
