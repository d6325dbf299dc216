package io.director.platform.config;

import io.director.shared.Secret;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;

/** Director's typed configuration, built from a valid {@link EffectiveConfig}. */
public record DirectorConfig(
    boolean production,
    int port,
    Optional<URI> baseUrl,
    Optional<DatabaseUrl> database,
    DatabasePool pool,
    Path dataDir,
    Optional<Secret> secret,
    List<String> allowedOrigins,
    String logLevel,
    String logFormat,
    Duration shutdownTimeout,
    OptionalInt managementPort,
    long maxRequestBodySize,
    Duration healthCheckTimeout,
    Set<String> dangerousFlags) {

  /** Connection pool settings. */
  public record DatabasePool(int min, int max, Duration idleTimeout, Duration connectionTimeout, Duration statementTimeout) {}

  public DirectorConfig {
    allowedOrigins = List.copyOf(allowedOrigins);
    dangerousFlags = Set.copyOf(dangerousFlags);
  }

  public static DirectorConfig from(EffectiveConfig c) {
    if (!c.valid()) throw new IllegalArgumentException("configuration has problems: " + c.problems());
    Set<String> dangerous = new TreeSet<>();
    for (Setting s : Settings.all()) {
      if (s.name().startsWith(Settings.DANGEROUS_PREFIX) && c.raw(s.name()).map(Booleans::parse).orElse(false)) {
        dangerous.add(s.name());
      }
    }
    return new DirectorConfig(
        c.production(),
        integer(c, "PORT"),
        c.raw("BASE_URL").map(SettingType::checkHttpUrl),
        c.raw("DATABASE_URL").map(DatabaseUrl::parse),
        new DatabasePool(
            integer(c, "DATABASE_POOL_MIN"),
            integer(c, "DATABASE_POOL_MAX"),
            duration(c, "DATABASE_POOL_IDLE_TIMEOUT"),
            duration(c, "DATABASE_CONNECTION_TIMEOUT"),
            duration(c, "DATABASE_STATEMENT_TIMEOUT")),
        Path.of(c.raw("DIRECTOR_DATA_DIR").orElse("./data")).toAbsolutePath().normalize(),
        c.raw("DIRECTOR_SECRET").map(Secret::new),
        c.raw("ALLOWED_ORIGINS").map(Origins::split).orElse(List.of()),
        c.raw("LOG_LEVEL").orElse("info").toLowerCase(java.util.Locale.ROOT),
        c.raw("LOG_FORMAT").orElse("json").toLowerCase(java.util.Locale.ROOT),
        duration(c, "SHUTDOWN_TIMEOUT"),
        c.raw("MANAGEMENT_PORT").map(p -> OptionalInt.of(Integer.parseInt(p))).orElse(OptionalInt.empty()),
        Sizes.parse(c.raw("MAX_REQUEST_BODY_SIZE").orElseThrow()),
        duration(c, "HEALTH_CHECK_TIMEOUT"),
        dangerous);
  }

  /** The same configuration with the secret filled in (the generated development secret). */
  public DirectorConfig withSecret(Secret s) {
    return new DirectorConfig(production, port, baseUrl, database, pool, dataDir, Optional.of(s), allowedOrigins,
        logLevel, logFormat, shutdownTimeout, managementPort, maxRequestBodySize, healthCheckTimeout, dangerousFlags);
  }

  private static int integer(EffectiveConfig c, String name) {
    return Integer.parseInt(c.raw(name).orElseThrow().trim());
  }

  private static Duration duration(EffectiveConfig c, String name) {
    return Durations.parse(c.raw(name).orElseThrow());
  }
}
