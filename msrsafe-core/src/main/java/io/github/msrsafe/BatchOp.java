package io.github.msrsafe;

import io.github.msrsafe.registers.RegisterCatalog;
import java.util.Locale;
import java.util.Optional;

/**
 * One op of an executed {@link MsrBatch}, copied out of the batch's off-heap array.
 *
 * @param index     position in the batch
 * @param cpu       the CPU it addresses
 * @param msr       the MSR address
 * @param read      true for a read, false for a write
 * @param value     the value read, or for a write the value the caller asked to write
 * @param writeMask the allowlist write mask the module reported (0 if the op never reached validation)
 * @param errno     0, or the positive errno of this op
 * @param ran       whether the op was executed (false when the module rejected its ioctl in validation)
 */
public record BatchOp(int index, int cpu, long msr, boolean read, long value, long writeMask, int errno, boolean ran) {

    /** {@return true when the op ran without error} */
    public boolean succeeded() {
        return ran && errno == 0;
    }

    /** {@return the op's error as a constant, if it has one} */
    public Optional<Errno> error() {
        return Errno.of(errno);
    }

    /** {@return the error in plain words, "ok", or why the op did not run} */
    public String describe() {
        return errno == 0 ? (ran ? "ok" : "not run: another op of the batch was rejected")
                : Errno.name(errno) + ": " + Failures.batchOpReason(errno, cpu, msr, read);
    }

    /**
     * The op in hex with the register's catalog name, for jshell and logs:
     * {@code #0 read CPU 1 0x199 IA32_PERF_CTL = 0x0000000000001A00},
     * {@code #1 write CPU 0 0xE7 IA32_MPERF <- 0x0000000000000000 (mask 0xFFFFFFFFFFFFFFFF)},
     * or the error: {@code #2 read CPU 0 0x3A: EACCES: MSR 0x3A is not in the allowlist}.
     */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("#").append(index).append(read ? " read" : " write")
                .append(" CPU ").append(cpu).append(' ').append(MsrSafeException.hex(msr));
        RegisterCatalog.builtIn().byAddress(msr).ifPresent(register -> text.append(' ').append(register.name()));
        if (!succeeded()) {
            return text.append(": ").append(describe()).toString();
        }
        text.append(read ? " = " : " <- ").append(String.format(Locale.ROOT, "0x%016X", value));
        if (!read) {
            text.append(String.format(Locale.ROOT, " (mask 0x%016X)", writeMask));
        }
        return text.toString();
    }
}
