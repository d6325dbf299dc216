package io.director.platform.config;

import static java.util.Objects.requireNonNull;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A PostgreSQL location as users paste it ({@code postgres://user:pass@host:5432/db?sslmode=require},
 * {@code postgresql://…} or {@code jdbc:postgresql://…}), split into a JDBC URL without credentials
 * plus the user and password, so that the password never travels inside a URL that may be logged.
 */
public record DatabaseUrl(String jdbcUrl, Optional<String> user, Optional<String> password) {

  public DatabaseUrl {
    requireNonNull(jdbcUrl, "jdbcUrl");
    requireNonNull(user, "user");
    requireNonNull(password, "password");
  }

  public static DatabaseUrl parse(String raw) {
    String text = raw.trim();
    String rest;
    if (text.startsWith("jdbc:postgresql://")) {
      rest = text.substring("jdbc:postgresql://".length());
    } else if (text.startsWith("postgresql://")) {
      rest = text.substring("postgresql://".length());
    } else if (text.startsWith("postgres://")) {
      rest = text.substring("postgres://".length());
    } else {
      throw new IllegalArgumentException(
          "must start with postgres://, postgresql:// or jdbc:postgresql://");
    }
    String query = null;
    int q = rest.indexOf('?');
    if (q >= 0) {
      query = rest.substring(q + 1);
      rest = rest.substring(0, q);
    }
    int slash = rest.indexOf('/');
    String authority = slash >= 0 ? rest.substring(0, slash) : rest;
    String database = slash >= 0 ? rest.substring(slash + 1) : "";
    Optional<String> user = Optional.empty();
    Optional<String> password = Optional.empty();
    int at = authority.lastIndexOf('@');
    if (at >= 0) {
      String userInfo = authority.substring(0, at);
      authority = authority.substring(at + 1);
      int colon = userInfo.indexOf(':');
      String u = colon >= 0 ? userInfo.substring(0, colon) : userInfo;
      if (!u.isEmpty()) user = Optional.of(decode(u));
      if (colon >= 0) password = Optional.of(decode(userInfo.substring(colon + 1)));
    }
    if (authority.isEmpty()) throw new IllegalArgumentException("has no host");
    for (String host : authority.split(",")) checkHost(host);
    if (database.contains("/")) throw new IllegalArgumentException("has an invalid database name '" + database + "'");

    List<String> params = new ArrayList<>();
    if (query != null && !query.isEmpty()) {
      for (String pair : query.split("&")) {
        if (pair.isEmpty()) continue;
        int eq = pair.indexOf('=');
        String key = decode(eq >= 0 ? pair.substring(0, eq) : pair);
        String value = eq >= 0 ? decode(pair.substring(eq + 1)) : "";
        switch (key) {
          case "user" -> user = Optional.of(value);
          case "password" -> password = Optional.of(value);
          default -> params.add(pair);
        }
      }
    }
    String jdbc = "jdbc:postgresql://" + authority + "/" + database;
    if (!params.isEmpty()) jdbc += "?" + String.join("&", params);
    return new DatabaseUrl(jdbc, user, password);
  }

  /** The URL with the password replaced, for display. */
  public String masked() {
    StringBuilder sb = new StringBuilder("postgresql://");
    user.ifPresent(u -> sb.append(u).append(password.isPresent() ? ":****@" : "@"));
    if (user.isEmpty() && password.isPresent()) sb.append(":****@");
    sb.append(jdbcUrl.substring("jdbc:postgresql://".length()));
    return sb.toString();
  }

  private static void checkHost(String hostPort) {
    String host = hostPort;
    String port = null;
    if (hostPort.startsWith("[")) {
      int end = hostPort.indexOf(']');
      if (end < 0) throw new IllegalArgumentException("has an unterminated IPv6 address");
      host = hostPort.substring(1, end);
      if (hostPort.length() > end + 1) {
        if (hostPort.charAt(end + 1) != ':') throw new IllegalArgumentException("has an invalid host '" + hostPort + "'");
        port = hostPort.substring(end + 2);
      }
    } else if (hostPort.contains(":")) {
      host = hostPort.substring(0, hostPort.indexOf(':'));
      port = hostPort.substring(hostPort.indexOf(':') + 1);
    }
    if (host.isBlank() || !host.matches("[A-Za-z0-9._:%-]+")) {
      throw new IllegalArgumentException("has an invalid host '" + hostPort + "'");
    }
    if (port != null) {
      try {
        int p = Integer.parseInt(port);
        if (p < 1 || p > 65535) throw new NumberFormatException();
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("has an invalid port '" + port + "'");
      }
    }
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("has invalid percent-encoding");
    }
  }
}
