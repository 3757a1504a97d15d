package io.github.msrsafe.cli;

import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.MsrSafeException;
import io.github.msrsafe.telemetry.Sampler;
import io.github.msrsafe.telemetry.Signal;
import io.github.msrsafe.telemetry.Vendor;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.function.LongSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code msrsafe exporter}: the telemetry signals over HTTP in the Prometheus text exposition
 * format. It samples on its own fixed interval in the background and serves the latest completed
 * sample, so scrapes never sample and rates do not depend on who scrapes how often. Listens on
 * localhost unless {@code --bind} says otherwise.
 */
@Command(name = "exporter",
        header = "Serve the telemetry signals to Prometheus over HTTP.",
        mixinStandardHelpOptions = true,
        description = {
            "Samples frequency, busy time, temperature, power, energy and power-limit signals every",
            "--interval with one batch across all CPUs and packages, and serves the latest sample at",
            "http://ADDR:PORT/metrics in the Prometheus text exposition format. A scrape never takes",
            "a sample: rates cover the sampling interval, whoever scrapes and however often; energy",
            "is also served as counters for rate(). A signal whose registers stop reading (a CPU",
            "offline, an allowlist change) is left out and marked in msrsafe_signal_up; the rest",
            "keeps being served. Binds to 127.0.0.1 unless --bind names another address (0.0.0.0",
            "for every interface: the metrics then reach anyone who can reach the port). Runs until",
            "interrupted. docs/telemetry.md lists the metrics and gives a Prometheus configuration",
            "and a Grafana dashboard.",
        })
final class ExporterCommand extends DeviceCommand {

    /** Where the exporter listens unless told otherwise: this machine only. */
    static final String DEFAULT_BIND = "127.0.0.1";

    /** The longest sampling interval: rates over a longer one say little, and energy counters may wrap. */
    static final double MAX_INTERVAL_SECONDS = 600;

