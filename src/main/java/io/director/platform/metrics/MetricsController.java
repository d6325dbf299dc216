package io.director.platform.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /metrics} in Prometheus text format and {@code /metrics/json} with the core figures. */
@RestController
class MetricsController {
  private static final MediaType PROMETHEUS_TEXT = MediaType.parseMediaType("text/plain;version=0.0.4;charset=utf-8");
  private final PrometheusMeterRegistry prometheus;
  private final MeterRegistry registry;

  MetricsController(PrometheusMeterRegistry prometheus, MeterRegistry registry) {
    this.prometheus = prometheus;
    this.registry = registry;
  }

  @GetMapping("/metrics")
  ResponseEntity<String> prometheus() {
    return ResponseEntity.ok().contentType(PROMETHEUS_TEXT).header("Cache-Control", "no-store").body(prometheus.scrape());
  }

  @GetMapping(path = "/metrics/json", produces = MediaType.APPLICATION_JSON_VALUE)
  Map<String, Object> json() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("uptimeSeconds", ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0);
    Map<String, Object> http = new LinkedHashMap<>();
    long requests = 0;
    long serverErrors = 0;
    double totalMs = 0;
    for (Timer t : Search.in(registry).name("http.server.requests").timers()) {
      requests += t.count();
      totalMs += t.totalTime(TimeUnit.MILLISECONDS);
      String status = t.getId().getTag("status");
      if (status != null && status.startsWith("5")) serverErrors += t.count();
    }
    http.put("requests", requests);
    http.put("serverErrors", serverErrors);
    http.put("meanMs", requests == 0 ? 0 : totalMs / requests);
    out.put("http", http);
    Map<String, Object> jvm = new LinkedHashMap<>();
    jvm.put("heapUsedBytes", sum("jvm.memory.used", "area", "heap"));
    jvm.put("heapMaxBytes", sum("jvm.memory.max", "area", "heap"));
    jvm.put("threadsLive", gauge("jvm.threads.live"));
    out.put("jvm", jvm);
    Map<String, Object> db = new LinkedHashMap<>();
    db.put("active", gauge("hikaricp.connections.active"));
    db.put("idle", gauge("hikaricp.connections.idle"));
    db.put("pending", gauge("hikaricp.connections.pending"));
    db.put("max", gauge("hikaricp.connections.max"));
    out.put("databasePool", db);
    Map<String, Object> process = new LinkedHashMap<>();
    process.put("cpuUsage", gauge("process.cpu.usage"));
    process.put("openFiles", gauge("process.files.open"));
    out.put("process", process);
    return out;
  }

  private double gauge(String name) {
    Gauge g = Search.in(registry).name(name).gauge();
    return g == null ? 0 : g.value();
  }

  private double sum(String name, String tag, String value) {
    return Search.in(registry).name(name).tag(tag, value).gauges().stream().mapToDouble(Gauge::value).filter(v -> v >= 0).sum();
  }
}
