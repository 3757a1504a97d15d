/**
 * The {@code msrsafe} command: rdmsr/wrmsr-style reads and writes, batches, allowlists,
 * version and CPU listing over msr_safe, on the real device or the simulated one.
 * Runs as {@code java -m io.github.msrsafe.cli} or in-process as the
 * {@link java.util.spi.ToolProvider} named "msrsafe".
 */
module io.github.msrsafe.cli {
    requires io.github.msrsafe;
    requires info.picocli;

    // picocli reads the command annotations and sets option fields reflectively.
    opens io.github.msrsafe.cli to info.picocli;

    provides java.util.spi.ToolProvider with io.github.msrsafe.cli.MsrSafeTool;
}
