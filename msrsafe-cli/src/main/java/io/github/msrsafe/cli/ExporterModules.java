package io.github.msrsafe.cli;

import java.util.List;
import java.util.Optional;

/**
 * The modules only {@code msrsafe exporter} needs: the Prometheus Java client's metric model and
 * text format writers (its HTTP server is the exporter's own, on java.base). The CLI module requires them {@code static}, so every other command starts
 * without resolving them; the launchers add {@link #ROOTS} for the exporter.
 */
final class ExporterModules {

    /** The modules to add ({@code --add-modules}) for the exporter; the client's other modules come with them. */
    static final List<String> ROOTS = List.of("io.prometheus.writer.text", "io.prometheus.metrics.model");

    /** A class of each root module, in the order of {@link #ROOTS}. */
    private static final List<String> PROBES = List.of(
            "io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter",
            "io.prometheus.metrics.model.snapshots.MetricSnapshots");

    private ExporterModules() {}

    /** {@return the first root module this JVM cannot load classes from, if any} */
    static Optional<String> missing() {
        ClassLoader loader = ExporterModules.class.getClassLoader();
        for (int i = 0; i < ROOTS.size(); i++) {
            try {
                Class.forName(PROBES.get(i), false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                return Optional.of(ROOTS.get(i));
            }
        }
        return Optional.empty();
    }
}
