package io.github.msrsafe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.SimulatedDevice;
import io.github.msrsafe.internal.text.JsonWriter;
import io.github.msrsafe.telemetry.Sampler;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard of docs/grafana/msrsafe-dashboard.json, written from the panels below
 * (so it is well-formed JSON by construction), checked against the committed file, and every
 * metric its PromQL names checked against what the exporter serves on a simulated machine that
 * has every signal. {@code -Dmsrsafe.dashboard.update=true} rewrites the file; docs/telemetry.md
 * shows the same queries, and the test checks that it does.
 */
class GrafanaDashboardTest {

    private static final Path DASHBOARD = Path.of("..", "docs", "grafana", "msrsafe-dashboard.json");
    private static final Path TELEMETRY_DOC = Path.of("..", "docs", "telemetry.md");
    private static final Pattern METRIC = Pattern.compile("\\bmsrsafe_[a-z0-9_]+");

    /** One panel: title, unit (Grafana's), and its queries with their legends. */
    record Panel(String title, String unit, String description, List<Map.Entry<String, String>> queries) {}

    private static Map.Entry<String, String> query(String expr, String legend) {
        return Map.entry(expr, legend);
    }

    /** The dashboard's panels, in order: what an HPC site looks at first. */
    static final List<Panel> PANELS = List.of(
            new Panel("Package power", "watt", "Power per package from the RAPL energy counters, over Prometheus's"
                    + " own window (independent of the exporter's interval).", List.of(
                    query("sum by (instance, package) (rate(msrsafe_package_energy_joules_total{instance=~\"$instance\"}"
                            + "[$__rate_interval]))", "{{instance}} package {{package}}"))),
            new Panel("DRAM and platform power", "watt", "DRAM power per package and platform (PSys) power.", List.of(
                    query("sum by (instance, package) (rate(msrsafe_dram_energy_joules_total{instance=~\"$instance\"}"
                            + "[$__rate_interval]))", "{{instance}} DRAM {{package}}"),
                    query("max by (instance) (rate(msrsafe_platform_energy_joules_total{instance=~\"$instance\"}"
                            + "[$__rate_interval]))", "{{instance}} platform"))),
            new Panel("Power limits", "watt", "The RAPL package power limits in force (PL1 long-term, PL2 short-term).",
                    List.of(query("max by (instance, limit) (msrsafe_package_power_limit_watts{instance=~\"$instance\"})",
                            "{{instance}} {{limit}}"))),
            new Panel("Busy", "percentunit", "Share of time the CPUs were not halted, averaged per node.", List.of(
                    query("avg by (instance) (msrsafe_cpu_busy_ratio{instance=~\"$instance\"})", "{{instance}}"))),
            new Panel("Frequency", "hertz", "Average frequency (halted time included) and frequency while busy.",
                    List.of(query("avg by (instance) (msrsafe_cpu_average_frequency_hertz{instance=~\"$instance\"})",
                            "{{instance}} average"),
                            query("avg by (instance) (msrsafe_cpu_busy_frequency_hertz{instance=~\"$instance\"})",
                                    "{{instance}} busy"),
                            query("avg by (instance) (msrsafe_uncore_frequency_hertz{instance=~\"$instance\"})",
                                    "{{instance}} uncore"))),
            new Panel("Temperature", "celsius", "The hottest package and the hottest core per node.", List.of(
                    query("max by (instance) (msrsafe_package_temperature_celsius{instance=~\"$instance\"})",
                            "{{instance}} package"),
                    query("max by (instance) (msrsafe_core_temperature_celsius{instance=~\"$instance\"})",
                            "{{instance}} hottest core"))),
            new Panel("Idle states", "percentunit", "Core and package C-state residency, averaged per node.", List.of(
                    query("avg by (instance, state) (msrsafe_core_cstate_residency_ratio{instance=~\"$instance\"})",
                            "{{instance}} core {{state}}"),
                    query("avg by (instance) (msrsafe_cpu_c1_ratio{instance=~\"$instance\"})", "{{instance}} c1"),
                    query("avg by (instance, state) (msrsafe_package_cstate_residency_ratio{instance=~\"$instance\"})",
                            "{{instance}} package {{state}}"))),
            new Panel("Throttling", "short", "Cores and packages throttled now, by reason, and the share of time RAPL"
                    + " throttled each domain.", List.of(
                    query("sum by (instance, reason) (msrsafe_core_throttle_active{instance=~\"$instance\"})",
                            "{{instance}} cores: {{reason}}"),
                    query("sum by (instance, reason) (msrsafe_package_throttle_active{instance=~\"$instance\"})",
                            "{{instance}} packages: {{reason}}"),
                    query("max by (instance, domain) (msrsafe_rapl_throttled_ratio{instance=~\"$instance\"})",
                            "{{instance}} RAPL {{domain}}"))),
            new Panel("SMIs", "short", "System-management interrupts per sampling interval, summed per node.", List.of(
                    query("sum by (instance) (msrsafe_cpu_smi_interrupts{instance=~\"$instance\"})", "{{instance}}"))),
            new Panel("Exporter health", "short", "1 while sampling works; the served sample's age in seconds; signals"
                    + " that lost their registers.", List.of(
                    query("msrsafe_up{instance=~\"$instance\"}", "{{instance}} up"),
                    query("msrsafe_sample_age_seconds{instance=~\"$instance\"}", "{{instance}} sample age"),
                    query("count by (instance) (msrsafe_signal_up{instance=~\"$instance\"} == 0)",
                            "{{instance}} signals without values"))));

