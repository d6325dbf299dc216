package io.director.sessions.internal;

import io.director.identity.Audit;
import io.director.platform.Instances;
import io.director.sessions.SessionEvent;
import io.director.sessions.SessionStatus;
import io.director.sessions.sandbox.SandboxDriver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ObjectNode;

/**
 * Keeps the sessions table true to the world: sessions of an instance that is gone are marked lost
 * (at start and every 10 s), and finished sessions past their retention are deleted with their
 * workspaces, as are workspaces on this host whose session no longer exists (hourly).
 */
@Component
class SessionJanitor {
  private static final Logger log = LoggerFactory.getLogger(SessionJanitor.class);
  private static final Duration INSTANCE_SILENCE = Duration.ofSeconds(60);

  private final SessionStore store;
  private final SandboxDriver driver;
  private final Supervisor supervisor;
  private final SandboxHost host;
  private final SessionsConfig config;
  private final SessionMetrics metrics;
  private final Audit audit;
  private final Instances instances;
  private final Clock clock;
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().name("session-janitor").daemon().factory());

  SessionJanitor(SessionStore store, SandboxDriver driver, Supervisor supervisor, SandboxHost host, SessionsConfig config,
      SessionMetrics metrics, Audit audit, Instances instances, Clock clock) {
    this.store = store;
    this.driver = driver;
    this.supervisor = supervisor;
    this.host = host;
    this.config = config;
    this.metrics = metrics;
    this.audit = audit;
    this.instances = instances;
    this.clock = clock;
  }

  @EventListener(ApplicationReadyEvent.class)
  void start() {
    timers.scheduleWithFixedDelay(this::reconcileSafely, 0, 10, TimeUnit.SECONDS);
    timers.scheduleWithFixedDelay(this::expireSafely, 5, 60, TimeUnit.MINUTES);
  }

  @jakarta.annotation.PreDestroy
  void stop() {
    timers.shutdownNow();
  }

  private void reconcileSafely() {
    try {
      Instant now = clock.instant();
      String here = Instances.hostname();
      List<UUID> gone = store.holders().stream().filter(h -> !h.id().equals(instances.id()))
          .filter(h -> h.hostname() == null || h.stopped() || h.lastSeen().isBefore(now.minus(INSTANCE_SILENCE))
              // an instance on this host whose process is gone is gone, however recent its heartbeat
              || h.hostname().equals(here) && h.lastSeen().isBefore(now.minusSeconds(15)) // a missed heartbeat, and...
                  && ProcessHandle.of(h.pid()).map(p -> !p.isAlive() || isNotDirector(p)).orElse(true)) // ...its pid is gone
          .map(SessionStore.Holder::id).toList();
      for (SessionRow lost : store.loseSessionsOf(gone, now)) {
        boolean reaped = driver.reap(lost.id());
        ObjectNode n = SessionStore.JSON.createObjectNode().put("status", "lost").put("reason", "instance_lost").putNull("exit_code");
        long seq = store.lastSeq(lost.id()) + 1;
        store.append(List.of(lost.id()), List.of(new SessionEvent(seq, clock.instant(), "exit", n.toString())));
        metrics.ended(SessionStatus.LOST, Optional.of("instance_lost"));
        audit.record("session_ended", lost.tenantId(), "director", Map.of("session", lost.id().toString(), "status", "lost",
            "reason", "instance_lost", "processes_found", reaped));
        log.warn("session {} was held by instance {}, which is gone: marked lost{}", lost.id(), lost.instanceId(),
            reaped ? " and its leftover processes ended" : "");
      }
    } catch (RuntimeException e) {
      log.warn("reconciling sessions failed: {}", e.toString());
    }
  }

  /** A reused pid: the process there now is not a Java process. */
  private static boolean isNotDirector(ProcessHandle p) {
    return p.info().command().map(c -> !c.endsWith("java")).orElse(false);
  }

  private void expireSafely() {
    if (config.retention().isZero()) return;
    try {
      for (SessionRow old : store.expired(clock.instant().minus(config.retention()), 500)) {
        if (store.delete(old.tenantId(), old.id())) host.remove(old.id());
      }
      // workspaces on this host whose session is gone (deleted or expired through another instance)
      List<UUID> local = host.localSessions(Duration.ofHours(1)).stream().filter(id -> !supervisor.isLocal(id)).toList();
      Set<UUID> kept = store.existing(local);
      local.stream().filter(id -> !kept.contains(id)).forEach(host::remove);
    } catch (RuntimeException e) {
      log.warn("removing expired sessions failed: {}", e.toString());
    }
  }
}
