package io.director.platform.config;

import java.net.URI;
import java.util.Optional;

/** How a setting's raw text is checked; each type explains a bad value in one sentence. */
enum SettingType {
  STRING,
  SECRET,
  PORT,
  COUNT,
  DURATION,
  SIZE,
  BOOL,
  HTTP_URL,
  DATABASE_URL,
  PATH,
  ORIGINS,
  CIDRS,
  CHOICE;

  /** Returns why {@code raw} is not a valid value of this type, or empty when it is. */
  Optional<String> check(String raw, Setting setting) {
    try {
      switch (this) {
        case PORT -> {
          int port = parseInt(raw, "a port number");
          if (port < 1 || port > 65535) {
            return Optional.of("must be a port between 1 and 65535, got " + raw);
          }
        }
        case COUNT -> {
          int count = parseInt(raw, "a whole number");
          if (count < 0) return Optional.of("must not be negative, got " + raw);
        }
        case DURATION -> Durations.parse(raw);
        case SIZE -> Sizes.parse(raw);
        case BOOL -> Booleans.parse(raw);
        case HTTP_URL -> checkHttpUrl(raw);
        case DATABASE_URL -> DatabaseUrl.parse(raw);
        case ORIGINS -> {
          for (String origin : Origins.split(raw)) checkOrigin(origin);
        }
        case CIDRS -> {
          for (String cidr : Origins.split(raw)) Cidr.parse(cidr);
        }
        case CHOICE -> {
          if (!setting.choices().contains(raw.toLowerCase(java.util.Locale.ROOT))) {
            return Optional.of("must be one of " + String.join("|", setting.choices()) + ", got " + raw);
          }
        }
        case SECRET, STRING, PATH -> {}
      }
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.of(e.getMessage());
    }
  }

  private static int parseInt(String raw, String what) {
    try {
      return Integer.parseInt(raw.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("must be " + what + ", got '" + raw + "'");
    }
  }

  static URI checkHttpUrl(String raw) {
    URI uri;
    try {
      uri = new URI(raw.trim());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("must be an http:// or https:// URL with a host, got '" + raw + "'");
    }
    String scheme = uri.getScheme();
    if (scheme == null
        || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
        || uri.getHost() == null) {
      throw new IllegalArgumentException("must be an http:// or https:// URL with a host, got '" + raw + "'");
    }
    return uri;
  }

  private static void checkOrigin(String origin) {
    if (origin.equals("*")) return;
    URI uri = checkHttpUrl(origin);
    if ((uri.getPath() != null && !uri.getPath().isEmpty()) || uri.getQuery() != null) {
      throw new IllegalArgumentException("origin must be scheme://host[:port] without a path, got '" + origin + "'");
    }
  }
}
