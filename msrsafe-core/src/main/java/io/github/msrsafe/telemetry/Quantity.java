package io.github.msrsafe.telemetry;

import io.github.msrsafe.registers.Register;

/**
 * Something a {@link Sampler} derives and a {@link Sample} holds, one value per CPU, core or
 * package: one of the built-in {@link Signal}s, or a {@link RegisterColumn} that reads any
 * register raw, as a delta or as a share of the TSC.
 */
public sealed interface Quantity permits Signal, RegisterColumn {

    /** {@return the column header: turbostat's name for a signal, the chosen name for a register column} */
    String columnName();

    /** {@return the unit the values are in} */
    Unit unit();

    /** {@return whether one value belongs to each CPU (THREAD), each core (CORE) or each package (PACKAGE)} */
    Register.Scope scope();

    /**
     * {@return true for rates over the interval between two samples, which the first sample
     * cannot give (NaN there); false for readings of the moment and running totals}
     */
    boolean needsInterval();

    /** {@return how the value is computed, in one line of plain text} */
    String definition();
}
