package io.director.identity.internal;

import io.director.platform.config.Cidr;
import io.director.platform.config.DirectorConfig;
import io.director.platform.config.Durations;
import io.director.platform.config.EffectiveConfig;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/** The identity module's settings, read from the effective configuration. */
public record IdentityConfig(
    boolean registrationOpen,
    int passwordMinLength,
    int passwordHashCost,
    Duration accessTokenTtl,
    Duration sessionTimeout,
    int maxSessions,
    RateLimit apiKeyLimit,
    RateLimit userLimit,
    RateLimit authLimit,
    List<Cidr> trustedProxies,
    String issuer) {

  /** {@code capacity} requests per {@code window}. */
  public record RateLimit(long capacity, Duration window) {}

  public static IdentityConfig from(EffectiveConfig c, DirectorConfig config) {
    boolean production = config.production();
    int minLength = c.raw("PASSWORD_MIN_LENGTH").map(Integer::parseInt).orElse(production ? 12 : 8);
    int cost = Math.max(4, Math.min(31, c.raw("PASSWORD_HASH_COST").map(Integer::parseInt).orElse(12)));
    return new IdentityConfig(
        c.raw("DIRECTOR_REGISTRATION").map("open"::equalsIgnoreCase).orElse(!production),
        Math.max(production ? 12 : 1, minLength),
        cost,
        Durations.parse(c.raw("ACCESS_TOKEN_TTL").orElse("15m")),
        Durations.parse(c.raw("SESSION_TIMEOUT").orElse("7d")),
        Math.max(1, integer(c, "MAX_SESSIONS", 10)),
        limit(c, "API_KEY_RATE_LIMIT_MAX_REQUESTS", "API_KEY_RATE_LIMIT_WINDOW_SECONDS"),
        limit(c, "USER_RATE_LIMIT_MAX_REQUESTS", "USER_RATE_LIMIT_WINDOW_SECONDS"),
        limit(c, "AUTH_RATE_LIMIT_MAX_ATTEMPTS", "AUTH_RATE_LIMIT_WINDOW_SECONDS"),
        c.raw("TRUSTED_PROXIES").map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(Cidr::parse).toList())
            .orElse(List.of()),
        config.baseUrl().map(Object::toString).orElse("director"));
  }

  private static RateLimit limit(EffectiveConfig c, String max, String window) {
    return new RateLimit(Math.max(1, integer(c, max, 1)), Duration.ofSeconds(Math.max(1, integer(c, window, 60))));
  }

  private static int integer(EffectiveConfig c, String name, int fallback) {
    return c.raw(name).map(String::trim).map(Integer::parseInt).orElse(fallback);
  }
}
