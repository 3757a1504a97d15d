package io.github.msrsafe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.SimulatedDevice;
import io.github.msrsafe.telemetry.Sampler;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus exporter on a loopback ephemeral port, scraped with java.net.http and read with
 * a strict text-format parser (PrometheusText). The simulated 2-package machine is the one of
 * StatCommandTest: busy half the time, its clock stepping half a second per reading, so that each
 * sample is 1.5 s after the previous one (a sample reads the clock before, in and after its batch).
 * Here the test steps the sampling itself (BackgroundSampler.sampleNow), except where it runs on
 * its own schedule.
 */
class ExporterTest {

    private static final long HALF_SECOND = 500_000_000L;
    private static final String PKG0_ENERGY = "msrsafe_package_energy_joules_total{package=0}";

    private final AtomicLong nanos = new AtomicLong();
    private final AtomicLong ageClock = new AtomicLong();
    private final SimulatedDevice device = SimulatedDevice.builder().cpus(4).packages(2)
            .registers(SimulatedDevice.standardRegisters(0.5))
            .allowlist(SimulatedDevice.standardAllowlist())
            .clock(() -> nanos.addAndGet(HALF_SECOND))
            .build();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One scrape: status, content type, the families and each sample by "name{label=value,...}" (labels sorted). */
    record Scrape(int status, String contentType, Map<String, PrometheusText.Family> families,
            Map<String, Double> samples) {
        double get(String series) {
            Double value = samples.get(series);
            assertNotNull(value, series + " is not served; served: " + samples.keySet());
            return value;
        }
    }

