package io.github.msrsafe;

import io.github.msrsafe.internal.text.Hex;
import io.github.msrsafe.registers.RegisterCatalog;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One op of an {@link MsrBatch} with its result, copied out of the batch's off-heap
 * array by {@link MsrBatch#op(int)} or {@link MsrBatch#failures()}. A value that the
 * op did not produce is absent, never 0: a read that did not succeed has no
 * {@link #value()}, and an op that has not been executed has no {@link #writeMask()}.
 *
 * @param index     position in the batch
 * @param cpu       the CPU it addresses
 * @param msr       the MSR address
 * @param read      true for a read, false for a write
 * @param status    what happened to it in the last execute
 * @param value     for a read, the value read, present only when it {@link Status#SUCCEEDED};
 *                  for a write, the value it writes, always present
 * @param writeMask the allowlist write mask the module reported; empty until the op is executed
 * @param error     the op's own errno, present exactly when it {@link Status#FAILED} or was
 *                  {@link Status#REJECTED}
 */
public record BatchOp(int index, int cpu, long msr, boolean read, Status status, OptionalLong value,
                      OptionalLong writeMask, Optional<Errno> error) {

    /** What happened to one op in the last {@link MsrBatch#execute()}. */
    public enum Status {
        /** The batch has not been executed since the op was added, or its ioctl failed as a whole (an exception). */
        NOT_EXECUTED,
        /** The op ran without error. */
        SUCCEEDED,
        /** The op ran and failed (EIO: the processor faulted; with the stock msr driver, any error). */
        FAILED,
        /**
         * The module refused this op before running anything (ENXIO: CPU offline; EACCES: not in
         * the allowlist; EROFS: a write to a read-only MSR). It did not run.
         */
        REJECTED,
        /**
         * The op passed the module's checks but did not run, because another op of the same
         * ioctl was {@link #REJECTED}: msr_safe runs none of an ioctl when any op is refused.
         * {@link MsrBatch#executeSkippingRejected()} runs such ops again.
         */
        NOT_RUN;

        /** {@return whether the op ran: {@link #SUCCEEDED} or {@link #FAILED}} */
        public boolean ran() {
            return this == SUCCEEDED || this == FAILED;
        }
    }

    /**
     * Checks that the components agree with each other.
     *
     * @throws IllegalArgumentException if they do not: an error without a failure, a failure
     *                                  without an error, a value for a read that did not
     *                                  succeed, a write without its value, or a write mask
     *                                  for an op that was never executed
     */
    public BatchOp {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(writeMask, "writeMask");
        Objects.requireNonNull(error, "error");
        boolean failed = status == Status.FAILED || status == Status.REJECTED;
        if (failed != error.isPresent()) {
            throw new IllegalArgumentException("an op has an errno exactly when it FAILED or was REJECTED: "
                    + status + " with " + error);
        }
        if (read ? value.isPresent() != (status == Status.SUCCEEDED) : value.isEmpty()) {
            throw new IllegalArgumentException(read ? "a read has a value exactly when it SUCCEEDED: " + status
                    : "a write always has the value it writes");
        }
        if (writeMask.isPresent() == (status == Status.NOT_EXECUTED)) {
            throw new IllegalArgumentException("an op has a write mask exactly when it was executed: " + status);
        }
    }

    /** {@return true when the op ran without error} */
    public boolean succeeded() {
        return status == Status.SUCCEEDED;
    }

    /** {@return why the op failed, if it failed or was rejected: the library's one classification of its errno} */
    public Optional<FailureKind> kind() {
        return error.map(e -> Failures.kind(Failures.Call.BATCH_OP, e.number()));
    }

    /** {@return the outcome in plain words: "ok", the error and what it means, or why the op did not run} */
    public String describe() {
        return switch (status) {
            case SUCCEEDED -> "ok";
            case NOT_EXECUTED -> "not executed";
            case NOT_RUN -> "not run: another op of the batch was rejected";
            case FAILED, REJECTED -> {
                Errno e = error.orElseThrow();
                yield e.name() + ": " + Failures.batchOpReason(e.number(), cpu, msr, read);
            }
        };
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
                .append(" CPU ").append(cpu).append(' ').append(Hex.of(msr));
        RegisterCatalog.builtIn().byAddress(msr).ifPresent(register -> text.append(' ').append(register.name()));
        if (!succeeded()) {
            return text.append(": ").append(describe()).toString();
        }
        text.append(read ? " = " : " <- ").append(Hex.of16(value.orElseThrow()));
        if (!read) {
            text.append(String.format(Locale.ROOT, " (mask 0x%016X)", writeMask.orElseThrow()));
        }
        return text.toString();
    }
}
