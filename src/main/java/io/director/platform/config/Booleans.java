package io.director.platform.config;

import java.util.Locale;

/** Parses the boolean spellings people put in environment files. */
public final class Booleans {
  private Booleans() {}

  public static boolean parse(String raw) {
    return switch (raw.trim().toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off", "" -> false;
      default -> throw new IllegalArgumentException("must be true or false, got '" + raw + "'");
    };
  }
}