    private Scrape scrape(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        Map<String, PrometheusText.Family> families = PrometheusText.parse(response.body());
        promtoolAccepts(response.body());
        Map<String, Double> samples = new LinkedHashMap<>();
        for (PrometheusText.Family family : families.values()) {
            for (PrometheusText.Series series : family.series()) {
                String labels = series.labels().isEmpty() ? "" : series.labels().entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(",", "{", "}"));
                samples.put(family.name() + labels, series.value());
            }
        }
        return new Scrape(response.statusCode(), response.headers().firstValue("content-type").orElse(""), families,
                samples);
    }

    /**
     * Where Prometheus's own promtool is installed (Debian's prometheus package), its
     * {@code check metrics} must accept the text too, lint rules included; the strict reader
     * above runs everywhere.
     */
    private static void promtoolAccepts(String text) throws IOException, InterruptedException {
        java.util.Optional<java.nio.file.Path> promtool = java.util.stream.Stream.of(
                System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .filter(dir -> !dir.isEmpty()).map(dir -> java.nio.file.Path.of(dir, "promtool"))
                .filter(java.nio.file.Files::isExecutable).findFirst();
        if (promtool.isEmpty()) {
            return;
        }
        Process check = new ProcessBuilder(promtool.get().toString(), "check", "metrics").redirectErrorStream(true).start();
        try (var in = check.getOutputStream()) {
            in.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        String said = new String(check.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(check.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "promtool did not finish");
        assertEquals(0, check.exitValue(), "promtool check metrics: " + said);
        assertEquals("", said.strip(), "promtool check metrics found problems");
    }

    /** A sampler and its exporter, stepped by the test. */
    private final class Served implements AutoCloseable {
        final MsrSafe msr;
        final Sampler sampler;
        final BackgroundSampler sampling;
        final ExporterCommand.Exporter exporter;
        final StringWriter err = new StringWriter();

        Served(MetricsHttpServer.Limits limits) throws Exception {
            msr = device.open();
            sampler = Sampler.builder(msr).tolerateFailures().open();
            sampling = new BackgroundSampler(sampler, Duration.ofSeconds(1), ageClock::get, new PrintWriter(err));
            exporter = ExporterCommand.Exporter.serve(sampling, sampler, InetAddress.getLoopbackAddress(), 0, limits);
        }

        String url() {
            return exporter.url();
        }

        @Override
        public void close() {
            exporter.close();
            sampler.close();
            msr.close();
        }
    }

    @Test
    void servesEverySignalInBaseUnitsAsCountersAndGauges() throws Exception {
        try (Served served = new Served(MetricsHttpServer.Limits.DEFAULT)) {
            served.sampling.sampleNow();
            served.sampling.sampleNow();
            Scrape scrape = scrape(served.url());
            assertTrue(scrape.contentType().startsWith("text/plain; version=0.0.4"), scrape.contentType());
            assertEquals(1.0, scrape.get("msrsafe_up"));
            assertEquals(1.5, scrape.get("msrsafe_sample_interval_seconds"));
            assertEquals(0.5, scrape.get("msrsafe_cpu_busy_ratio{core=1,cpu=3,package=1}"));
            assertEquals(1.4e9, scrape.get("msrsafe_cpu_average_frequency_hertz{core=0,cpu=0,package=0}"));
            assertEquals(2.8e9, scrape.get("msrsafe_cpu_busy_frequency_hertz{core=0,cpu=2,package=1}"));
            assertEquals(2.4e9, scrape.get("msrsafe_cpu_tsc_frequency_hertz{core=1,cpu=1,package=0}"));
            assertEquals(43.0, scrape.get("msrsafe_core_temperature_celsius{core=1,package=1}"));
            assertEquals(45.0, scrape.get("msrsafe_package_temperature_celsius{package=0}"));
            assertEquals(40.0, scrape.get("msrsafe_package_power_watts{package=1}"));
            assertEquals(3.5, scrape.get("msrsafe_dram_power_watts{package=0}"));
            assertEquals(60.0, scrape.get(PKG0_ENERGY)); // 40 W x 1.5 s
            assertEquals(125.0, scrape.get("msrsafe_package_power_limit_watts{limit=pl1,package=0}"));
            assertEquals(156.0, scrape.get("msrsafe_package_power_limit_watts{limit=pl2,package=1}"));
            assertEquals(28.0, scrape.get("msrsafe_package_power_limit_window_seconds{limit=pl1,package=1}"));
            assertEquals("counter", scrape.families().get("msrsafe_package_energy_joules_total").type());
            assertEquals("counter", scrape.families().get("msrsafe_samples_total").type());
            assertEquals("gauge", scrape.families().get("msrsafe_package_power_watts").type());
            assertEquals(2.0, scrape.get("msrsafe_samples_total"));
            assertEquals(0.0, scrape.get("msrsafe_sample_failures_total"));
            assertEquals(1.0, scrape.get("msrsafe_signal_up{signal=PkgWatt}"));
            String version = scrape.families().get("msrsafe_build_info").series().getFirst().labels().get("version");
            assertEquals(VersionCommand.toolVersion(), version);
        }
    }

    @Test
    void aScrapeNeverSamplesSoEveryScrapeOfASampleIsTheSame() throws Exception {
        try (Served served = new Served(MetricsHttpServer.Limits.DEFAULT)) {
            served.sampling.sampleNow();
            served.sampling.sampleNow();
            Scrape first = scrape(served.url());
            for (int i = 0; i < 5; i++) {
                HttpResponse<Void> head = http.send(HttpRequest.newBuilder(URI.create(served.url()))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
                assertEquals(200, head.statusCode());
                assertTrue(head.headers().firstValue("content-type").orElse("").startsWith("text/plain"));
                Scrape again = scrape(served.url());
                assertEquals(withoutAge(first.samples()), withoutAge(again.samples()));
            }
            assertEquals(2.0, first.get("msrsafe_samples_total"));
            // The sampler's own clock moved only with its own samples: the next one is again 1.5 s later.
            served.sampling.sampleNow();
            Scrape next = scrape(served.url());
            assertEquals(1.5, next.get("msrsafe_sample_interval_seconds"));
            assertEquals(3.0, next.get("msrsafe_samples_total"));
            assertEquals(120.0, next.get(PKG0_ENERGY));
        }
    }

    @Test
    void twoClientsScrapingAtDifferentRatesSeeTheSameCountersAndRates() throws Exception {
        try (Served served = new Served(MetricsHttpServer.Limits.DEFAULT)) {
            served.sampling.sampleNow();
            // Client A scrapes three times per sample, client B once every other sample.
            Map<Double, Map<String, Double>> seenBySample = new LinkedHashMap<>();
            HttpClient other = HttpClient.newHttpClient();
            for (int sample = 0; sample < 6; sample++) {
                served.sampling.sampleNow();
                for (int a = 0; a < 3; a++) {
                    record(seenBySample, scrape(served.url()));
                }
                if (sample % 2 == 0) {
                    HttpResponse<String> b = other.send(HttpRequest.newBuilder(URI.create(served.url())).build(),
                            HttpResponse.BodyHandlers.ofString());
                    Map<String, Double> bSamples = new LinkedHashMap<>();
                    PrometheusText.parse(b.body()).values().forEach(f -> f.series().forEach(s -> bSamples.put(
                            f.name() + s.labels(), s.value())));
                    Map<String, Double> aSamples = seenBySample.get(bSamples.get("msrsafe_samples_total{}"));
                    assertEquals(withoutAge(aSamples), withoutAge(bSamples));
                }
            }
            assertEquals(6, seenBySample.size());
            double previousEnergy = -1;
            for (Map<String, Double> samples : seenBySample.values()) {
                assertEquals(1.5, samples.get("msrsafe_sample_interval_seconds{}"));
                assertEquals(40.0, samples.get("msrsafe_package_power_watts{package=0}"));
                double energy = samples.get("msrsafe_package_energy_joules_total{package=0}");
                assertEquals(previousEnergy < 0 ? 60.0 : previousEnergy + 60.0, energy);
                previousEnergy = energy;
            }
        }
    }

    /** Keeps one map per sample (keyed by msrsafe_samples_total), asserting every scrape of it agrees. */
    private static void record(Map<Double, Map<String, Double>> seen, Scrape scrape) {
        Map<String, Double> samples = new LinkedHashMap<>();
        scrape.families().values().forEach(f -> f.series().forEach(s -> samples.put(f.name() + s.labels(), s.value())));
        Map<String, Double> earlier = seen.putIfAbsent(samples.get("msrsafe_samples_total{}"), samples);
        if (earlier != null) {
            assertEquals(withoutAge(earlier), withoutAge(samples));
        }
    }

    private static Map<String, Double> withoutAge(Map<String, Double> samples) {
        Map<String, Double> copy = new LinkedHashMap<>(samples);
        copy.keySet().removeIf(name -> name.startsWith("msrsafe_sample_age_seconds"));
        return copy;
    }

    @Test
    void onItsOwnScheduleRatesCoverTheSamplingIntervalNotTheScrapes() throws Exception {
        // The device on the real clock: the sampler measures its intervals on it too.
        SimulatedDevice realTime = SimulatedDevice.builder().cpus(2).registers(SimulatedDevice.standardRegisters(0.5))
                .allowlist(SimulatedDevice.standardAllowlist()).build();
        try (MsrSafe msr = realTime.open();
             Sampler sampler = Sampler.builder(msr).tolerateFailures().signals(
                     io.github.msrsafe.telemetry.Signal.PACKAGE_WATTS, io.github.msrsafe.telemetry.Signal.PACKAGE_JOULES)
                     .open();
             ExporterCommand.Exporter exporter = ExporterCommand.Exporter.start(sampler, Duration.ofMillis(200),
                     InetAddress.getLoopbackAddress(), 0, System::nanoTime, new PrintWriter(new StringWriter()))) {
            long end = System.nanoTime() + Duration.ofMillis(1500).toNanos();
            int scrapes = 0;
            while (System.nanoTime() < end) {
                Scrape scrape = scrape(exporter.url());
                scrapes++;
                Double interval = scrape.samples().get("msrsafe_sample_interval_seconds");
                if (interval != null) {
                    // However fast this client scrapes (no pause at all), the rates cover about 200 ms.
                    assertTrue(interval > 0.15 && interval < 1.0, "interval " + interval);
                    assertEquals(40.0, scrape.get("msrsafe_package_power_watts{package=0}"), 0.5);
                    assertTrue(scrape.get("msrsafe_sample_age_seconds") < 1.0);
                }
            }
            assertTrue(scrapes > 5, "only " + scrapes + " scrapes");
        }
    }

    @Test
    void aSignalWhoseRegisterStopsReadingIsLeftOutAndMarkedTheRestIsServed() throws Exception {
        try (Served served = new Served(MetricsHttpServer.Limits.DEFAULT)) {
            served.sampling.sampleNow();
            served.sampling.sampleNow();
            device.installAllowlist(SimulatedDevice.standardAllowlist().stream()
                    .filter(entry -> entry.address() != 0x611).toList());
            device.setOnline(3, false);
            served.sampling.sampleNow();
            Scrape scrape = scrape(served.url());
            assertEquals(1.0, scrape.get("msrsafe_up"));
            assertEquals(0.0, scrape.get("msrsafe_signal_up{signal=PkgWatt}"));
            assertEquals(0.0, scrape.get("msrsafe_signal_up{signal=Pkg_J}"));
            assertEquals(0.0, scrape.get("msrsafe_signal_up{signal=Busy%}"));
            assertEquals(1.0, scrape.get("msrsafe_signal_up{signal=RAMWatt}"));
            assertFalse(scrape.samples().containsKey("msrsafe_package_power_watts{package=0}"));
            assertFalse(scrape.samples().containsKey("msrsafe_cpu_busy_ratio{core=1,cpu=3,package=1}"));
            assertEquals(0.5, scrape.get("msrsafe_cpu_busy_ratio{core=0,cpu=2,package=1}"));
            assertEquals(3.5, scrape.get("msrsafe_dram_power_watts{package=1}"));
            String err = served.err.toString();
            assertTrue(err.contains("PkgWatt has no value: CPU 0: EACCES reading MSR_PKG_ENERGY_STATUS (0x611)"), err);
            assertTrue(err.contains("CPU 3: ENXIO"), err);
            served.sampling.sampleNow();
            assertEquals(err, served.err.toString(), "each failure is reported once");
        }
    }

    @Test
    void aSampleThatFailsAsAWholeKeepsTheLastOneServedAndSaysSo() throws Exception {
        try (Served served = new Served(MetricsHttpServer.Limits.DEFAULT)) {
            served.sampling.sampleNow();
            served.sampling.sampleNow();
            ageClock.addAndGet(2_000_000_000L);
            served.sampler.close(); // from now on every attempt fails as a whole
            served.sampling.sampleNow();
            ageClock.addAndGet(1_000_000_000L);
            Scrape scrape = scrape(served.url());
            assertEquals(0.0, scrape.get("msrsafe_up"));
            assertEquals(3.0, scrape.get("msrsafe_samples_total"));
            assertEquals(1.0, scrape.get("msrsafe_sample_failures_total"));
            assertEquals(3.0, scrape.get("msrsafe_sample_age_seconds"));
            assertEquals(60.0, scrape.get(PKG0_ENERGY)); // the last good sample, still served
            assertTrue(served.err.toString().contains("sampling failed: this sampler is closed"), served.err.toString());
        }
    }

    @Test
    void onlyGetAndHeadAreAllowed() throws Exception {
        try (Served served = new Served(MetricsHttpServer.Limits.DEFAULT)) {
            served.sampling.sampleNow();
            for (String method : List.of("POST", "PUT", "DELETE", "OPTIONS")) {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(served.url()))
                        .method(method, HttpRequest.BodyPublishers.ofString("x")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(405, response.statusCode(), method);
                assertEquals("GET, HEAD", response.headers().firstValue("allow").orElse(""), method);
            }
            HttpResponse<String> missing = http.send(HttpRequest.newBuilder(URI.create(served.url().replace("/metrics",
                    "/nope"))).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, missing.statusCode());
            HttpResponse<String> healthy = http.send(HttpRequest.newBuilder(URI.create(served.url().replace("/metrics",
                    "/-/healthy"))).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, healthy.statusCode());
            assertEquals(1.0, scrape(served.url()).get("msrsafe_samples_total"), "nothing sampled");
        }
    }

    @Test
    void idleAndSlowClientsDoNotBlockScrapes() throws Exception {
        MetricsHttpServer.Limits limits = new MetricsHttpServer.Limits(16, Duration.ofMillis(800), Duration.ofSeconds(5));
        try (Served served = new Served(limits)) {
            served.sampling.sampleNow();
            URI uri = URI.create(served.url());
            try (IdleClients idle = IdleClients.connect(uri, 10)) { // connected, never sending a byte
                Socket slow = idle.another();
                slow.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: x\r\n".getBytes()); // never finished
                long start = System.nanoTime();
                assertEquals(200, scrape(served.url()).status());
                assertTrue(System.nanoTime() - start < 500_000_000L, "a scrape waited on idle clients");
                // The slow client is cut off at the request deadline, answered 408.
                slow.setSoTimeout(5000);
                String answer = new String(slow.getInputStream().readAllBytes());
                assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
                assertTrue(System.nanoTime() - start < 3_000_000_000L);
            }
        }
    }

    @Test
    void beyondTheConnectionLimitClientsAreRefusedAtOnceAndScrapesResumeAfterTheTimeout() throws Exception {
        MetricsHttpServer.Limits limits = new MetricsHttpServer.Limits(3, Duration.ofMillis(500), Duration.ofSeconds(5));
        try (Served served = new Served(limits)) {
            served.sampling.sampleNow();
            URI uri = URI.create(served.url());
            try (IdleClients idle = IdleClients.connect(uri, 3)) {
                Thread.sleep(100); // accepted and holding their slots
                try (Socket extra = idle.another()) {
                    extra.setSoTimeout(2000);
                    String answer = new String(extra.getInputStream().readAllBytes());
                    assertTrue(answer.startsWith("HTTP/1.1 503"), answer);
                }
                Thread.sleep(700); // past the request deadline: the idle ones are gone
                assertEquals(200, scrape(served.url()).status());
            }
        }
    }

    /** Clients connected to the exporter that send nothing until the test says so; closed together. */
    private record IdleClients(URI uri, List<Socket> sockets) implements AutoCloseable {

        static IdleClients connect(URI uri, int count) throws IOException {
            IdleClients clients = new IdleClients(uri, new ArrayList<>());
            for (int i = 0; i < count; i++) {
                clients.another();
            }
            return clients;
        }

        /** One more connection, closed with the others. */
        Socket another() throws IOException {
            Socket socket = new Socket(uri.getHost(), uri.getPort());
            sockets.add(socket);
            return socket;
        }

        @Override
        public void close() throws IOException {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    @Test
    void malformedAndOversizedRequestsAreRefused() throws Exception {
        try (Served served = new Served(MetricsHttpServer.Limits.DEFAULT)) {
            URI uri = URI.create(served.url());
            assertEquals("HTTP/1.1 400", rawRequest(uri, "NONSENSE\r\n\r\n").substring(0, 12));
            assertEquals("HTTP/1.1 431", rawRequest(uri, "GET /metrics HTTP/1.1\r\nX: " + "a".repeat(9000)
                    + "\r\n\r\n").substring(0, 12));
            assertEquals("HTTP/1.1 200", rawRequest(uri, "GET /metrics?x=1 HTTP/1.0\n\n").substring(0, 12));
        }
    }

    private static String rawRequest(URI uri, String request) throws IOException {
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(request.getBytes());
            return new String(socket.getInputStream().readAllBytes());
        }
    }

    @Test
    void theCommandListensOnLoopbackByDefaultAndStopsWhenInterrupted() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        AtomicInteger status = new AtomicInteger(-1);
        MsrSafeTool tool = new MsrSafeTool(new ByteArrayInputStream(new byte[0]), cpus -> device);
        Thread running = new Thread(() -> status.set(tool.run(new PrintWriter(out, true), new PrintWriter(err, true),
                "--device", "sim", "exporter", "--port", "0", "--interval", "0.2", "--show", "PkgWatt,Busy%")));
        running.start();
        String url = null;
        for (int wait = 0; wait < 200 && url == null; wait++) {
            Matcher printed = Pattern.compile("at (http://\\S+/metrics)").matcher(out.toString());
            url = printed.find() ? printed.group(1) : null;
            if (url == null) {
                Thread.sleep(50);
            }
        }
        assertNotNull(url, "the exporter printed no address; stdout: " + out + " stderr: " + err);
        assertTrue(url.startsWith("http://127.0.0.1:"), url);
        assertTrue(out.toString().contains("2 signals of 4 CPUs"), out.toString());
        assertTrue(out.toString().contains("every 0.2 s"), out.toString());
        Scrape scrape = scrape(url);
        for (int wait = 0; wait < 100 && !scrape.samples().containsKey("msrsafe_package_power_watts{package=1}"); wait++) {
            Thread.sleep(50); // the second sample gives the rates
            scrape = scrape(url);
        }
        assertEquals(40.0, scrape.get("msrsafe_package_power_watts{package=1}"));
        assertFalse(scrape.samples().keySet().stream().anyMatch(name -> name.startsWith("msrsafe_dram")),
                scrape.samples().keySet().toString());
        running.interrupt();
        running.join(10_000);
        assertFalse(running.isAlive());
        assertEquals(0, status.get(), err.toString());
    }

    @Test
    void missingAllowlistEntriesOfAskedForSignalsStopItBeforeItListens() {
        device.installAllowlist(SimulatedDevice.standardAllowlist().stream()
                .filter(entry -> entry.address() != 0x1A2).toList());
        String error = new Cli(device).sim("exporter", "--port", "0", "--show", "PkgWatt,CoreTmp,PkgTmp")
                .failure(ExitCode.NOT_ALLOWED);
        assertTrue(error.contains("MSR_TEMPERATURE_TARGET (0x1A2) for CoreTmp, PkgTmp"), error);
        device.installAllowlist(List.of());
        String nothing = new Cli(device).sim("exporter", "--port", "0").failure(ExitCode.NOT_ALLOWED);
        assertTrue(nothing.startsWith("no telemetry signal can be read here: IA32_APERF (0xE8) is not in the allowlist"),
                nothing);
    }

    @Test
    void badPortsAddressesAndIntervalsAreUsageErrors() {
        Cli cli = new Cli(device);
        assertEquals("--port 70000 is above 65535, the most it may be", cli.sim("exporter", "--port", "70000").failure(ExitCode.USAGE));
        assertTrue(cli.sim("exporter").errorLine().contains("--port"));
        String bind = cli.sim("exporter", "--port", "0", "--bind", "no-such-host.invalid").failure(ExitCode.USAGE);
        assertTrue(bind.startsWith("--bind no-such-host.invalid is not an address of this machine"), bind);
        assertEquals("--interval 0.01 is outside 0.1 to 600 seconds",
                cli.sim("exporter", "--port", "0", "--interval", "0.01").failure(ExitCode.USAGE));
        assertTrue(cli.sim("exporter", "--port", "0", "--interval", "soon").failure(ExitCode.USAGE)
                .startsWith("--interval must be a number of seconds"));
    }
}
