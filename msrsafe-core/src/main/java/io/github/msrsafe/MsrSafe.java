package io.github.msrsafe;

import io.github.msrsafe.internal.sys.DeviceFiles;

/**
 * A handle on an msr_safe device tree. SKELETON: being written (issue 2).
 */
public final class MsrSafe implements AutoCloseable {
    private final DeviceFiles files;

    private MsrSafe(DeviceFiles files) {
        this.files = files;
    }

    /** A handle over any device tree (native root or simulated); the seam for tests and the simulator. */
    static MsrSafe over(DeviceFiles files) throws MsrSafeException {
        return new MsrSafe(files);
    }

    @Override
    public void close() {
        files.close();
    }
}
