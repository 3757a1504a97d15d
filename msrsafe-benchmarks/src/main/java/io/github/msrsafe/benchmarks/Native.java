package io.github.msrsafe.benchmarks;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/** The benchmarks' only calls to FFM's restricted methods: loading a library and linking a function. */
final class Native {

    private static final Linker LINKER = Linker.nativeLinker();

    private Native() {}

    /** The C library's symbols. */
    static SymbolLookup libc() {
        return LINKER.defaultLookup();
    }

    /** The symbols of the shared library at {@code path}, loaded for as long as {@code arena} lives. */
    @SuppressWarnings("restricted")
    static SymbolLookup library(Path path, Arena arena) {
        return SymbolLookup.libraryLookup(path, arena);
    }

    /** A downcall handle for {@code name} in {@code lookup}, failing with the missing symbol's name. */
    @SuppressWarnings("restricted")
    static MethodHandle downcall(SymbolLookup lookup, String name, FunctionDescriptor function,
                                 Linker.Option... options) {
        return LINKER.downcallHandle(lookup.find(name)
                .orElseThrow(() -> new IllegalStateException("no symbol " + name + " to link")), function, options);
    }
}
