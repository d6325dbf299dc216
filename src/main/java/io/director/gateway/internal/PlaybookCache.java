package io.director.gateway.internal;

import io.director.gateway.Playbook;
import io.director.platform.config.DirectorConfig;
import jakarta.annotation.PreDestroy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Playbooks as the MCP endpoint serves them, cached in memory and dropped the moment any instance
 * changes them: a trigger NOTIFYs {@code director_playbooks} with the playbook id, and every
 * instance LISTENs on its own connection. While that connection is down nothing is cached, so a
 * stale playbook is never served.
 */
@Component
public class PlaybookCache {
  private static final Logger log = LoggerFactory.getLogger(PlaybookCache.class);
  private static final String CHANNEL = "director_playbooks";

  private final PlaybookStore store;
  private final DataSource dataSource;
  private final Map<UUID, Playbook> cache = new ConcurrentHashMap<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  /** Bumped by every notification: a load that saw a bump in between is not cached. */
  private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();
  private volatile boolean listening;
  private volatile Connection connection;
  private final Thread listener;

  private final org.springframework.context.ApplicationEventPublisher events;

  /** A playbook was created, edited or deleted, on this instance or another. */
  public record PlaybookChanged(UUID playbookId) {}

  PlaybookCache(PlaybookStore store, DataSource dataSource, DirectorConfig config, org.springframework.context.ApplicationEventPublisher events) {
    this.store = store;
    this.dataSource = dataSource;
    this.events = events;
    this.listener = Thread.ofPlatform().daemon().name("playbook-notifications").start(this::listen);
  }

  /** The playbook if it belongs to {@code tenant}. */
  public Optional<Playbook> find(String tenant, UUID id) {
    if (!listening) return store.find(tenant, id);
    Playbook cached = cache.get(id);
    if (cached == null) {
      long before = generation.get();
      Optional<Playbook> loaded = store.find(tenant, id);
      // cache only when no change was announced while loading, so a stale copy cannot stick
      if (loaded.isPresent() && listening && generation.get() == before) cache.putIfAbsent(id, loaded.get());
      return loaded;
    }
    return cached.tenantId().equals(tenant) ? Optional.of(cached) : Optional.empty();
  }

  /** The cached copy, whatever its tenant: for internal routing only, never for answering a caller. */
  public Optional<Playbook> peek(UUID id) {
    return Optional.ofNullable(cache.get(id));
  }

  /** The cached playbook that has the upstream server {@code serverId}, for internal routing only. */
  public Optional<UUID> servedBy(UUID serverId) {
    return cache.values().stream().filter(p -> p.servers().stream().anyMatch(s -> s.id().equals(serverId))).map(Playbook::id).findFirst();
  }

  private void listen() {
    while (running.get()) {
      try (Connection c = open(); Statement st = c.createStatement()) {
        connection = c;
        st.execute("LISTEN " + CHANNEL);
        generation.incrementAndGet();
        cache.clear();
        listening = true;
        log.info("listening for playbook changes");
        PGConnection pg = c.unwrap(PGConnection.class);
        while (running.get()) {
          PGNotification[] notifications = pg.getNotifications(1000);
          if (notifications == null) continue;
          generation.incrementAndGet();
          for (PGNotification n : notifications) {
            try {
              UUID id = UUID.fromString(n.getParameter());
              cache.remove(id);
              events.publishEvent(new PlaybookChanged(id));
            } catch (IllegalArgumentException e) {
              cache.clear();
            } catch (RuntimeException e) {
              log.debug("a playbook change listener failed: {}", e.getMessage());
            }
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (running.get()) log.warn("playbook change notifications interrupted, caching off until they resume: {}", e.getMessage());
      } finally {
        listening = false;
        generation.incrementAndGet();
        cache.clear();
      }
      sleep(1000);
    }
  }

  /** A connection of its own: a pooled one would be returned with LISTEN state attached. */
  private Connection open() throws SQLException {
    com.zaxxer.hikari.HikariDataSource hikari = (com.zaxxer.hikari.HikariDataSource) dataSource;
    Properties props = new Properties();
    if (hikari.getUsername() != null) props.setProperty("user", hikari.getUsername());
    if (hikari.getPassword() != null) props.setProperty("password", hikari.getPassword());
    props.setProperty("ApplicationName", "director-listen");
    props.setProperty("tcpKeepAlive", "true");
    return DriverManager.getConnection(hikari.getJdbcUrl(), props);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @PreDestroy
  void stop() {
    running.set(false);
    try {
      Connection c = connection;
      if (c != null) c.close();
    } catch (SQLException ignored) {
      // closing anyway
    }
  }
}
