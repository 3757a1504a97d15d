package io.github.msrsafe.allowlist.lint;

import java.util.Locale;

/** How bad a {@link Finding} is, from least to most severe. */
public enum Severity {
    /** A style note: the text works as intended but is not in canonical form. */
    INFO("note"),
    /** The module accepts the text, but it almost certainly does not do what its author meant. */
    WARNING("warning"),
    /** The module rejects the text (or, for ENOTUNIQ, rejects it and empties the live allowlist). */
    ERROR("error");

    private final String sarifLevel;

    Severity(String sarifLevel) {
        this.sarifLevel = sarifLevel;
    }

    /** {@return the word reports print: "error", "warning", "info"} */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@return the SARIF 2.1.0 {@code level}: "error", "warning", "note"} */
    public String sarifLevel() {
        return sarifLevel;
    }

    /**
     * {@return true if this is at least as severe as {@code other}}
     *
     * @param other the severity to compare with
     */
    public boolean atLeast(Severity other) {
        return compareTo(other) >= 0;
    }

    /**
     * {@return the severity a label names}
     *
     * @param label "error", "warning" or "info", in any case
     * @throws IllegalArgumentException naming the bad value if it is none of these
     */
    public static Severity parse(String label) {
        for (Severity severity : values()) {
            if (severity.label().equalsIgnoreCase(label.strip())) {
                return severity;
            }
        }
        throw new IllegalArgumentException("unknown severity '" + label + "': expected error, warning or info");
    }
}
