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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus exporter on a loopback ephemeral port, scraped with java.net.http and its
 * text exposition parsed. The simulated 2-package machine is the one of StatCommandTest: busy
 * half the time, its clock stepping half a second per reading, so each scrape covers 1.5 s.
 */
class ExporterTest {

    private static final long HALF_SECOND = 500_000_000L;
    private static final Pattern SAMPLE = Pattern.compile("([a-z_]+)(\\{[^}]*})? (\\S+)");

    private final AtomicLong nanos = new AtomicLong();
    private final SimulatedDevice device = SimulatedDevice.builder().cpus(4).packages(2)
            .registers(SimulatedDevice.standardRegisters(0.5))
            .allowlist(SimulatedDevice.standardAllowlist())
            .clock(() -> nanos.addAndGet(HALF_SECOND))
            .build();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One scrape: the content type, the TYPE of each family and the value of each sample ("name{labels}"). */
    record Scrape(String contentType, Map<String, String> types, Map<String, Double> samples) {}

    private Scrape scrape(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        Map<String, String> types = new LinkedHashMap<>();
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : response.body().lines().toList()) {
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ");
                types.put(parts[2], parts[3]);
            } else if (!line.startsWith("#") && !line.isBlank()) {
                Matcher sample = SAMPLE.matcher(line);
                assertTrue(sample.matches(), "not a sample line of the text format: " + line);
                samples.put(sample.group(1) + (sample.group(2) == null ? "" : sample.group(2)),
                        Double.parseDouble(sample.group(3)));
            }
        }
        return new Scrape(response.headers().firstValue("content-type").orElse(""), types, samples);
    }

    @Test
    void servesEverySignalInBaseUnitsWithOneBatchPerScrape() throws Exception {
        try (MsrSafe msr = device.open();
             Sampler sampler = Sampler.builder(msr).open();
             ExporterCommand.Exporter exporter = ExporterCommand.Exporter.start(sampler,
                     InetAddress.getLoopbackAddress(), 0, new PrintWriter(new StringWriter()))) {
            assertTrue(exporter.port() > 0);
            Scrape scrape = scrape(exporter.url());
            assertTrue(scrape.contentType().startsWith("text/plain; version=0.0.4"), scrape.contentType());
            Map<String, Double> samples = scrape.samples();
            assertEquals(1.0, samples.get("msrsafe_up"));
            assertEquals(1.5, samples.get("msrsafe_sample_interval_seconds"));
            assertEquals(0.5, samples.get("msrsafe_cpu_busy_ratio{core=\"1\",cpu=\"3\",package=\"1\"}"));
            assertEquals(1.4e9, samples.get("msrsafe_cpu_average_frequency_hertz{core=\"0\",cpu=\"0\",package=\"0\"}"));
            assertEquals(2.8e9, samples.get("msrsafe_cpu_busy_frequency_hertz{core=\"0\",cpu=\"2\",package=\"1\"}"));
            assertEquals(2.4e9, samples.get("msrsafe_cpu_tsc_frequency_hertz{core=\"1\",cpu=\"1\",package=\"0\"}"));
            assertEquals(43.0, samples.get("msrsafe_core_temperature_celsius{core=\"1\",package=\"1\"}"));
            assertEquals(45.0, samples.get("msrsafe_package_temperature_celsius{package=\"0\"}"));
            assertEquals(40.0, samples.get("msrsafe_package_power_watts{package=\"1\"}"));
            assertEquals(3.5, samples.get("msrsafe_dram_power_watts{package=\"0\"}"));
            assertEquals(60.0, samples.get("msrsafe_package_energy_joules_total{package=\"0\"}")); // 40 W x 1.5 s
            assertEquals(125.0, samples.get("msrsafe_package_power_limit_watts{limit=\"pl1\",package=\"0\"}"));
            assertEquals(156.0, samples.get("msrsafe_package_power_limit_watts{limit=\"pl2\",package=\"1\"}"));
            assertEquals(28.0, samples.get("msrsafe_package_power_limit_window_seconds{limit=\"pl1\",package=\"1\"}"));
            assertEquals("counter", scrape.types().get("msrsafe_package_energy_joules_total"));
            assertEquals("gauge", scrape.types().get("msrsafe_package_power_watts"));
            // up and interval; 4 frequency signals x 4 CPUs; 4 cores; per package PkgTmp, PkgWatt, RAMWatt, Pkg_J, RAM_J
            // and 4 limit values: every sample accounted for, nothing unexpected served.
            assertEquals(2 + 4 * 4 + 4 + 2 * (1 + 2 + 2 + 4), samples.size(), samples.keySet().toString());

            // Each scrape is one sample: energy keeps adding up, 1.5 s more per scrape.
            assertEquals(120.0, scrape(exporter.url()).samples().get("msrsafe_package_energy_joules_total{package=\"0\"}"));
        }
    }

    @Test
    void aFailingBatchReportsDownAndTheReasonOnce() throws Exception {
        StringWriter err = new StringWriter();
        try (MsrSafe msr = device.open();
             Sampler sampler = Sampler.builder(msr).open();
             ExporterCommand.Exporter exporter = ExporterCommand.Exporter.start(sampler,
                     InetAddress.getLoopbackAddress(), 0, new PrintWriter(err))) {
            device.setOnline(3, false);
            Scrape scrape = scrape(exporter.url());
            assertEquals(Map.of("msrsafe_up", 0.0), scrape.samples());
            scrape(exporter.url());
            assertEquals(1, err.toString().lines().count(), err.toString());
            assertTrue(err.toString().contains("CPU 3"), err.toString());
            device.setOnline(3, true);
            assertEquals(1.0, scrape(exporter.url()).samples().get("msrsafe_up"));
        }
    }

    @Test
    void theCommandListensOnLoopbackByDefaultAndStopsWhenInterrupted() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        AtomicInteger status = new AtomicInteger(-1);
        MsrSafeTool tool = new MsrSafeTool(new ByteArrayInputStream(new byte[0]), cpus -> device);
        Thread running = new Thread(() -> status.set(tool.run(new PrintWriter(out, true), new PrintWriter(err, true),
                "--device", "sim", "exporter", "--port", "0", "--show", "PkgWatt,Busy%")));
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
        Map<String, Double> samples = scrape(url).samples();
        assertEquals(40.0, samples.get("msrsafe_package_power_watts{package=\"1\"}"));
        assertFalse(samples.keySet().stream().anyMatch(name -> name.startsWith("msrsafe_dram")), samples.keySet().toString());
        running.interrupt();
        running.join(10_000);
        assertFalse(running.isAlive());
        assertEquals(0, status.get(), err.toString());
    }

    @Test
    void missingAllowlistEntriesStopItBeforeItListens() {
        device.installAllowlist(SimulatedDevice.standardAllowlist().stream()
                .filter(entry -> entry.address() != 0x1A2).toList());
        String error = new Cli(device).sim("exporter", "--port", "0").failure(ExitCode.NOT_ALLOWED);
        assertTrue(error.contains("MSR_TEMPERATURE_TARGET (0x1A2) for CoreTmp, PkgTmp"), error);
    }

    @Test
    void badPortsAndAddressesAreUsageErrors() {
        Cli cli = new Cli(device);
        assertEquals("--port 70000 is above 65535, the most it may be", cli.sim("exporter", "--port", "70000").failure(ExitCode.USAGE));
        assertTrue(cli.sim("exporter").errorLine().contains("--port"));
        String bind = cli.sim("exporter", "--port", "0", "--bind", "no-such-host.invalid").failure(ExitCode.USAGE);
        assertTrue(bind.startsWith("--bind no-such-host.invalid is not an address of this machine"), bind);
    }
}
