package io.director.cli;

import io.director.platform.config.DatabaseUrl;
import io.director.platform.config.DirectorConfig;
import io.director.platform.config.EffectiveConfig;
import io.director.platform.db.EmbeddedDatabase;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code director migrate}: applies the schema migrations to DATABASE_URL (or the embedded database) and exits. */
@Command(name = "migrate", mixinStandardHelpOptions = true, description = "Apply database migrations and exit.")
public final class MigrateCommand implements Callable<Integer> {
  @Mixin ConfigOption configOption;

  @Override
  public Integer call() {
    EffectiveConfig effective = configOption.load();
    if (effective.production() && effective.raw("DATABASE_URL").isEmpty()) {
      System.err.println("FATAL DATABASE_URL is required when DIRECTOR_ENV=production");
      return ExitCodes.CONFIG;
    }
    Optional<DirectorConfig> checked = Preflight.check(effective, false);
    if (checked.isEmpty()) return ExitCodes.CONFIG;
    DirectorConfig config = checked.get();
    EmbeddedDatabase embedded = config.database().isEmpty() ? EmbeddedDatabase.start(config.dataDir()) : null;
    try {
      DatabaseUrl url = embedded != null ? embedded.url() : config.database().orElseThrow();
      Flyway flyway = Flyway.configure()
          .dataSource(url.jdbcUrl(), url.user().orElse(null), url.password().orElse(null))
          .locations("classpath:db/migration")
          .connectRetries(3)
          .load();
      MigrateResult result = flyway.migrate();
      System.out.println("applied " + result.migrationsExecuted + " migration(s); schema version "
          + (result.targetSchemaVersion != null ? result.targetSchemaVersion : flyway.info().current().getVersion()));
      return ExitCodes.OK;
    } catch (org.flywaydb.core.api.FlywayException e) {
      System.err.println("director: migration failed: " + e.getMessage().lines().findFirst().orElse(""));
      return ExitCodes.FAILURE;
    } finally {
      if (embedded != null) embedded.close();
    }
  }
}
