/**
 * The {@code msrsafe} command: rdmsr/wrmsr-style reads and writes, batches, allowlists,
 * version and CPU listing over msr_safe, on the real device or the simulated one, and
 * telemetry (turbostat-like {@code stat}, a Prometheus {@code exporter}).
 * Runs as {@code java -m io.github.msrsafe.cli} or in-process as the
 * {@link java.util.spi.ToolProvider} named "msrsafe".
 */
module io.github.msrsafe.cli {
    requires io.github.msrsafe;
    requires info.picocli;
    // msrsafe exporter: the Prometheus Java client's metric model and text format writers (automatic
    // modules); its HTTP server is the exporter's own (MetricsHttpServer), on java.base sockets.
    // Static: the other commands start without resolving them; the launchers add them for the
    // exporter (--add-modules, see ExporterModules.ROOTS).
    requires static io.prometheus.metrics.model;
    requires static io.prometheus.writer.text;

    // picocli reads the command annotations and sets option fields reflectively.
    opens io.github.msrsafe.cli to info.picocli;

    provides java.util.spi.ToolProvider with io.github.msrsafe.cli.MsrSafeTool;
}
