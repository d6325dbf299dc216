package io.director.platform.health;

import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Health for people and load balancers; no authentication, no configuration in the answers. */
@RestController
@RequestMapping("/api/health")
class HealthController {
  private final Health health;

  HealthController(Health health) {
    this.health = health;
  }

  @GetMapping
  ResponseEntity<HealthReport> health() {
    HealthReport report = health.report();
    return ResponseEntity.status(report.up() ? 200 : 503).header("Cache-Control", "no-store").body(report);
  }

  /** The process is alive and serving HTTP; never touches the database. */
  @GetMapping("/live")
  ResponseEntity<Map<String, String>> live() {
    return ResponseEntity.ok().header("Cache-Control", "no-store").body(Map.of("status", "ok"));
  }

  /** Ready for traffic: required checks pass and Director is not shutting down. */
  @GetMapping("/ready")
  ResponseEntity<Map<String, String>> ready() {
    HealthReport report = health.report();
    boolean ready = health.ready(report);
    return ResponseEntity.status(ready ? 200 : 503).header("Cache-Control", "no-store")
        .body(Map.of("status", ready ? "ok" : "down"));
  }
}
