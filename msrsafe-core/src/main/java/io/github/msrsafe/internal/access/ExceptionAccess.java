package io.github.msrsafe.internal.access;

import io.github.msrsafe.FailureKind;
import io.github.msrsafe.MsrSafeException;
import java.util.Objects;

/**
 * The one way for the library's other packages (telemetry, save) to create members of
 * the sealed {@link MsrSafeException} family, whose constructors are package-private:
 * {@code MsrSafeException} installs its factory here when its class is initialized.
 */
public final class ExceptionAccess {

    /** Creates the exception of the type {@code kind} calls for. */
    @FunctionalInterface
    public interface Factory {
        /**
         * @param kind      why the call failed
         * @param errno     the positive errno, or 0 when there is none
         * @param operation the call or action that failed, as the message names it
         * @param device    the device path or root
         * @param cpu       the CPU, or -1
         * @param msr       the MSR address, or -1
         * @param reason    what causes it and what to do, in plain words
         * @return the exception
         */
        MsrSafeException create(FailureKind kind, int errno, String operation, String device, int cpu, long msr,
                                String reason);
    }

    private static volatile Factory factory;

    private ExceptionAccess() {}

    /**
     * Called once, by {@code MsrSafeException}'s static initializer.
     *
     * @param exceptions the factory
     * @throws IllegalStateException if one is installed already
     */
    public static synchronized void install(Factory exceptions) {
        if (factory != null) {
            throw new IllegalStateException("the exception factory is installed already");
        }
        factory = Objects.requireNonNull(exceptions, "exceptions");
    }

    /**
     * The exception of the type {@code kind} calls for.
     *
     * @param kind      why the call failed
     * @param errno     the positive errno, or 0 when there is none
     * @param operation the call or action that failed, as the message names it
     * @param device    the device path or root
     * @param cpu       the CPU, or -1
     * @param msr       the MSR address, or -1
     * @param reason    what causes it and what to do, in plain words
     * @return the exception, for the caller to throw
     */
    public static MsrSafeException create(FailureKind kind, int errno, String operation, String device, int cpu,
                                          long msr, String reason) {
        Factory exceptions = factory;
        if (exceptions == null) {
            initialize(MsrSafeException.class);
            exceptions = factory;
        }
        return exceptions.create(kind, errno, operation, device, cpu, msr, reason);
    }

    private static void initialize(Class<?> type) {
        try {
            Class.forName(type.getName(), true, type.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new AssertionError(type + " is part of this module", e);
        }
    }
}
