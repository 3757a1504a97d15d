package io.github.msrsafe.allowlist.lint;

import java.util.Optional;

/**
 * The linter's view of a register catalog: what is known of an MSR address.
 * Kept this small so the linter does not depend on any particular catalog;
 * a catalog adapts to it with a lambda.
 *
 * {@snippet :
 * RegisterCatalog catalog = RegisterCatalog.builtIn();
 * RegisterLookup registers = address -> catalog.byAddress(address)
 *         .map(register -> new KnownRegister(register.name(), register.readOnlyBits()));
 * }
 *
 * <p>{@link AllowlistLinter#withBuiltInCatalog()} is a linter with exactly this view of
 * the built-in catalog.
 */
@FunctionalInterface
public interface RegisterLookup {

    /** Knows nothing: the linter then skips the checks that need a catalog. */
    RegisterLookup NONE = address -> Optional.empty();

    /**
     * {@return what is known of the MSR at {@code address}, or empty if the catalog does not know it}
     *
     * @param address the MSR address
     */
    Optional<KnownRegister> find(long address);
}
