package io.director.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * How CLI commands talk to a running Director: DIRECTOR_URL (or the URL of the stored login), and
 * DIRECTOR_API_KEY or the stored login, whose access token is refreshed when it has expired.
 */
final class ApiClient {
  static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /** The stored login: {@code $XDG_CONFIG_HOME/director/credentials.json}, mode 600. */
  static Path credentialsFile() {
    String xdg = System.getenv("XDG_CONFIG_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
    return base.resolve("director/credentials.json");
  }

  static String baseUrl(String explicit) {
    if (explicit != null && !explicit.isBlank()) return trim(explicit);
    String env = System.getenv("DIRECTOR_URL");
    if (env != null && !env.isBlank()) return trim(env);
    return storedLogin().map(n -> n.path("url").asString()).filter(s -> !s.isBlank()).map(ApiClient::trim)
        .orElse("http://127.0.0.1:" + Optional.ofNullable(System.getenv("PORT")).filter(p -> !p.isBlank()).orElse("3673"));
  }

  private static String trim(String url) {
    return url.replaceAll("/+$", "");
  }

  static Optional<JsonNode> storedLogin() {
    Path file = credentialsFile();
    if (!Files.isRegularFile(file)) return Optional.empty();
    try {
      return Optional.of(JSON.readTree(Files.readString(file)));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  static void storeLogin(String url, JsonNode tokens) throws IOException {
    Map<String, Object> stored = new LinkedHashMap<>();
    stored.put("url", url);
    stored.put("access_token", tokens.path("access_token").asString());
    stored.put("refresh_token", tokens.path("refresh_token").asString());
    stored.put("expires_at", Instant.now().plusSeconds(tokens.path("expires_in").asLong()).toString());
    Path file = credentialsFile();
    Files.createDirectories(file.getParent());
    Path tmp = Files.createTempFile(file.getParent(), ".credentials", ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, JSON.writeValueAsString(stored), StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** The Authorization header value for this CLI invocation, refreshing a stored login when needed. */
  static String authorization(String url) throws IOException {
    String key = System.getenv("DIRECTOR_API_KEY");
    if (key != null && !key.isBlank()) return "Bearer " + key.trim();
    JsonNode login = storedLogin().orElseThrow(() -> new CliException("not logged in: run 'director login' or set DIRECTOR_API_KEY"));
    Instant expires = Instant.parse(login.path("expires_at").asString(Instant.EPOCH.toString()));
    if (Instant.now().isBefore(expires.minusSeconds(30))) return "Bearer " + login.path("access_token").asString();
    HttpResponse<String> refreshed = send(url, "POST", "/auth/token/refresh", null,
        JSON.writeValueAsString(Map.of("refresh_token", login.path("refresh_token").asString())));
    if (refreshed.statusCode() != 200) throw new CliException("your login has expired: run 'director login' again");
    JsonNode tokens = JSON.readTree(refreshed.body());
    storeLogin(login.path("url").asString(url), tokens);
    return "Bearer " + tokens.path("access_token").asString();
  }

  static HttpResponse<String> send(String url, String method, String path, String authorization, String jsonBody) throws IOException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30));
    if (authorization != null) b.header("Authorization", authorization);
    if (jsonBody != null) {
      b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(jsonBody));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    try {
      return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    } catch (IOException e) {
      throw new CliException("cannot reach " + url + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
    }
  }

  /** The body of a successful answer, or a CliException carrying the problem's code and detail. */
  static JsonNode expect(HttpResponse<String> response, int... ok) {
    for (int status : ok) {
      if (response.statusCode() == status) return response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
    }
    String detail;
    try {
      JsonNode problem = JSON.readTree(response.body());
      detail = problem.path("code").asString("error") + ": " + problem.path("detail").asString("");
    } catch (RuntimeException e) {
      detail = "unexpected answer";
    }
    throw new CliException("server answered " + response.statusCode() + " " + detail);
  }

  /** A failure to report in one line. */
  static final class CliException extends RuntimeException {
    CliException(String message) {
      super(message);
    }
  }

  private ApiClient() {}
}
