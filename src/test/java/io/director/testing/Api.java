package io.director.testing;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Talks to a test server as a client would: register, log in, create keys, call with credentials. */
public final class Api {
  public static final JsonMapper JSON = JsonMapper.builder().build();
  public static final String PASSWORD = "correct-horse-battery-staple";

  private final DirectorProcess director;

  public Api(DirectorProcess director) {
    this.director = director;
  }

  public DirectorProcess director() {
    return director;
  }

  /** Tokens of a login. */
  public record Login(String access, String refresh) {
    public String bearer() {
      return "Bearer " + access;
    }
  }

  public HttpResponse<String> call(String method, String path, String authorization, Object body) throws IOException {
    HttpRequest.Builder b = HttpRequest.newBuilder(director.uri(path));
    if (authorization != null) b.header("Authorization", authorization);
    if (body != null) {
      b.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : JSON.writeValueAsString(body)));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return director.send(b);
  }

  public JsonNode json(HttpResponse<String> response, int expectedStatus) {
    if (response.statusCode() != expectedStatus) {
      throw new AssertionError("expected " + expectedStatus + " but got " + response.statusCode() + ": " + response.body());
    }
    return response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
  }

  /** Registers the first user of a new tenant (a tenant_admin) and logs in. */
  public Login registerTenant(String tenant, String username) throws IOException {
    json(call("POST", "/auth/register", null, Map.of("username", username, "password", PASSWORD, "tenant_id", tenant)), 201);
    return login(username);
  }

  public Login login(String username) throws IOException {
    JsonNode tokens = json(call("POST", "/auth/login", null, Map.of("username", username, "password", PASSWORD)), 200);
    return new Login(tokens.get("access_token").asString(), tokens.get("refresh_token").asString());
  }

  /** Has a tenant admin create a user with {@code role} in its tenant, and logs that user in. */
  public Login addUser(Login admin, String username, String role) throws IOException {
    json(call("POST", "/api/users", admin.bearer(), Map.of("username", username, "password", PASSWORD, "role", role)), 201);
    return login(username);
  }

  public JsonNode createKey(Login owner, String name, List<String> scopes) throws IOException {
    return json(call("POST", "/api/keys", owner.bearer(), Map.of("name", name, "scopes", scopes)), 201);
  }

  public String userId(Login login) throws IOException {
    return json(call("GET", "/auth/me", login.bearer(), null), 200).get("id").asString();
  }

  /** Makes the global admin {@code root-admin} in tenant {@code root} with the CLI, straight in the database, before the server starts. */
  public static void createGlobalAdmin(java.nio.file.Path workDir, Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(DirectorProcess.javaBinary(), "-jar", DirectorProcess.JAR.toString(),
        "admin", "create", "--username", "root-admin", "--tenant", "root", "--role", "admin").directory(workDir.toFile());
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    Process p = pb.start();
    p.getOutputStream().write((PASSWORD + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (p.waitFor() != 0 || !out.contains("created admin root-admin in tenant root")) throw new AssertionError("admin create failed: " + out);
  }
}
