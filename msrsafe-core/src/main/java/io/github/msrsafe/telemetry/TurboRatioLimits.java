package io.github.msrsafe.telemetry;

import java.util.ArrayList;
import java.util.List;

/**
 * The turbo frequency limits by number of active cores, decoded from MSR_TURBO_RATIO_LIMIT
 * (0x1AD: one ratio per byte, highest first) and, where the model has it,
 * MSR_TURBO_RATIO_LIMIT_CORES (0x1AE: the active-core count each byte's ratio holds up to).
 * Without the second register, byte {@code i} holds for {@code i + 1} active cores. Ratios are
 * multiples of the 100 MHz bus clock. A group whose ratio or core count is 0 is not used.
 *
 * {@snippet :
 * TurboRatioLimits limits = TurboRatioLimits.decode(msr.read(0, 0x1AD), msr.read(0, 0x1AE));
 * double mhz = limits.mhzFor(8);   // the turbo limit with 8 cores active
 * }
 *
 * @param groups the limits, in the register's order: up to {@code activeCores} cores, at most {@code mhz}
 */
public record TurboRatioLimits(List<Group> groups) {

    /**
     * One limit.
     *
     * @param activeCores the most active cores this limit holds for
     * @param mhz         the highest frequency with that many cores active, in MHz
     */
    public record Group(int activeCores, double mhz) {}

    /**
     * Copies the groups.
     *
     * @throws NullPointerException if groups is or holds null
     */
    public TurboRatioLimits {
        groups = List.copyOf(groups);
    }

    /**
     * {@return the limits of a model with MSR_TURBO_RATIO_LIMIT_CORES}
     *
     * @param ratioLimit the value of MSR_TURBO_RATIO_LIMIT (0x1AD)
     * @param coreCounts the value of MSR_TURBO_RATIO_LIMIT_CORES (0x1AE)
     */
    public static TurboRatioLimits decode(long ratioLimit, long coreCounts) {
        List<Group> groups = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            int ratio = (int) ((ratioLimit >>> (8 * i)) & 0xFF);
            int cores = (int) ((coreCounts >>> (8 * i)) & 0xFF);
            if (ratio != 0 && cores != 0) {
                groups.add(new Group(cores, ratio * Msr.BUS_MHZ));
            }
        }
        return new TurboRatioLimits(groups);
    }

    /**
     * {@return the limits of a model without MSR_TURBO_RATIO_LIMIT_CORES: byte i for i + 1 active cores}
     *
     * @param ratioLimit the value of MSR_TURBO_RATIO_LIMIT (0x1AD)
     */
    public static TurboRatioLimits decode(long ratioLimit) {
        return decode(ratioLimit, 0x0807_0605_0403_0201L);
    }

    /**
     * {@return the turbo limit with {@code activeCores} cores active, in MHz: that of the first
     * group holding up to at least that many; NaN beyond the last group}
     *
     * @param activeCores 1 or more
     * @throws IllegalArgumentException if activeCores is below 1
     */
    public double mhzFor(int activeCores) {
        if (activeCores < 1) {
            throw new IllegalArgumentException("active cores must be 1 or more: " + activeCores);
        }
        for (Group group : groups) {
            if (group.activeCores() >= activeCores) {
                return group.mhz();
            }
        }
        return Double.NaN;
    }
}
