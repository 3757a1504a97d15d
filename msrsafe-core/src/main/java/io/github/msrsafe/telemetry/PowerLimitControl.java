package io.github.msrsafe.telemetry;

import io.github.msrsafe.Errno;
import io.github.msrsafe.FailureKind;
import io.github.msrsafe.internal.access.ExceptionAccess;
import io.github.msrsafe.MsrNotAllowedException;
import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.MsrSafeException;
import io.github.msrsafe.allowlist.Allowlist;
import io.github.msrsafe.internal.text.Hex;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Reads and writes a package's RAPL power limits (MSR_PKG_POWER_LIMIT, 0x610) in watts
 * and seconds, on Intel processors. A write goes through {@link MsrSafe#write}, so
 * msr_safe changes only the bits of the allowlist's write mask; this class checks the mask
 * first when the allowlist is readable, and reads the register back afterwards, so that a
 * limit the mask kept from changing is an error, not a silent no-op.
 *
 * {@snippet :
 * PowerLimitControl control = new PowerLimitControl(msr);
 * PackagePowerLimit now = control.read(0);                                  // package of CPU 0
 * control.write(0, now.withPl1(now.pl1().withWatts(100).withWindowSeconds(1)));
 * }
 */
public final class PowerLimitControl {

    private final MsrSafe msr;

    /**
     * Control over the power limits reachable through {@code msr}.
     *
     * @param msr the open handle to read and write the registers through; it stays the
     *            caller's to close
     * @throws NullPointerException if msr is null
     */
    public PowerLimitControl(MsrSafe msr) {
        this.msr = Objects.requireNonNull(msr, "msr");
    }

    /**
     * {@return the RAPL units of the package of {@code cpu}, read from MSR_RAPL_POWER_UNIT (0x606)}
     *
     * @param cpu any CPU of the package
     * @throws IllegalArgumentException if cpu is negative
     * @throws MsrSafeException         if the register cannot be read: the allowlist does not list
     *                                  it ({@link MsrNotAllowedException}), the CPU is offline or
     *                                  absent, or the processor lacks it (not an Intel one)
     */
    public RaplUnits units(int cpu) throws MsrSafeException {
        return RaplUnits.decode(msr.read(cpu, Msr.RAPL_POWER_UNIT));
    }

    /**
     * {@return the power limits of the package of {@code cpu}, in watts and seconds}
     *
     * @param cpu any CPU of the package
     * @throws IllegalArgumentException if cpu is negative
     * @throws MsrSafeException         if MSR_RAPL_POWER_UNIT or MSR_PKG_POWER_LIMIT (0x610) cannot
     *                                  be read, for the reasons given at {@link #units(int)}
     */
    public PackagePowerLimit read(int cpu) throws MsrSafeException {
        return PackagePowerLimit.decode(msr.read(cpu, Msr.PKG_POWER_LIMIT), units(cpu));
    }

    /**
     * Sets the power limits of the package of {@code cpu} to {@code limits}, rounded to what
     * the register can hold, keeping its reserved bits. When the limits already hold, nothing
     * is written.
     *
     * @param cpu    any CPU of the package
     * @param limits the limits wanted; {@code locked} true also sets the lock bit, which keeps the
     *               register from changing until the next reset
     * @return the limits in force afterwards, read back from the register
     * @throws MsrNotAllowedException   if the register is locked (bit 63) or the allowlist's write
     *                                  mask does not cover the fields that must change
     * @throws IllegalArgumentException if a limit is outside what the fields can encode, or cpu
     *                                  is negative
     * @throws MsrSafeException         if a register cannot be read or written, for the reasons
     *                                  given at {@link #units(int)}
     */
    public PackagePowerLimit write(int cpu, PackagePowerLimit limits) throws MsrSafeException {
        RaplUnits units = units(cpu);
        long before = msr.read(cpu, Msr.PKG_POWER_LIMIT);
        if ((before & PackagePowerLimit.LOCK_BIT) != 0) {
            throw refused(cpu, "MSR_PKG_POWER_LIMIT is locked (bit 63) until the next reset; firmware set the lock");
        }
        long wanted = limits.encode(before, units);
        long changing = wanted ^ before;
        if (changing == 0) {
            return PackagePowerLimit.decode(before, units);
        }
        OptionalLong writeMask = allowlistWriteMask();
        if (writeMask.isPresent() && (changing & ~writeMask.getAsLong()) != 0) {
            throw refused(cpu, "the allowlist's write mask " + Hex.of(writeMask.getAsLong())
                    + " for MSR_PKG_POWER_LIMIT does not cover bits " + Hex.of(changing & ~writeMask.getAsLong())
                    + " that this change needs");
        }
        msr.write(cpu, Msr.PKG_POWER_LIMIT, wanted);
        long after = msr.read(cpu, Msr.PKG_POWER_LIMIT);
        if (((after ^ wanted) & changing) != 0) {
            throw refused(cpu, "bits " + Hex.of((after ^ wanted) & changing)
                    + " of MSR_PKG_POWER_LIMIT kept their old value; the allowlist's write mask does not cover them");
        }
        return PackagePowerLimit.decode(after, units);
    }

    private OptionalLong allowlistWriteMask() {
        try {
            Allowlist allowlist = msr.allowlist();
            return allowlist.writeMask(Msr.PKG_POWER_LIMIT);
        } catch (MsrSafeException e) {
            return OptionalLong.empty(); // not readable by this user: the read-back decides
        }
    }

    private MsrSafeException refused(int cpu, String reason) {
        return ExceptionAccess.create(FailureKind.NOT_ALLOWED, Errno.EACCES.number(), "power-limit write", msr.root(),
                cpu, Msr.PKG_POWER_LIMIT, reason);
    }
}