    /** The shortest sampling interval. */
    static final double MIN_INTERVAL_SECONDS = 0.1;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", required = true,
            description = "TCP port to listen on (0: any free port, printed at start).")
    String port;

    @Option(names = "--bind", paramLabel = "ADDR", defaultValue = DEFAULT_BIND,
            description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = {"-i", "--interval"}, paramLabel = "SECONDS", defaultValue = "5",
            description = "Seconds between samples, 0.1 to 600 (default: ${DEFAULT-VALUE}); the rates cover this.")
    String interval;

    @Option(names = "--show", paramLabel = "SIGNALS",
            description = "Signals to export, comma-separated, e.g. Busy%%,PkgWatt (default: all the processor has).")
    String show;

    @Override
    ExitCode run(MsrSafe msr) throws MsrSafeException {
        int portNumber = (int) Numbers.parseAtMost(port, "--port", 65535);
        Duration every = Duration.ofNanos(Math.round(parseInterval() * 1e9));
        InetAddress address;
        try {
            address = InetAddress.getByName(bind.strip());
        } catch (UnknownHostException e) {
            throw CliException.usage("--bind " + bind + " is not an address of this machine: " + e.getMessage());
        }
        Vendor vendor = Vendor.detect(msr);
        Sampler.Builder builder = Sampler.builder(msr).vendor(vendor).tolerateFailures();
        List<Signal> required = List.of();
        if (show != null) {
            SignalChoice.Choice choice = SignalChoice.choose(show, vendor, "--show");
            builder.signalsIfReadable(choice.signals());
            required = choice.named();
        }
        try (Sampler sampler = openChecked(builder, required, every);
             Exporter exporter = Exporter.start(sampler, every, address, portNumber, System::nanoTime, err())) {
            out().println("msrsafe exporter: " + sampler.signals().size() + " signals of " + sampler.topology().cpus().size()
                    + " CPUs at " + exporter.url() + " (one batch of " + sampler.batchSize() + " reads every "
                    + interval.strip() + " s)");
            out().flush();
            exporter.awaitInterrupt();
        }
        return ExitCode.OK;
    }

    /**
     * Opens the sampler and checks that the interval is shorter than the energy counters' wrap at
     * their highest power, so that no interval's energy is ever unknown.
     */
    private static Sampler openChecked(Sampler.Builder builder, List<Signal> required,
            Duration every) throws MsrSafeException {
        Sampler sampler = StatCommand.open(builder, required);
        double wrap = sampler.energyWrapSeconds();
        if (every.toNanos() / 1e9 >= wrap) {
            sampler.close();
            throw CliException.usage(String.format(Locale.ROOT, "--interval %s s is too long: at their"
                    + " highest power the energy counters wrap every %.0f s, and an interval may not hold two wraps",
                    every.toNanos() / 1e9, wrap));
        }
        return sampler;
    }

    private double parseInterval() {
        double seconds;
        try {
            seconds = Double.parseDouble(interval.strip());
        } catch (NumberFormatException e) {
            throw CliException.usage("--interval must be a number of seconds, e.g. 5 or 0.5: " + interval);
        }
        if (!(seconds >= MIN_INTERVAL_SECONDS && seconds <= MAX_INTERVAL_SECONDS)) {
            throw CliException.usage("--interval " + interval + " is outside " + MIN_INTERVAL_SECONDS + " to "
                    + (long) MAX_INTERVAL_SECONDS + " seconds");
        }
        return seconds;
    }

    /** A running exporter: the background sampler and the HTTP server that serves what it publishes. */
    static final class Exporter implements AutoCloseable {
        private final BackgroundSampler sampling;
        private final MetricsHttpServer server;
        private final InetAddress address;
        private final CountDownLatch stopped = new CountDownLatch(1);

        private Exporter(BackgroundSampler sampling, MetricsHttpServer server, InetAddress address) {
            this.sampling = sampling;
            this.server = server;
            this.address = address;
        }

        /**
         * Starts sampling every {@code interval} and serving on {@code address:port}.
         *
         * @param clock the monotonic clock the sample age is measured on, in nanoseconds
         * @throws CliException ({@link ExitCode#SYSTEM}) if the address cannot be listened on, saying why
         */
        static Exporter start(Sampler sampler, Duration interval, InetAddress address, int port, LongSupplier clock,
                PrintWriter err) {
            BackgroundSampler sampling = new BackgroundSampler(sampler, interval, clock, err);
            return start(sampling, address, port, sampler, MetricsHttpServer.Limits.DEFAULT, true);
        }

        /**
         * Serves {@code sampling} without starting its schedule: a test steps it with
         * {@link BackgroundSampler#sampleNow()}.
         */
        static Exporter serve(BackgroundSampler sampling, Sampler sampler, InetAddress address, int port,
                MetricsHttpServer.Limits limits) {
            return start(sampling, address, port, sampler, limits, false);
        }

        private static Exporter start(BackgroundSampler sampling, InetAddress address, int port, Sampler sampler,
                MetricsHttpServer.Limits limits, boolean schedule) {
            TelemetryCollector collector = new TelemetryCollector(sampler.signals(), sampler.topology(),
                    VersionCommand.toolVersion());
            MetricsHttpServer server;
            try {
                server = MetricsHttpServer.start(address, port,
                        () -> collector.collect(sampling.latest(), sampling.now()), limits);
            } catch (IOException e) {
                // The port is taken or the address is not this machine's: the environment, not the command line.
                throw new CliException(ExitCode.SYSTEM, "cannot listen on " + hostPort(address, port) + ": "
                        + e.getMessage());
            }
            if (schedule) {
                sampling.start();
            }
            return new Exporter(sampling, server, address);
        }

        /** The port it listens on (the chosen one when started with 0). */
        int port() {
            return server.port();
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
            sampling.close();
        }

        private static String hostPort(InetAddress address, int port) {
            String host = address.getHostAddress();
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }
}
