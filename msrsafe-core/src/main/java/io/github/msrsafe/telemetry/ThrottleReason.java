package io.github.msrsafe.telemetry;

import java.util.EnumSet;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Why a core or package is held below the frequency it asks for, as IA32_THERM_STATUS and
 * IA32_PACKAGE_THERM_STATUS report it: each reason has a status bit (happening now) and a log bit
 * (happened since software last cleared it). The throttle signals ({@link Signal#CORE_THROTTLE},
 * {@link Signal#PACKAGE_THROTTLE} and their logs) hold a set of them as the sum of their
 * {@link #flag()}s; {@link #decode(double)} turns it back into the set.
 */
public enum ThrottleReason {
    /** The thermal control circuit is active: at or above the throttling temperature (bits 0, 1). */
    THERMAL("thermal", 0, true),
    /** PROCHOT# or FORCEPR# was asserted, by the platform or a voltage regulator (bits 2, 3). */
    PROCHOT("prochot", 2, true),
    /** Critical temperature: the processor may shut down to protect itself (bits 4, 5). */
    CRITICAL_TEMPERATURE("critical", 4, true),
    /** A power limit (RAPL, the platform's) holds the frequency down (bits 10, 11). */
    POWER_LIMIT("power", 10, true),
    /** An electrical current limit holds it down; cores only (bits 12, 13). */
    CURRENT_LIMIT("current", 12, false),
    /** Another domain's limit (graphics, uncore) holds it down; cores only (bits 14, 15). */
    CROSS_DOMAIN("cross-domain", 14, false);

    private static final ThrottleReason[] ALL = values(); // values() copies its array at every call

    private final String label;
    private final int statusBit;
    private final boolean inPackageRegister;

    ThrottleReason(String label, int statusBit, boolean inPackageRegister) {
        this.label = label;
        this.statusBit = statusBit;
        this.inPackageRegister = inPackageRegister;
    }

    /** {@return the reason's flag: 2 to the power of its ordinal} */
    public int flag() {
        return 1 << ordinal();
    }

    /** {@return a short lower-case name: "thermal", "prochot", "critical", "power", "current", "cross-domain"} */
    public String label() {
        return label;
    }

    /** {@return the status bit in the thermal status registers; the log bit is the next one} */
    public int statusBit() {
        return statusBit;
    }

    /**
     * {@return the flags of the reasons whose bit is set in a thermal status register}
     *
     * @param thermStatus the value of IA32_THERM_STATUS (0x19C) or IA32_PACKAGE_THERM_STATUS (0x1B1)
     * @param pkg         true for the package register (which has no current or cross-domain bits)
     * @param logged      true for the log bits (since last cleared), false for the status bits (now)
     */
    public static int flags(long thermStatus, boolean pkg, boolean logged) {
        int flags = 0;
        for (ThrottleReason reason : ALL) {
            if ((!pkg || reason.inPackageRegister) && (thermStatus & (1L << (reason.statusBit + (logged ? 1 : 0)))) != 0) {
                flags |= reason.flag();
            }
        }
        return flags;
    }

    /**
     * {@return the reasons in a throttle signal's value}
     *
     * @param flags a value of a throttle signal (NaN gives the empty set)
     */
    public static Set<ThrottleReason> decode(double flags) {
        Set<ThrottleReason> reasons = EnumSet.noneOf(ThrottleReason.class);
        if (Double.isNaN(flags)) {
            return reasons;
        }
        int bits = (int) flags;
        for (ThrottleReason reason : values()) {
            if ((bits & reason.flag()) != 0) {
                reasons.add(reason);
            }
        }
        return reasons;
    }

    /**
     * {@return the reasons as their labels joined by '+' ("thermal+power"), or "none"}
     *
     * @param flags a value of a throttle signal
     */
    public static String describe(double flags) {
        Set<ThrottleReason> reasons = decode(flags);
        if (reasons.isEmpty()) {
            return "none";
        }
        StringJoiner text = new StringJoiner("+");
        reasons.forEach(reason -> text.add(reason.label));
        return text.toString();
    }
}
