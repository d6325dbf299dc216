package io.director.platform.health;

import io.director.platform.Version;
import io.director.platform.config.DirectorConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Runs every {@link HealthCheck} in parallel, each bounded by HEALTH_CHECK_TIMEOUT. */
@Component
public class Health {
  private final List<HealthCheck> checks;
  private final Duration timeout;
  private final Clock clock;
  // virtual threads need no pool and no shutdown: probes keep working while the server drains
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final AtomicBoolean shuttingDown = new AtomicBoolean();

  Health(List<HealthCheck> checks, DirectorConfig config, Clock clock) {
    this.checks = List.copyOf(checks);
    this.timeout = config.healthCheckTimeout();
    this.clock = clock;
  }

  public HealthReport report() {
    List<Future<HealthCheck.Result>> futures = new ArrayList<>();
    long started = System.nanoTime();
    for (HealthCheck check : checks) futures.add(executor.submit(check::check));
    List<HealthReport.CheckReport> reports = new ArrayList<>();
    boolean up = true;
    long deadline = started + timeout.toNanos();
    for (int i = 0; i < checks.size(); i++) {
      HealthCheck check = checks.get(i);
      HealthCheck.Result result;
      try {
        result = futures.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        futures.get(i).cancel(true);
        result = HealthCheck.Result.unhealthy("no answer within " + timeout.toMillis() + " ms");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        result = HealthCheck.Result.unhealthy("interrupted");
      } catch (Exception e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        result = HealthCheck.Result.unhealthy(cause.getClass().getSimpleName());
      }
      long latency = (System.nanoTime() - started) / 1_000_000;
      reports.add(new HealthReport.CheckReport(check.name(), result.healthy(), check.required(), latency, result.message()));
      if (check.required() && !result.healthy()) up = false;
    }
    return new HealthReport(up ? "ok" : "down", Version.current(), clock.instant(), reports);
  }

  /** Ready means healthy and not shutting down: load balancers stop sending work first. */
  public boolean ready(HealthReport report) {
    return report.up() && !shuttingDown.get();
  }

  @EventListener(ContextClosedEvent.class)
  void closing() {
    shuttingDown.set(true);
  }
}
