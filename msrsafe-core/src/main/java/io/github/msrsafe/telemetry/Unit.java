package io.github.msrsafe.telemetry;

/** The unit a {@link Signal} is measured in. */
public enum Unit {
    /** Megahertz, as turbostat prints frequencies. */
    MEGAHERTZ("MHz"),
    /** Percent, 0 to 100. */
    PERCENT("%"),
    /** Watts. */
    WATTS("W"),
    /** Joules. */
    JOULES("J"),
    /** Degrees Celsius. */
    CELSIUS("°C"),
    /** Seconds. */
    SECONDS("s"),
    /** A plain count or register value, without a unit. */
    COUNT(""),
    /** A set of {@link ThrottleReason}s, as the sum of their {@link ThrottleReason#flag()}s. */
    FLAGS("");

    private final String symbol;

    Unit(String symbol) {
        this.symbol = symbol;
    }

    /** {@return the unit's symbol as printed after a value, e.g. {@code "MHz"} or {@code "°C"}; empty for {@link #COUNT} and {@link #FLAGS}} */
    public String symbol() {
        return symbol;
    }
}
