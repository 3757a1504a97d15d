package io.github.msrsafe.internal.sys;

import io.github.msrsafe.MsrSafe;
import java.util.Objects;
import java.util.function.Function;

/**
 * How the packages of this module above the seam (telemetry, save) reach the device tree
 * under a public {@link MsrSafe} handle, to ask it the facts of its {@link Platform},
 * without a public accessor for an internal type. {@code MsrSafe} installs the accessor
 * once, when its class is initialised, the way the JDK's shared secrets work; any caller
 * holding a handle therefore finds it installed.
 */
public final class HandleAccess {

    private static volatile Function<MsrSafe, DeviceFiles> deviceFiles;

    private HandleAccess() {}

    /** For MsrSafe's static initialiser only; a second call is refused. */
    public static synchronized void install(Function<MsrSafe, DeviceFiles> accessor) {
        if (deviceFiles != null) {
            throw new IllegalStateException("the MsrSafe accessor is installed already");
        }
        deviceFiles = Objects.requireNonNull(accessor, "accessor");
    }

    /** {@return the device tree under {@code msr}} */
    public static DeviceFiles deviceFiles(MsrSafe msr) {
        Objects.requireNonNull(msr, "msr");
        return deviceFiles.apply(msr);
    }

    /** {@return the platform of the machine {@code msr} is a handle on} */
    public static Platform platform(MsrSafe msr) {
        return deviceFiles(msr).platform();
    }
}
