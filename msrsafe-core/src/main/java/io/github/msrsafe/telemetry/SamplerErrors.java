package io.github.msrsafe.telemetry;

import io.github.msrsafe.CpuUnavailableException;
import io.github.msrsafe.Errno;
import io.github.msrsafe.MsrBatch;
import io.github.msrsafe.MsrFaultException;
import io.github.msrsafe.MsrNotAllowedException;
import io.github.msrsafe.MsrSafeException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.stream.Collectors;

/**
 * The sampler's failures as exceptions that name what failed: each register by its catalog
 * name, with the quantities that need it, and what to do about it.
 */
final class SamplerErrors {

    private final String device;
    private final List<Quantity> quantities;
    private final Vendor vendor;

    /**
     * @param device     the device's root, for messages
     * @param quantities what the sampler derives
     * @param vendor     whose registers the signals read
     */
    SamplerErrors(String device, List<Quantity> quantities, Vendor vendor) {
        this.device = device;
        this.quantities = quantities;
        this.vendor = vendor;
    }

    /** The allowlist lacks {@code missing}: named, with the quantities that need them. */
    MsrNotAllowedException notAllowed(String operation, List<Long> missing) {
        return new MsrNotAllowedException(Errno.EACCES.number(), operation, device, -1, missing.getFirst(),
                "the allowlist does not list " + describeNeeds(missing)
                        + "; an administrator must add them to msr_allowlist, or sample fewer signals");
    }

    /** The failure of an executed batch, naming every register that failed and the quantities that need it. */
    MsrSafeException failureOf(MsrBatch executed, String operation) {
        Map<Integer, Set<Long>> byErrno = new LinkedHashMap<>();
        int firstCpu = -1;
        for (int op = 0; op < executed.size(); op++) {
            int errno = executed.errno(op);
            if (errno != 0) {
                byErrno.computeIfAbsent(errno, e -> new LinkedHashSet<>()).add(executed.msr(op));
                if (firstCpu < 0) {
                    firstCpu = executed.cpu(op);
                }
            }
        }
        int eacces = Errno.EACCES.number();
        int eio = Errno.EIO.number();
        int enxio = Errno.ENXIO.number();
        if (byErrno.containsKey(eacces)) {
            return notAllowed(operation, List.copyOf(byErrno.get(eacces)));
        }
        if (byErrno.containsKey(eio)) {
            List<Long> faulting = List.copyOf(byErrno.get(eio));
            return new MsrFaultException(eio, operation, device, -1, faulting.getFirst(),
                    "this processor does not implement " + describeNeeds(faulting)
                            + " (rdmsr faults); sample fewer signals or choose the right vendor");
        }
        if (byErrno.containsKey(enxio)) {
            return new CpuUnavailableException(enxio, operation, device, firstCpu, -1, "CPU " + firstCpu
                    + " went offline since the sampler was built; build a new one for the CPUs online now");
        }
        if (byErrno.isEmpty()) {
            return new MsrSafeException(0, operation, device, -1, -1, "the batch failed without a per-op error");
        }
        Map.Entry<Integer, Set<Long>> first = byErrno.entrySet().iterator().next();
        long address = first.getValue().iterator().next();
        return new MsrSafeException(first.getKey(), operation, device, firstCpu, address,
                Errno.name(first.getKey()) + " reading " + describeNeeds(List.of(address)));
    }

    /** "MSR_PKG_ENERGY_STATUS (0x611) for PkgWatt, Pkg_J; IA32_MPERF (0xE7) for Busy%". */
    String describeNeeds(List<Long> addresses) {
        StringJoiner text = new StringJoiner("; ");
        for (long address : addresses) {
            String users = quantities.stream().filter(quantity -> reads(quantity, address))
                    .map(Quantity::columnName).collect(Collectors.joining(", "));
            text.add(Msr.describe(address) + (users.isEmpty() ? "" : " for " + users));
        }
        return text.toString();
    }

    private boolean reads(Quantity quantity, long address) {
        return switch (quantity) {
            case Signal signal -> java.util.Arrays.stream(signal.addresses(vendor)).anyMatch(a -> a == address);
            case RegisterColumn column -> column.address() == address
                    || column.format() == RegisterColumn.Format.PERCENT && address == Msr.TSC;
        };
    }
}
