package io.director.platform.config;

import java.util.Arrays;
import java.util.List;

/** Splits the comma-separated ALLOWED_ORIGINS list. */
final class Origins {
  private Origins() {}

  static List<String> split(String raw) {
    return Arrays.stream(raw.split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .map(s -> s.endsWith("/") ? s.substring(0, s.length() - 1) : s)
        .toList();
  }
}
