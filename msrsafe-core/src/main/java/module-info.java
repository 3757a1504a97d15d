/**
 * Java access to the msr-safe kernel module through java.lang.foreign.
 */
module io.github.msrsafe {
    exports io.github.msrsafe;
}
