package io.github.msrsafe.allowlist.lint;

import java.util.Objects;

/**
 * One thing the linter found.
 *
 * @param rule     the rule, with its stable id
 * @param severity how bad (the rule's severity)
 * @param file     the file as the linter was given it
 * @param line     1-based line
 * @param column   1-based column, in bytes
 * @param message  what is wrong here and what to do, in plain words
 */
public record Finding(Rule rule, Severity severity, String file, int line, int column, String message) {

    /**
     * Checks the finding.
     *
     * @throws NullPointerException     if rule, severity, file or message is null
     * @throws IllegalArgumentException if line or column is below 1
     */
    public Finding {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(message, "message");
        if (line < 1 || column < 1) {
            throw new IllegalArgumentException("line and column are 1-based: line " + line + ", column " + column);
        }
    }

    /** {@return the compiler-style line: {@code file:line:col: severity: message [rule]}} */
    public String toText() {
        return file + ':' + line + ':' + column + ": " + severity.label() + ": " + message + " [" + rule.id() + ']';
    }
}
