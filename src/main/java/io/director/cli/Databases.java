package io.director.cli;

import com.zaxxer.hikari.HikariDataSource;
import io.director.platform.config.DatabaseUrl;
import io.director.platform.config.DirectorConfig;
import io.director.platform.db.EmbeddedDatabase;
import io.director.platform.db.Pools;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/** Database access for commands that run without the server: DATABASE_URL, or the embedded database in development. */
final class Databases {
  private Databases() {}

  interface Work<T> {
    T run(HikariDataSource dataSource, MigrateResult migration) throws Exception;
  }

  /** Opens the database, applies migrations, runs {@code work}, and closes everything again. */
  static <T> T withMigratedDatabase(DirectorConfig config, Work<T> work) throws Exception {
    EmbeddedDatabase embedded = config.database().isEmpty() ? EmbeddedDatabase.start(config.dataDir()) : null;
    try {
      DatabaseUrl url = embedded != null ? embedded.url() : config.database().orElseThrow();
      try (HikariDataSource ds = Pools.create(url, new DirectorConfig.DatabasePool(0, 2, config.pool().idleTimeout(),
          config.pool().connectionTimeout(), config.pool().statementTimeout()), "director-cli")) {
        MigrateResult result = Flyway.configure().dataSource(ds).locations("classpath:db/migration").connectRetries(3).load().migrate();
        return work.run(ds, result);
      }
    } finally {
      if (embedded != null) embedded.close();
    }
  }
}
