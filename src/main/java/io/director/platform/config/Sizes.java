package io.director.platform.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses byte sizes: {@code 1048576}, {@code 512KiB}, {@code 1MiB}, {@code 1MB}, {@code 2GiB}. */
public final class Sizes {
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kb|kib|k|mb|mib|m|gb|gib|g)?");

  private Sizes() {}

  public static long parse(String raw) {
    Matcher m = SIZE.matcher(raw.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("must be a size such as 1MiB, 512KiB or a number of bytes, got '" + raw + "'");
    }
    long n;
    try {
      n = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("size is too large: '" + raw + "'");
    }
    long unit =
        switch (m.group(2) == null ? "b" : m.group(2)) {
          case "kb" -> 1000L;
          case "k", "kib" -> 1024L;
          case "mb" -> 1000L * 1000;
          case "m", "mib" -> 1024L * 1024;
          case "gb" -> 1000L * 1000 * 1000;
          case "g", "gib" -> 1024L * 1024 * 1024;
          default -> 1L;
        };
    return Math.multiplyExact(n, unit);
  }
}
