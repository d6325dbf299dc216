package io.director.platform.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations as people write them: {@code 30s}, {@code 500ms}, {@code 5m}, {@code 1h}, {@code 2d}, {@code PT30S}, or bare seconds. */
public final class Durations {
  private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");

  private Durations() {}

  public static Duration parse(String raw) {
    String text = raw.trim().toLowerCase(Locale.ROOT);
    Matcher m = SIMPLE.matcher(text);
    if (m.matches()) {
      long n;
      try {
        n = Long.parseLong(m.group(1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("duration is too large: '" + raw + "'");
      }
      String unit = m.group(2) == null ? "s" : m.group(2);
      return switch (unit) {
        case "ms" -> Duration.ofMillis(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        case "d" -> Duration.ofDays(n);
        default -> Duration.ofSeconds(n);
      };
    }
    if (text.startsWith("pt") || text.startsWith("p")) {
      try {
        Duration d = Duration.parse(raw.trim());
        if (d.isNegative()) throw new IllegalArgumentException("duration must not be negative: '" + raw + "'");
        return d;
      } catch (DateTimeParseException ignored) {
        // fall through to the common message
      }
    }
    throw new IllegalArgumentException("must be a duration such as 30s, 500ms, 5m or 1h, got '" + raw + "'");
  }
}
