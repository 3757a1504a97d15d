package io.github.msrsafe.cli;

import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.MsrSafeException;
import io.github.msrsafe.telemetry.Sampler;
import io.github.msrsafe.telemetry.Signal;
import io.github.msrsafe.telemetry.Vendor;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code msrsafe exporter}: the telemetry signals over HTTP in the Prometheus text
 * exposition format, served by the official Prometheus Java client. Each scrape reads every
 * register with one batch. Listens on localhost unless {@code --bind} says otherwise.
 */
@Command(name = "exporter",
        header = "Serve the telemetry signals to Prometheus over HTTP.",
        mixinStandardHelpOptions = true,
        description = {
            "Serves frequency, busy time, temperature, power, energy and power-limit metrics at",
            "http://ADDR:PORT/metrics in the Prometheus text exposition format, one batch across",
            "all CPUs and packages per scrape; rates cover the time since the previous scrape.",
            "Binds to 127.0.0.1 unless --bind names another address (0.0.0.0 for every interface:",
            "the metrics then reach anyone who can reach the port). Runs until interrupted.",
            "docs/telemetry.md lists the metrics and gives a Prometheus scrape configuration.",
        })
final class ExporterCommand extends DeviceCommand {

    /** Where the exporter listens unless told otherwise: this machine only. */
    static final String DEFAULT_BIND = "127.0.0.1";

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", required = true,
            description = "TCP port to listen on (0: any free port, printed at start).")
    String port;

    @Option(names = "--bind", paramLabel = "ADDR", defaultValue = DEFAULT_BIND,
            description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--show", paramLabel = "SIGNALS",
            description = "Signals to export, comma-separated, e.g. Busy%%,PkgWatt (default: all the processor has).")
    String show;

    @Override
    ExitCode run(MsrSafe msr) throws MsrSafeException {
        int portNumber = (int) Numbers.parseAtMost(port, "--port", 65535);
        InetAddress address;
        try {
            address = InetAddress.getByName(bind.strip());
        } catch (UnknownHostException e) {
            throw CliException.usage("--bind " + bind + " is not an address of this machine: " + e.getMessage());
        }
        Vendor vendor = Vendor.detect(msr);
        List<Signal> signals = show == null ? Signal.supportedBy(vendor) : SignalChoice.parse(show, vendor);
        try (Sampler sampler = Sampler.builder(msr).vendor(vendor).signals(signals).open();
             Exporter exporter = Exporter.start(sampler, address, portNumber, err())) {
            out().println("msrsafe exporter: " + signals.size() + " signals of " + sampler.topology().cpus().size()
                    + " CPUs at " + exporter.url() + " (one batch of " + sampler.batchSize() + " reads per scrape)");
            out().flush();
            exporter.awaitInterrupt();
        }
        return ExitCode.OK;
    }

    /** A running exporter: the registry with the telemetry collector, served over HTTP. */
    static final class Exporter implements AutoCloseable {
        private final HTTPServer server;
        private final InetAddress address;
        private final CountDownLatch stopped = new CountDownLatch(1);

        private Exporter(HTTPServer server, InetAddress address) {
            this.server = server;
            this.address = address;
        }

        /**
         * Starts serving {@code sampler}'s signals on {@code address:port}.
         *
         * @throws CliException ({@link ExitCode#SYSTEM}) if the address cannot be listened on, saying why
         */
        static Exporter start(Sampler sampler, InetAddress address, int port, PrintWriter err) throws MsrSafeException {
            PrometheusRegistry registry = new PrometheusRegistry();
            registry.register(new TelemetryCollector(sampler, err));
            try {
                return new Exporter(HTTPServer.builder().inetAddress(address).port(port).registry(registry)
                        .buildAndStart(), address);
            } catch (IOException e) {
                // The port is taken or the address is not this machine's: the environment, not the command line.
                throw new CliException(ExitCode.SYSTEM, "cannot listen on " + hostPort(address, port) + ": "
                        + e.getMessage());
            }
        }

        /** The port it listens on (the chosen one when started with 0). */
        int port() {
            return server.getPort();
        }

        /** http://ADDR:PORT/metrics. */
        String url() {
            return "http://" + hostPort(address, port()) + "/metrics";
        }

        /** Blocks until the thread is interrupted or the exporter closed. */
        void awaitInterrupt() {
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            stopped.countDown();
            server.close();
        }

        private static String hostPort(InetAddress address, int port) {
            String host = address.getHostAddress();
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }
}
