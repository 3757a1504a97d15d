package io.github.msrsafe.telemetry;

import io.github.msrsafe.Errno;
import io.github.msrsafe.FailureKind;
import io.github.msrsafe.MsrBatch;
import io.github.msrsafe.MsrSafeException;
import io.github.msrsafe.internal.access.ExceptionAccess;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.Optional;
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
    MsrSafeException notAllowed(String operation, List<Long> missing) {
        return ExceptionAccess.create(FailureKind.NOT_ALLOWED, Errno.EACCES.number(), operation, device, -1,
                missing.getFirst(), "the allowlist does not list " + describeNeeds(missing)
                        + "; an administrator must add them to msr_allowlist, or sample fewer signals");
    }

    /**
     * The failure of an executed batch, naming every register that failed and the quantities that
     * need it. The ops' kinds decide, in the order of {@link FailureKind}: a refusal by the
     * allowlist first, then an offline CPU, then a fault.
     */
    MsrSafeException failureOf(MsrBatch executed, String operation) {
        Map<FailureKind, Set<Long>> byKind = new EnumMap<>(FailureKind.class);
        Map<FailureKind, Integer> errnoOf = new EnumMap<>(FailureKind.class);
        Map<FailureKind, Integer> cpuOf = new EnumMap<>(FailureKind.class);
        for (int op = 0; op < executed.size(); op++) {
            Optional<FailureKind> kind = executed.kind(op);
            if (kind.isPresent()) {
                byKind.computeIfAbsent(kind.get(), k -> new LinkedHashSet<>()).add(executed.msr(op));
                errnoOf.putIfAbsent(kind.get(), executed.error(op).orElseThrow().number());
                cpuOf.putIfAbsent(kind.get(), executed.cpu(op));
            }
        }
        if (byKind.isEmpty()) {
            return ExceptionAccess.create(FailureKind.OTHER, 0, operation, device, -1, -1,
                    "the batch failed without a per-op error");
        }
        FailureKind kind = byKind.keySet().iterator().next();
        List<Long> registers = List.copyOf(byKind.get(kind));
        int errno = errnoOf.get(kind);
        int cpu = cpuOf.get(kind);
        return switch (kind) {
            case NOT_ALLOWED, READ_ONLY -> notAllowed(operation, registers);
            case FAULT -> ExceptionAccess.create(kind, errno, operation, device, -1, registers.getFirst(),
                    "this processor does not implement " + describeNeeds(registers)
                            + " (rdmsr faults); sample fewer signals or choose the right vendor");
            case CPU_UNAVAILABLE -> ExceptionAccess.create(kind, errno, operation, device, cpu, -1, "CPU " + cpu
                    + " went offline after the handle was opened; open a new handle and sampler for the CPUs"
                    + " online now");
            default -> ExceptionAccess.create(kind, errno, operation, device, cpu, registers.getFirst(),
                    Errno.name(errno) + " reading " + describeNeeds(List.of(registers.getFirst())));
        };
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
            case Signal signal -> Arrays.stream(signal.addresses(vendor)).anyMatch(a -> a == address);
            case RegisterColumn column -> column.address() == address
                    || column.format() == RegisterColumn.Format.PERCENT && address == Msr.TSC;
        };
    }
}
