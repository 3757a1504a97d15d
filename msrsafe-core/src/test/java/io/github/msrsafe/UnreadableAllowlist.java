package io.github.msrsafe;

import io.github.msrsafe.allowlist.AllowlistEntry;
import io.github.msrsafe.internal.sim.SimKernel;
import io.github.msrsafe.internal.sys.DeviceNode;
import io.github.msrsafe.internal.sys.ErrnoException;
import io.github.msrsafe.internal.sys.ForwardingDeviceFiles;
import io.github.msrsafe.internal.sys.OpenFile;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * A simulated device whose msr_allowlist file this user may not open (EACCES), as for a
 * user outside msr-admin: code that wants the allowlist must fall back to probing. For
 * tests in other packages, which cannot reach {@link MsrSafe#over}.
 */
public final class UnreadableAllowlist {

    private UnreadableAllowlist() {}

    /** A handle on a one-package simulated device with these registers and allowlist, the allowlist file closed to reading. */
    public static MsrSafe open(int cpus, List<SimulatedRegister> registers, List<AllowlistEntry> allowlist,
            LongSupplier clock) throws MsrSafeException {
        SimKernel kernel = new SimKernel(cpus, 1, cpus, new int[0], registers, allowlist, clock);
        return MsrSafe.over(new ForwardingDeviceFiles(kernel) {
            @Override
            public OpenFile open(DeviceNode node, int flags) throws ErrnoException {
                if (node.kind() == DeviceNode.Kind.ALLOWLIST) {
                    throw new ErrnoException(Errno.EACCES.number(), "open " + path(node));
                }
                return super.open(node, flags);
            }
        });
    }
}