    /** The dashboard as Grafana imports it (schema 39, a Prometheus data source chosen at import). */
    static Map<String, Object> dashboard() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("__inputs", List.of(map("name", "DS_PROMETHEUS", "label", "Prometheus", "type", "datasource",
                "pluginId", "prometheus", "pluginName", "Prometheus")));
        root.put("title", "msrsafe telemetry");
        root.put("uid", "msrsafe-telemetry");
        root.put("description", "Power, frequency, temperature, idle states and throttling from msrsafe exporter"
                + " (docs/telemetry.md)");
        root.put("tags", List.of("msrsafe", "hpc", "power"));
        root.put("schemaVersion", 39);
        root.put("version", 1);
        root.put("editable", true);
        root.put("refresh", "30s");
        root.put("time", map("from", "now-6h", "to", "now"));
        Map<String, Object> datasource = map("type", "prometheus", "uid", "${DS_PROMETHEUS}");
        Map<String, Object> instance = new LinkedHashMap<>();
        instance.put("name", "instance");
        instance.put("label", "Node");
        instance.put("type", "query");
        instance.put("datasource", datasource);
        instance.put("query", "label_values(msrsafe_up, instance)");
        instance.put("refresh", 2);
        instance.put("multi", true);
        instance.put("includeAll", true);
        instance.put("current", map("text", "All", "value", "$__all"));
        root.put("templating", map("list", List.of(instance)));
        List<Object> panels = new ArrayList<>();
        for (int i = 0; i < PANELS.size(); i++) {
            Panel panel = PANELS.get(i);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("id", i + 1);
            json.put("type", "timeseries");
            json.put("title", panel.title());
            json.put("description", panel.description());
            json.put("datasource", datasource);
            json.put("gridPos", map("h", 8, "w", 12, "x", (i % 2) * 12, "y", (i / 2) * 8));
            json.put("fieldConfig", map("defaults", map("unit", panel.unit()), "overrides", List.of()));
            List<Object> targets = new ArrayList<>();
            char refId = 'A';
            for (Map.Entry<String, String> query : panel.queries()) {
                targets.add(map("refId", String.valueOf(refId++), "datasource", datasource, "expr", query.getKey(),
                        "legendFormat", query.getValue()));
            }
            json.put("targets", targets);
            panels.add(json);
        }
        root.put("panels", panels);
        return root;
    }

    private static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    @Test
    void theCommittedDashboardIsTheOneWrittenHere() throws Exception {
        String json = JsonWriter.write(dashboard()) + "\n";
        if (Boolean.getBoolean("msrsafe.dashboard.update")) {
            Files.createDirectories(DASHBOARD.getParent());
            Files.writeString(DASHBOARD, json, StandardCharsets.UTF_8);
        }
        assertTrue(Files.isRegularFile(DASHBOARD), "no " + DASHBOARD.toAbsolutePath()
                + "; run the test with -Dmsrsafe.dashboard.update=true");
        assertEquals(json, Files.readString(DASHBOARD, StandardCharsets.UTF_8),
                "docs/grafana/msrsafe-dashboard.json is out of date; run with -Dmsrsafe.dashboard.update=true");
    }

    @Test
    void everyMetricTheDashboardQueriesIsServedAndTheDocsShowTheQueries() throws Exception {
        Set<String> queried = new TreeSet<>();
        for (Panel panel : PANELS) {
            for (Map.Entry<String, String> query : panel.queries()) {
                Matcher metric = METRIC.matcher(query.getKey());
                while (metric.find()) {
                    queried.add(metric.group());
                }
            }
        }
        Set<String> served = servedMetricNames();
        Set<String> missing = new TreeSet<>(queried);
        missing.removeAll(served);
        assertEquals(Set.of(), missing, "queried but not served; served: " + served);
        String doc = Files.readString(TELEMETRY_DOC, StandardCharsets.UTF_8);
        for (Panel panel : PANELS) {
            for (Map.Entry<String, String> query : panel.queries()) {
                String shown = query.getKey().replace("{instance=~\"$instance\"}", "");
                assertTrue(doc.contains(shown), "docs/telemetry.md does not show the query " + shown);
            }
        }
    }

    /** The metric names the exporter serves on a simulated machine with every signal, client C-states included. */
    private static Set<String> servedMetricNames() throws Exception {
        AtomicLong nanos = new AtomicLong();
        List<io.github.msrsafe.SimulatedRegister> registers = new ArrayList<>(SimulatedDevice.telemetryRegisters(0.5));
        List<io.github.msrsafe.allowlist.AllowlistEntry> allowlist = new ArrayList<>(SimulatedDevice.telemetryAllowlist());
        for (long address : new long[] {0x3FC, 0x3FE}) {
            registers.add(io.github.msrsafe.SimulatedRegister.counter(address, "CORE_STATE_" + address,
                    io.github.msrsafe.registers.Register.Scope.CORE, 1000, 64));
            allowlist.add(new io.github.msrsafe.allowlist.AllowlistEntry(address, 0));
        }
        SimulatedDevice device = SimulatedDevice.builder().cpus(4).packages(2).registers(registers).allowlist(allowlist)
                .clock(() -> nanos.addAndGet(500_000_000L)).build();
        try (MsrSafe msr = device.open();
             Sampler sampler = Sampler.builder(msr).tolerateFailures().open()) {
            BackgroundSampler sampling = new BackgroundSampler(sampler, Duration.ofSeconds(1), nanos::get,
                    new PrintWriter(new StringWriter()));
            try (ExporterCommand.Exporter exporter = ExporterCommand.Exporter.serve(sampling, sampler,
                    InetAddress.getLoopbackAddress(), 0, MetricsHttpServer.Limits.DEFAULT)) {
                sampling.sampleNow();
                sampling.sampleNow();
                HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(exporter.url())).build(), HttpResponse.BodyHandlers.ofString());
                return new TreeSet<>(PrometheusText.parse(response.body()).keySet());
            }
        }
    }
}
