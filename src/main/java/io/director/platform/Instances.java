package io.director.platform;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Registers this Director process in {@code director_instances} and keeps its heartbeat, so that
 * every instance sharing the database can tell which of the others are alive.
 */
@Component
public class Instances {
  private static final Logger log = LoggerFactory.getLogger(Instances.class);

  private final JdbcClient jdbc;
  private final Clock clock;
  private final UUID id = UUID.randomUUID();
  private volatile boolean registered;

  Instances(JdbcClient jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /** This process's instance id. */
  public UUID id() {
    return id;
  }

  @EventListener(ApplicationReadyEvent.class)
  void register() {
    Instant now = clock.instant();
    jdbc.sql("""
            INSERT INTO director_instances (id, hostname, pid, version, started_at, last_seen_at)
            VALUES (:id, :hostname, :pid, :version, :now, :now)""")
        .param("id", id)
        .param("hostname", hostname())
        .param("pid", ProcessHandle.current().pid())
        .param("version", Version.current())
        .param("now", java.sql.Timestamp.from(now))
        .update();
    registered = true;
    log.info("instance {} registered", id);
  }

  @Scheduled(fixedDelayString = "10s", initialDelayString = "10s")
  void heartbeat() {
    if (!registered) return;
    try {
      jdbc.sql("UPDATE director_instances SET last_seen_at = :now WHERE id = :id")
          .param("now", java.sql.Timestamp.from(clock.instant()))
          .param("id", id)
          .update();
    } catch (RuntimeException e) {
      log.warn("instance heartbeat failed: {}", e.getMessage());
    }
  }

  @EventListener(ContextClosedEvent.class)
  void deregister() {
    if (!registered) return;
    try {
      jdbc.sql("UPDATE director_instances SET stopped_at = :now, last_seen_at = :now WHERE id = :id")
          .param("now", java.sql.Timestamp.from(clock.instant()))
          .param("id", id)
          .update();
    } catch (RuntimeException e) {
      log.warn("could not mark instance {} stopped: {}", id, e.getMessage());
    }
  }

  /** The host name this instance registers under. */
  public static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "unknown";
    }
  }
}
