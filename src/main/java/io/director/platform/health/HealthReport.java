package io.director.platform.health;

import java.time.Instant;
import java.util.List;

/** The body of {@code GET /api/health}. */
public record HealthReport(String status, String version, Instant timestamp, List<CheckReport> checks) {
  public HealthReport {
    checks = List.copyOf(checks);
  }

  public boolean up() {
    return "ok".equals(status);
  }

  /** One check's outcome. */
  public record CheckReport(String name, boolean healthy, boolean required, long latencyMs, String message) {}
}
