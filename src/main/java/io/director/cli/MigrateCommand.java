package io.director.cli;

import io.director.platform.config.DirectorConfig;
import io.director.platform.config.EffectiveConfig;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code director migrate}: applies the schema migrations to DATABASE_URL (or the embedded database) and exits. */
@Command(name = "migrate", mixinStandardHelpOptions = true, description = "Apply database migrations and exit.")
public final class MigrateCommand implements Callable<Integer> {
  @Mixin ConfigOption configOption;

  @Override
  public Integer call() throws Exception {
    Optional<DirectorConfig> config = offlineConfig(configOption.load());
    if (config.isEmpty()) return ExitCodes.CONFIG;
    try {
      return Databases.withMigratedDatabase(config.get(), (ds, result) -> {
        System.out.println("applied " + result.migrationsExecuted + " migration(s); schema version "
            + (result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion));
        return ExitCodes.OK;
      });
    } catch (org.flywaydb.core.api.FlywayException e) {
      System.err.println("director: migration failed: " + e.getMessage().lines().findFirst().orElse(""));
      return ExitCodes.FAILURE;
    }
  }

  /** Configuration for commands that use the database without serving: production needs DATABASE_URL. */
  static Optional<DirectorConfig> offlineConfig(EffectiveConfig effective) {
    if (effective.production() && effective.raw("DATABASE_URL").isEmpty()) {
      System.err.println("FATAL DATABASE_URL is required when DIRECTOR_ENV=production");
      return Optional.empty();
    }
    return Preflight.check(effective, false);
  }
}
