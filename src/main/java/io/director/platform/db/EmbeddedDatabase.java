package io.director.platform.db;

import io.director.platform.config.DatabaseUrl;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The development database: real PostgreSQL 17 binaries run from the data dir, so data survives
 * restarts. Only one Director may use a data dir at a time ({@link DataDirLock}); a postmaster left
 * behind by a killed Director is stopped before the new one starts.
 */
public final class EmbeddedDatabase implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);
  static final String DATABASE = "director";

  private final DataDirLock lock;
  private final EmbeddedPostgres postgres;

  private EmbeddedDatabase(DataDirLock lock, EmbeddedPostgres postgres) {
    this.lock = lock;
    this.postgres = postgres;
  }

  public static EmbeddedDatabase start(Path dataDir) {
    DataDirLock lock = DataDirLock.acquire(dataDir);
    try {
      Path pgData = dataDir.resolve("postgres");
      stopOrphanedPostmaster(pgData);
      long started = System.nanoTime();
      EmbeddedPostgres pg = EmbeddedPostgres.builder()
          .setDataDirectory(pgData)
          .setCleanDataDirectory(false)
          .setRegisterShutdownHook(false)
          .setPGStartupWait(Duration.ofSeconds(60))
          .setServerConfig("max_connections", "200")
          .start();
      ensureDatabase(pg);
      log.info("embedded PostgreSQL ready on 127.0.0.1:{} in {} ms (data in {})", pg.getPort(),
          (System.nanoTime() - started) / 1_000_000, pgData);
      return new EmbeddedDatabase(lock, pg);
    } catch (IOException e) {
      lock.close();
      throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + dataDir, e);
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  public DatabaseUrl url() {
    return new DatabaseUrl(postgres.getJdbcUrl("postgres", DATABASE).replaceAll("\\?.*$", ""),
        Optional.of("postgres"), Optional.empty());
  }

  public int port() {
    return postgres.getPort();
  }

  @Override
  public void close() {
    try {
      postgres.close();
      log.info("embedded PostgreSQL stopped");
    } catch (IOException e) {
      log.warn("embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
    } finally {
      lock.close();
    }
  }

  private static void ensureDatabase(EmbeddedPostgres pg) {
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
        if (rs.next()) return;
      }
      st.execute("CREATE DATABASE " + DATABASE);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create the embedded database: " + e.getMessage(), e);
    }
  }

  /** We hold the data dir lock, so any live postmaster on this data dir belongs to a dead Director. */
  private static void stopOrphanedPostmaster(Path pgData) throws IOException {
    Path pidFile = pgData.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) return;
    List<String> lines = Files.readAllLines(pidFile);
    if (lines.isEmpty()) return;
    long pid;
    try {
      pid = Long.parseLong(lines.get(0).trim());
    } catch (NumberFormatException e) {
      return;
    }
    Optional<ProcessHandle> handle = ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(h -> h.info().command().map(c -> c.endsWith("/postgres")).orElse(false));
    if (handle.isEmpty()) return;
    log.warn("stopping PostgreSQL (pid {}) left running by an earlier Director on this data dir", pid);
    handle.get().destroy();
    try {
      handle.get().onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      handle.get().destroyForcibly();
    }
  }
}
