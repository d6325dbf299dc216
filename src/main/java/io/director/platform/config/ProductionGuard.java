package io.director.platform.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Refuses a production start that is unsafe: development-only flags, no external database, a
 * missing or weak secret, or no public URL. Each finding is one FATAL line naming the variable.
 */
public final class ProductionGuard {
  /** sysexits EX_CONFIG: the process exit code when the guard refuses to start. */
  public static final int EXIT_CONFIG = 78;

  private ProductionGuard() {}

  public static List<String> violations(EffectiveConfig config) {
    List<String> out = new ArrayList<>();
    if (!config.production()) return out;
    for (Setting s : Settings.all()) {
      if (!s.name().startsWith(Settings.DANGEROUS_PREFIX)) continue;
      config.raw(s.name()).filter(ProductionGuard::truthy)
          .ifPresent(v -> out.add(s.name() + " is set; development-only flags are refused when DIRECTOR_ENV=production"));
    }
    for (Map.Entry<String, String> e : config.unknownDangerousFlags().entrySet()) {
      if (truthy(e.getValue())) {
        out.add(e.getKey() + " is set; development-only flags are refused when DIRECTOR_ENV=production");
      }
    }
    if (config.raw("DATABASE_URL").isEmpty()) {
      out.add("DATABASE_URL is required when DIRECTOR_ENV=production (the embedded database is for development only)");
    }
    config.raw("DIRECTOR_SECRET").ifPresentOrElse(
        secret -> SecretStrength.weakness(secret).ifPresent(why -> out.add("DIRECTOR_SECRET " + why + "; use a random value of 32+ characters (e.g. openssl rand -base64 48)")),
        () -> out.add("DIRECTOR_SECRET is required when DIRECTOR_ENV=production (32+ random characters)"));
    config.raw("PASSWORD_MIN_LENGTH").filter(v -> v.matches("\\d+") && Integer.parseInt(v) < 12).ifPresent(v ->
        out.add("PASSWORD_MIN_LENGTH is " + v + "; production requires at least 12"));
    config.raw("PASSWORD_HASH_COST").filter(v -> v.matches("\\d+") && Integer.parseInt(v) < 10).ifPresent(v ->
        out.add("PASSWORD_HASH_COST is " + v + "; production requires at least 10"));
    if (config.raw("BASE_URL").isEmpty()) {
      out.add("BASE_URL is required when DIRECTOR_ENV=production (the public URL clients use)");
    }
    return out;
  }

  private static boolean truthy(String value) {
    try {
      return Booleans.parse(value);
    } catch (IllegalArgumentException e) {
      return true; // an unreadable value is not a clear "off"
    }
  }
}
