package io.github.msrsafe;

import static io.github.msrsafe.MsrSafeException.hex;

/**
 * Turns an errno from a device call into the exception that explains it. The
 * same errno means different things on different calls (EACCES from open is a
 * file permission, from pread an allowlist refusal), so the call decides the
 * words and the exception type. Factories return, callers throw.
 */
final class Failures {

    /** The calls this library makes, as messages name them. */
    enum Call {
        OPEN("open"),
        PREAD("pread"),
        PWRITE("pwrite"),
        BATCH("ioctl(X86_IOC_MSR_BATCH)"),
        READ_VERSION("read"),
        READ_ALLOWLIST("read"),
        WRITE_ALLOWLIST("write");

        final String text;

        Call(String text) {
            this.text = text;
        }
    }

    private Failures() {}

    static MsrSafeException of(int errno, Call call, String device, Driver driver, int cpu, long msr) {
        String reason = reason(errno, call, device, driver, cpu, msr);
        return switch (kind(errno, call)) {
            case NOT_ALLOWED -> new MsrNotAllowedException(errno, call.text, device, cpu, msr, reason);
            case CPU -> new CpuUnavailableException(errno, call.text, device, cpu, msr, reason);
            case FAULT -> new MsrFaultException(errno, call.text, device, cpu, msr, reason);
            case PERMISSION -> new DevicePermissionException(errno, call.text, device, cpu, msr, reason);
            case MISSING -> new DeviceNotFoundException(errno, call.text, device, cpu, msr, reason);
            case OTHER -> new MsrSafeException(errno, call.text, device, cpu, msr, reason);
        };
    }

    private enum Kind { NOT_ALLOWED, CPU, FAULT, PERMISSION, MISSING, OTHER }

    private static Kind kind(int errno, Call call) {
        if (call == Call.OPEN) {
            return switch (errno) {
                case 1, 13 -> Kind.PERMISSION;         // EPERM, EACCES
                case 2 -> Kind.MISSING;                // ENOENT (a CPU node is handled by the caller)
                case 6 -> Kind.CPU;                    // ENXIO
                case 5 -> Kind.FAULT;                  // EIO
                default -> Kind.OTHER;
            };
        }
        return switch (errno) {
            case 13, 30 -> call == Call.READ_ALLOWLIST || call == Call.WRITE_ALLOWLIST ? Kind.PERMISSION : Kind.NOT_ALLOWED;
            case 6 -> Kind.CPU;
            case 5 -> Kind.FAULT;
            case 9 -> call == Call.PWRITE ? Kind.PERMISSION : Kind.OTHER;
            case 1 -> Kind.PERMISSION;
            default -> Kind.OTHER;
        };
    }

    static String reason(int errno, Call call, String device, Driver driver, int cpu, long msr) {
        return switch (call) {
            case OPEN -> openReason(errno, device, driver, cpu);
            case PREAD -> switch (errno) {
                case 13 -> "MSR " + hex(msr) + " is not in the allowlist; an administrator must add it to /dev/cpu/msr_allowlist";
                case 5 -> rdmsrFault(msr);
                case 6 -> "CPU " + cpu + " went offline after its device was opened";
                case 22 -> "msr_safe reads exactly 8 bytes per call";
                case 16 -> "CPU " + cpu + " is temporarily locked by the kernel; try again";
                default -> generic(errno);
            };
            case PWRITE -> switch (errno) {
                case 13 -> "the allowlist does not let this MSR be written: " + hex(msr)
                        + " is not listed, or its write mask is 0 (read-only)";
                case 5 -> wrmsrFault(msr);
                case 6 -> "CPU " + cpu + " went offline after its device was opened";
                case 9 -> "the device was opened read-only because this user may not write " + device
                        + "; writing needs write permission on it (msr-user group)";
                case 22 -> "msr_safe writes exactly 8 bytes per call";
                case 16 -> "CPU " + cpu + " is temporarily locked by the kernel; try again";
                default -> generic(errno);
            };
            case BATCH -> switch (errno) {
                case 25 -> device + " does not accept X86_IOC_MSR_BATCH: it is not msr_safe's batch device"
                        + " or the loaded module speaks another ABI";
                case 9 -> device + " was not opened for reading; the batch ioctl needs read access";
                case 22 -> "a batch must carry at least one op";
                case 7 -> "the kernel could not allocate the ops array in one piece; use fewer ops per ioctl";
                case 14 -> "the kernel could not copy the batch in or out (bad address)";
                case 12 -> "the kernel ran out of memory for the batch";
                default -> generic(errno);
            };
            case READ_VERSION -> generic(errno);
            case READ_ALLOWLIST -> switch (errno) {
                case 7 -> "the read buffer is shorter than one allowlist line";
                case 13, 1 -> "reading the allowlist needs read permission on " + device + " (msr-admin group)";
                default -> generic(errno);
            };
            case WRITE_ALLOWLIST -> switch (errno) {
                case 13, 1 -> "installing an allowlist needs write permission on " + device + " (msr-admin group)";
                case 7 -> "an allowlist is at most 131072 bytes";
                case 12 -> "the kernel ran out of memory for the allowlist";
                default -> "the module rejected the allowlist (" + generic(errno) + ")";
            };
        };
    }

    /** Words for an error recorded in one op of a batch. */
    static String batchOpReason(int errno, int cpu, long msr, boolean read) {
        return switch (errno) {
            case 6 -> "CPU " + cpu + " does not exist or is offline";
            case 13 -> read
                    ? "MSR " + hex(msr) + " is not in the allowlist"
                    : "MSR " + hex(msr) + " is not in the allowlist, or (stock msr driver) this user may not write it";
            case 30 -> "MSR " + hex(msr) + " is read-only: its allowlist write mask is 0";
            case 5 -> read ? rdmsrFault(msr) : wrmsrFault(msr);
            default -> generic(errno);
        };
    }

    private static String openReason(int errno, String device, Driver driver, int cpu) {
        return switch (errno) {
            case 2 -> cpu >= 0
                    ? "CPU " + cpu + " has no device node: it does not exist or is offline"
                    : device + " does not exist; is the msr-safe module loaded (insmod msr-safe.ko)?";
            case 6 -> "CPU " + cpu + " does not exist or is offline";
            case 13, 1 -> driver == Driver.STOCK_MSR
                    ? "the stock msr driver needs root or CAP_SYS_RAWIO; prefer msr_safe with an allowlist"
                    : "this user may not open " + device + "; msr_safe devices are usually group msr-user"
                            + " (msr-admin for the allowlist): ask an administrator to add you";
            case 5 -> "CPU " + cpu + " does not support model-specific registers";
            case 24 -> "the process has too many open files; raise the limit (ulimit -n) or close handles";
            default -> generic(errno);
        };
    }

    private static String rdmsrFault(long msr) {
        return "the processor faulted reading MSR " + hex(msr)
                + " (general protection fault): this CPU model does not implement it";
    }

    private static String wrmsrFault(long msr) {
        return "the processor faulted writing MSR " + hex(msr) + " (general protection fault): the value sets"
                + " reserved or read-only bits, is a non-canonical address, or the register does not exist";
    }

    private static String generic(int errno) {
        return Errno.of(errno).map(Errno::description).orElse("unexpected error " + errno);
    }
}
