package io.director.platform.db;

import jakarta.annotation.PreDestroy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * PostgreSQL LISTEN/NOTIFY for every module, on one connection of its own: what one instance
 * changes, the others hear about at once. A cache built on it must hold nothing while
 * {@link #listening()} is false, and must drop everything on {@link Listener#reset()} — a change
 * may have gone unheard while the connection was down.
 */
@Component
public class Notifications {
  private static final Logger log = LoggerFactory.getLogger(Notifications.class);

  /** Hears one channel. Called on the listening thread: keep it short. */
  public interface Listener {
    void notified(String payload);

    /** Listening started or stopped: whatever was cached may be stale. */
    void reset();
  }

  private final DataSource dataSource;
  private final Map<String, List<Listener>> channels = new ConcurrentHashMap<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private volatile boolean listening;
  private volatile Connection connection;
  private volatile Thread thread;

  Notifications(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Subscribes to a channel; subscriptions are made while the application starts. */
  public void subscribe(String channel, Listener listener) {
    if (!channel.matches("[a-z_]+")) throw new IllegalArgumentException("channel names are lower-case words: " + channel);
    channels.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>()).add(listener);
  }

  public boolean listening() {
    return listening;
  }

  @EventListener(ApplicationStartedEvent.class)
  synchronized void start() {
    if (thread == null) thread = Thread.ofPlatform().daemon().name("db-notifications").start(this::listen);
  }

  private void listen() {
    while (running.get()) {
      try (Connection c = open(); Statement st = c.createStatement()) {
        connection = c;
        for (String channel : channels.keySet()) st.execute("LISTEN " + channel);
        listening = true;
        resetAll();
        log.info("listening for changes on {}", channels.keySet());
        PGConnection pg = c.unwrap(PGConnection.class);
        while (running.get()) {
          PGNotification[] batch = pg.getNotifications(1000);
          if (batch == null) continue;
          for (PGNotification n : batch) {
            for (Listener l : channels.getOrDefault(n.getName(), List.of())) {
              try {
                l.notified(n.getParameter());
              } catch (RuntimeException e) {
                log.debug("a listener of {} failed: {}", n.getName(), e.getMessage());
              }
            }
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (running.get()) log.warn("change notifications interrupted, caches off until they resume: {}", e.getMessage());
      } finally {
        listening = false;
        resetAll();
      }
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void resetAll() {
    channels.values().forEach(ls -> ls.forEach(l -> {
      try {
        l.reset();
      } catch (RuntimeException e) {
        log.debug("a listener's reset failed: {}", e.getMessage());
      }
    }));
  }

  /** A connection of its own: a pooled one would go back to the pool with LISTEN state attached. */
  private Connection open() throws SQLException {
    com.zaxxer.hikari.HikariDataSource hikari = (com.zaxxer.hikari.HikariDataSource) dataSource;
    Properties props = new Properties();
    if (hikari.getUsername() != null) props.setProperty("user", hikari.getUsername());
    if (hikari.getPassword() != null) props.setProperty("password", hikari.getPassword());
    props.setProperty("ApplicationName", "director-listen");
    props.setProperty("tcpKeepAlive", "true");
    return DriverManager.getConnection(hikari.getJdbcUrl(), props);
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
