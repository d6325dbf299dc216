package io.director.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.director.platform.config.DevelopmentSecret;
import io.director.platform.config.DirectorConfig;
import io.director.platform.config.EffectiveConfig;
import io.director.platform.config.ProductionGuard;
import io.director.platform.logging.DirectorLogLayout;
import io.director.platform.logging.Redaction;
import java.util.List;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * What runs before anything touches the database: logging set up from the configuration, the
 * production guard, the configuration checks, and the development secret.
 */
final class Preflight {
  private Preflight() {}

  /** The typed configuration, or empty after printing why Director must not start. */
  static Optional<DirectorConfig> check(EffectiveConfig effective, boolean requireProductionGuard) {
    DirectorLogLayout.useFormat(effective.raw("LOG_FORMAT").orElse("json"));
    effective.raw("DIRECTOR_SECRET").ifPresent(Redaction::register);
    effective.raw("DATABASE_URL").ifPresent(Preflight::registerDatabasePassword);
    if (requireProductionGuard) {
      List<String> violations = ProductionGuard.violations(effective);
      if (!violations.isEmpty()) {
        violations.forEach(v -> System.err.println("FATAL " + v));
        return Optional.empty();
      }
    }
    if (!effective.valid()) {
      effective.problems().forEach(p -> System.err.println("FATAL invalid configuration: " + p));
      return Optional.empty();
    }
    DirectorConfig config = DirectorConfig.from(effective);
    Level level = Level.toLevel(config.logLevel(), Level.INFO);
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(level);
    if (config.secret().isEmpty() && !config.production()) {
      config = config.withSecret(DevelopmentSecret.loadOrCreate(config.dataDir()));
      Redaction.register(config.secret().get().value());
    }
    return Optional.of(config);
  }

  private static void registerDatabasePassword(String url) {
    try {
      io.director.platform.config.DatabaseUrl.parse(url).password().ifPresent(Redaction::register);
    } catch (IllegalArgumentException ignored) {
      // reported as a configuration problem
    }
  }
}
