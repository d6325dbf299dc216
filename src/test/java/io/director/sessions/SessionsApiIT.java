package io.director.sessions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.director.testing.Api;
import io.director.testing.DirectorProcess;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Sessions over the REST API and the CLI of the real jar, with bubblewrap sandboxes and a real MCP client inside one. */
class SessionsApiIT {
  static final Path EVERYTHING = Path.of("test-peers/node_modules/@modelcontextprotocol/server-everything/dist/index.js").toAbsolutePath();
  static final Path PEERS = Path.of("test-peers").toAbsolutePath();
  static Path workDir;
  static DirectorProcess director;
  static Api api;
  static Api.Login owner;
  static Api.Login stranger;
  static Api.Login admin;
  static SessionTesting sessions;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(SandboxIT.bubblewrapWorks(), "bubblewrap cannot make a sandbox on this machine");
    workDir = Files.createTempDirectory("director-sessions");
    Map<String, String> env = Map.of("PASSWORD_HASH_COST", "4", "SANDBOX_READONLY_PATHS", PEERS.toString(),
        "AGENT_SESSION_STOP_GRACE", "2s", "MAX_AGENT_SESSIONS_PER_TENANT", "20", "AUTH_RATE_LIMIT_MAX_ATTEMPTS", "1000");
    Api.createGlobalAdmin(workDir, env);
    director = DirectorProcess.serve(workDir, env);
    api = new Api(director);
    owner = api.registerTenant("sessions-one", "sessions-one-admin");
    stranger = api.registerTenant("sessions-two", "sessions-two-admin");
    admin = api.login("root-admin");
    sessions = new SessionTesting(api, owner.bearer());
  }

  @AfterAll
  static void stop() {
    if (director != null) director.close();
  }

  @Test
  void aSessionRunsItsCommandKeepsItsTranscriptAndShowsOnlyEnvNames() throws Exception {
    HttpResponse<String> r = sessions.post(Map.of("name", "greeter", "command", List.of("sh", "-c", "echo \"hi $WHO\"; echo oops >&2; printf 'no newline'; exit 4"),
        "env", Map.of("WHO", "there", "API_TOKEN", "sk-very-secret-value")));
    JsonNode created = api.json(r, 201);
    assertThat(r.headers().firstValue("Location").orElseThrow()).endsWith(created.get("id").asString());
    assertThat(created.get("status").asString()).isIn("pending", "starting", "running");
    String id = created.get("id").asString();
    JsonNode ended = sessions.awaitEnd(id);
    assertThat(ended.get("status").asString()).isEqualTo("failed");
    assertThat(ended.get("reason").asString()).isEqualTo("exit_code");
    assertThat(ended.get("exit_code").asInt()).isEqualTo(4);
    assertThat(ended.get("env").toString()).contains("API_TOKEN", "WHO");
    assertThat(ended.toString()).doesNotContain("sk-very-secret-value");
    assertThat(ended.get("output_bytes").asLong()).isEqualTo("hi there\noops\nno newline".length());
    List<SessionTesting.Event> events = sessions.events(id, null);
    assertThat(events.stream().map(SessionTesting.Event::kind)).containsSubsequence("status", "status", "stdout", "exit");
    assertThat(events.get(events.size() - 1).data().get("exit_code").asInt()).isEqualTo(4);
    assertThat(sessions.stdout(id)).containsExactly("hi there", "no newline");
    assertThat(sessions.stderr(id)).containsExactly("oops");
    assertThat(IntStream.range(0, events.size()).allMatch(i -> events.get(i).id() == i + 1)).as("entries numbered from 1").isTrue();
    // another tenant cannot see it
    assertThat(api.call("GET", "/api/sessions/" + id, stranger.bearer(), null).statusCode()).isEqualTo(404);
    assertThat(api.call("GET", "/api/sessions/" + id + "/events", stranger.bearer(), null).statusCode()).isEqualTo(404);
    JsonNode list = api.json(api.call("GET", "/api/sessions?status=failed", owner.bearer(), null), 200);
    assertThat(list.get("sessions").findValues("id").stream().map(JsonNode::asString)).contains(id);
    assertThat(api.json(api.call("GET", "/api/sessions", stranger.bearer(), null), 200).get("sessions").findValues("id")
        .stream().map(JsonNode::asString)).doesNotContain(id);
  }

  @Test
  void theEventStreamFollowsLiveAndResumesAfterLastEventId() throws Exception {
    String id = sessions.create(Map.of("command", List.of("sh", "-c", "for i in $(seq 1 30); do echo line-$i; sleep 0.02; done")));
    // follow live from the start
    HttpResponse<String> live = director.send(HttpRequest.newBuilder(director.uri("/api/sessions/" + id + "/events"))
        .header("Authorization", owner.bearer()).timeout(Duration.ofSeconds(60)));
    List<SessionTesting.Event> all = SessionTesting.parse(live.body());
    assertThat(all.get(all.size() - 1).kind()).isEqualTo("exit");
    List<String> lines = all.stream().filter(e -> e.kind().equals("stdout")).map(e -> e.data().get("text").asString()).toList();
    assertThat(lines).containsExactlyElementsOf(IntStream.rangeClosed(1, 30).mapToObj(i -> "line-" + i).toList());
    long cut = all.stream().filter(e -> e.kind().equals("stdout") && e.data().get("text").asString().equals("line-10")).findFirst().orElseThrow().id();
    List<SessionTesting.Event> resumed = sessions.events(id, cut);
    assertThat(resumed.get(0).id()).isEqualTo(cut + 1);
    assertThat(resumed.stream().filter(e -> e.kind().equals("stdout")).map(e -> e.data().get("text").asString()).toList())
        .containsExactlyElementsOf(IntStream.rangeClosed(11, 30).mapToObj(i -> "line-" + i).toList());
    assertThat(api.call("GET", "/api/sessions/" + id + "/events", owner.bearer(), null).statusCode()).isEqualTo(200);
    HttpResponse<String> badId = director.send(HttpRequest.newBuilder(director.uri("/api/sessions/" + id + "/events"))
        .header("Authorization", owner.bearer()).header("Last-Event-ID", "not-a-number"));
    assertThat(badId.statusCode()).isEqualTo(400);
  }

  @Test
  void inputReachesStdinAndClosingItEndsTheCommand() throws Exception {
    String id = sessions.create(Map.of("command", List.of("sh", "-c", "while read line; do echo \"got:$line\"; done; echo eof"), "stdin", true));
    sessions.awaitStatus(id, "running");
    assertThat(api.call("POST", "/api/sessions/" + id + "/input", owner.bearer(), "first\nsecond\n").statusCode()).isEqualTo(202);
    HttpResponse<String> close = director.send(HttpRequest.newBuilder(director.uri("/api/sessions/" + id + "/input?close=true"))
        .header("Authorization", owner.bearer()).header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("third\n")));
    assertThat(close.statusCode()).isEqualTo(202);
    assertThat(sessions.awaitEnd(id).get("status").asString()).isEqualTo("completed");
    assertThat(sessions.stdout(id)).containsExactly("got:first", "got:second", "got:third", "eof");
    // input sent at once, before the sandbox exists, is kept for it
    String early = sessions.create(Map.of("command", List.of("sh", "-c", "while read line; do echo \"early:$line\"; done"), "stdin", true));
    HttpResponse<String> first = director.send(HttpRequest.newBuilder(director.uri("/api/sessions/" + early + "/input?close=true"))
        .header("Authorization", owner.bearer()).header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("one\ntwo\n")));
    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(sessions.awaitEnd(early).get("status").asString()).isEqualTo("completed");
    assertThat(sessions.stdout(early)).containsExactly("early:one", "early:two");
    String noStdin = sessions.create(Map.of("command", List.of("sleep", "5")));
    assertThat(api.call("POST", "/api/sessions/" + noStdin + "/input", owner.bearer(), "x").statusCode()).isEqualTo(409);
    api.json(api.call("POST", "/api/sessions/" + noStdin + "/stop", owner.bearer(), null), 202);
  }

  @Test
  void workspaceFilesGoInComeOutAndAreDeletedWithTheSession() throws Exception {
    String id = sessions.create(Map.of("command", List.of("sh", "-c", "cat input/data.txt | tr a-z A-Z > out.txt; mkdir -p deep/er; echo x > deep/er/f; ln -s /etc/passwd link"),
        "workspace", Map.of("files", Map.of("input/data.txt", "hello files"))));
    assertThat(sessions.awaitEnd(id).get("status").asString()).isEqualTo("completed");
    JsonNode files = api.json(api.call("GET", "/api/sessions/" + id + "/files", owner.bearer(), null), 200).get("files");
    assertThat(files.findValues("path").stream().map(JsonNode::asString)).contains("input/data.txt", "out.txt", "deep/er/f", "link");
    HttpResponse<String> out = api.call("GET", "/api/sessions/" + id + "/files/out.txt", owner.bearer(), null);
    assertThat(out.statusCode()).isEqualTo(200);
    assertThat(out.body()).isEqualTo("HELLO FILES");
    assertThat(api.call("GET", "/api/sessions/" + id + "/files/link", owner.bearer(), null).statusCode()).as("links are not followed").isEqualTo(404);
    assertThat(api.call("GET", "/api/sessions/" + id + "/files/..%2F..%2Fsecret", owner.bearer(), null).statusCode()).isIn(400, 404);
    assertThat(api.call("GET", "/api/sessions/" + id + "/files?dir=../..", owner.bearer(), null).statusCode()).isEqualTo(400);
    assertThat(api.call("GET", "/api/sessions/" + id + "/files/out.txt", stranger.bearer(), null).statusCode()).isEqualTo(404);
    Path workspace = workDir.resolve("data/sessions/" + id);
    assertThat(workspace).exists();
    assertThat(api.call("DELETE", "/api/sessions/" + id, owner.bearer(), null).statusCode()).isEqualTo(204);
    assertThat(workspace).doesNotExist();
    assertThat(api.call("GET", "/api/sessions/" + id, owner.bearer(), null).statusCode()).isEqualTo(404);
    String running = sessions.create(Map.of("command", List.of("sleep", "30")));
    sessions.awaitStatus(running, "running");
    assertThat(api.call("DELETE", "/api/sessions/" + running, owner.bearer(), null).statusCode()).isEqualTo(409);
    api.json(api.call("POST", "/api/sessions/" + running + "/stop", owner.bearer(), null), 202);
    assertThat(sessions.awaitEnd(running).get("status").asString()).isEqualTo("stopped");
  }

  @Test
  void aRunningSessionsWorkspaceIsReadWithoutFollowingTheAgentsLinksToTheHost() throws Exception {
    String id = sessions.create(Map.of("command", List.of("sh", "-c",
        "ln -s /etc etc-link; ln -s /etc/passwd pw; mkdir d; echo inside > d/real.txt; sleep 60")));
    sessions.awaitStatus(id, "running");
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
        api.call("GET", "/api/sessions/" + id + "/files", owner.bearer(), null).body().contains("d/real.txt"));
    JsonNode files = api.json(api.call("GET", "/api/sessions/" + id + "/files", owner.bearer(), null), 200).get("files");
    assertThat(files.toString()).contains("\"path\":\"pw\",\"type\":\"symlink\"").contains("\"path\":\"etc-link\",\"type\":\"symlink\"");
    assertThat(api.json(api.call("GET", "/api/sessions/" + id + "/files?dir=d", owner.bearer(), null), 200).get("files").toString())
        .contains("d/real.txt");
    HttpResponse<String> real = api.call("GET", "/api/sessions/" + id + "/files/d/real.txt", owner.bearer(), null);
    assertThat(real.statusCode()).isEqualTo(200);
    assertThat(real.body()).isEqualTo("inside\n");
    assertThat(api.call("GET", "/api/sessions/" + id + "/files/pw", owner.bearer(), null).statusCode()).isEqualTo(404);
    assertThat(api.call("GET", "/api/sessions/" + id + "/files/etc-link/passwd", owner.bearer(), null).statusCode()).isEqualTo(404);
    assertThat(api.call("GET", "/api/sessions/" + id + "/files/etc-link/hostname", owner.bearer(), null).statusCode()).isEqualTo(404);
    assertThat(api.call("GET", "/api/sessions/" + id + "/files/missing", owner.bearer(), null).statusCode()).isEqualTo(404);
    api.json(api.call("POST", "/api/sessions/" + id + "/stop", owner.bearer(), null), 202);
    sessions.awaitEnd(id);
    assertThat(api.call("GET", "/api/sessions/" + id + "/files/etc-link/passwd", owner.bearer(), null).statusCode()).isEqualTo(404);
    assertThat(api.call("GET", "/api/sessions/" + id + "/files/d/real.txt", owner.bearer(), null).body()).isEqualTo("inside\n");
  }

  @Test
  void badInputIsRefusedWith422NamingTheFieldAndStoresNothing() throws Exception {
    int before = api.json(api.call("GET", "/api/sessions?limit=500", owner.bearer(), null), 200).get("sessions").size();
    Map<String, Map<String, Object>> cases = new LinkedHashMap<>();
    cases.put("command", Map.of("command", List.of()));
    cases.put("command ", Map.of("command", List.of("")));
    cases.put("limits.memory_mb", Map.of("command", List.of("true"), "limits", Map.of("memory_mb", -5)));
    cases.put("limits.cpus", Map.of("command", List.of("true"), "limits", Map.of("cpus", 10_000)));
    cases.put("limits.timeout_s", Map.of("command", List.of("true"), "limits", Map.of("timeout_s", 0)));
    cases.put("limits.pids", Map.of("command", List.of("true"), "limits", Map.of("pids", 1.5)));
    cases.put("limits.output_mb", Map.of("command", List.of("true"), "limits", Map.of("output_mb", "lots")));
    cases.put("limits.memory", Map.of("command", List.of("true"), "limits", Map.of("memory", 5)));
    cases.put("driver", Map.of("command", List.of("true"), "driver", "docker"));
    cases.put("network.mode", Map.of("command", List.of("true"), "network", Map.of("mode", "everything")));
    cases.put("network.allow", Map.of("command", List.of("true"), "network", Map.of("mode", "allowlist")));
    cases.put("network", Map.of("command", List.of("true"), "network", "open"));
    cases.put("network.mode  ", Map.of("command", List.of("true"), "network", Map.of("mode", "open"))); // off unless SANDBOX_ALLOW_OPEN_NETWORK
    cases.put("env.DIRECTOR_MCP_TOKEN", Map.of("command", List.of("true"), "env", Map.of("DIRECTOR_MCP_TOKEN", "x")));
    cases.put("env.1BAD", Map.of("command", List.of("true"), "env", Map.of("1BAD", "x")));
    cases.put("workspace.files.../escape", Map.of("command", List.of("true"), "workspace", Map.of("files", Map.of("../escape", "x"))));
    cases.put("playbook_id", Map.of("command", List.of("true"), "playbook_id", "00000000-0000-0000-0000-000000000001"));
    cases.put("stdin", Map.of("command", List.of("true"), "stdin", "yes"));
    cases.put("comand", Map.of("comand", List.of("true")));
    for (var c : cases.entrySet()) {
      HttpResponse<String> r = sessions.post(c.getValue());
      assertThat(r.statusCode()).as(c.getKey() + ": " + r.body()).isEqualTo(422);
      assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
      assertThat(Api.JSON.readTree(r.body()).get("field").asString()).as(r.body()).isEqualTo(c.getKey().strip());
    }
    assertThat(sessions.post("{not json").statusCode()).isEqualTo(400);
    assertThat(api.call("GET", "/api/sessions?status=bogus", owner.bearer(), null).statusCode()).isEqualTo(400);
    assertThat(api.call("GET", "/api/sessions/not-a-uuid", owner.bearer(), null).statusCode()).isEqualTo(400);
    assertThat(api.json(api.call("GET", "/api/sessions?limit=500", owner.bearer(), null), 200).get("sessions").size()).isEqualTo(before);
  }

  @Test
  void tenantQuotaAndDefaultLimitsAreSetByAdminsAndEnforcedWith429() throws Exception {
    Api.Login quoted = api.registerTenant("sessions-quota", "sessions-quota-admin");
    SessionTesting mine = new SessionTesting(api, quoted.bearer());
    assertThat(api.call("PUT", "/api/sessions/settings", quoted.bearer(), Map.of("max_sessions", 100)).statusCode()).as("only admins change quotas").isEqualTo(403);
    JsonNode set = api.json(api.call("PUT", "/api/sessions/settings?tenant=sessions-quota", admin.bearer(), Map.of("max_sessions", 2)), 200);
    assertThat(set.get("effective_max_sessions").asInt()).isEqualTo(2);
    api.json(api.call("PUT", "/api/sessions/settings", quoted.bearer(), Map.of("limits", Map.of("memory_mb", 128, "pids", 99))), 200);
    assertThat(api.call("PUT", "/api/sessions/settings", quoted.bearer(), Map.of("limits", Map.of("memory_mb", -1))).statusCode()).isEqualTo(422);
    String a = mine.create(Map.of("command", List.of("sleep", "30")));
    String b = mine.create(Map.of("command", List.of("sleep", "30")));
    HttpResponse<String> third = mine.post(Map.of("command", List.of("sleep", "30")));
    assertThat(third.statusCode()).isEqualTo(429);
    assertThat(Api.JSON.readTree(third.body()).get("code").asString()).isEqualTo("sessions.tenant-quota");
    assertThat(sessions.post(Map.of("command", List.of("true"))).statusCode()).as("other tenants are not affected").isEqualTo(201);
    JsonNode defaults = mine.get(a).get("limits");
    assertThat(defaults.get("memory_mb").asInt()).isEqualTo(128);
    assertThat(defaults.get("pids").asInt()).isEqualTo(99);
    api.json(api.call("POST", "/api/sessions/" + a + "/stop", quoted.bearer(), null), 202);
    mine.awaitEnd(a);
    String c = mine.create(Map.of("command", List.of("true"), "limits", Map.of("memory_mb", 256)));
    assertThat(mine.get(c).get("limits").get("memory_mb").asInt()).isEqualTo(256);
    api.json(api.call("POST", "/api/sessions/" + b + "/stop", quoted.bearer(), null), 202);
    mine.awaitEnd(b);
    mine.awaitEnd(c);
  }

  @Test
  void anMcpClientInsideANetworkNoneSandboxReachesItsPlaybookToolsThroughDirectorAndNothingElse() throws Exception {
    String playbook = api.json(api.call("POST", "/api/playbooks", owner.bearer(), Map.of("name", "sandbox-tools", "servers",
        List.of(Map.of("name", "everything", "transport", "stdio", "command", "node", "args", List.of(EVERYTHING.toString(), "stdio"))))), 201)
        .get("id").asString();
    String otherPlaybook = api.json(api.call("POST", "/api/playbooks", owner.bearer(), Map.of("name", "not-for-the-session", "servers", List.of())), 201)
        .get("id").asString();
    String id = sessions.create(Map.of("command", List.of("node", PEERS.resolve("sandbox-client.mjs").toString(), "everything__echo",
        "{\"message\":\"hello from inside\"}"), "playbook_id", playbook, "network", Map.of("mode", "none"), "limits", Map.of("timeout_s", 120)));
    JsonNode ended = sessions.awaitEnd(id);
    List<String> out = sessions.stdout(id);
    assertThat(ended.get("status").asString()).as(out + " " + sessions.stderr(id)).isEqualTo("completed");
    JsonNode seen = Api.JSON.readTree(out.get(out.size() - 1));
    assertThat(seen.get("tools").toString()).contains("everything__echo");
    assertThat(seen.get("result").toString()).contains("hello from inside");
    // the session's credential: only its playbook, only while it runs
    String holder = sessions.create(Map.of("command", List.of("sh", "-c", "printf %s \"$DIRECTOR_MCP_TOKEN\" > token; sleep 60"),
        "playbook_id", playbook));
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> api.call("GET", "/api/sessions/" + holder + "/files/token", owner.bearer(), null).statusCode() == 200
        && !api.call("GET", "/api/sessions/" + holder + "/files/token", owner.bearer(), null).body().isEmpty());
    String token = "Bearer " + api.call("GET", "/api/sessions/" + holder + "/files/token", owner.bearer(), null).body();
    assertThat(token).startsWith("Bearer dss_");
    Map<String, Object> init = Map.of("jsonrpc", "2.0", "id", 1, "method", "initialize", "params", Map.of("protocolVersion", "2025-06-18",
        "capabilities", Map.of(), "clientInfo", Map.of("name", "probe", "version", "1")));
    assertThat(mcp(playbook, token, init).statusCode()).isEqualTo(200);
    assertThat(mcp(otherPlaybook, token, init).statusCode()).isEqualTo(404);
    assertThat(api.call("GET", "/api/playbooks", token, null).statusCode()).isEqualTo(403);
    assertThat(api.call("GET", "/api/sessions", token, null).statusCode()).isEqualTo(403);
    api.json(api.call("POST", "/api/sessions/" + holder + "/stop", owner.bearer(), null), 202);
    sessions.awaitEnd(holder);
    assertThat(mcp(playbook, token, init).statusCode()).as("the credential dies with the session").isEqualTo(401);
  }

  private static HttpResponse<String> mcp(String playbook, String authorization, Map<String, Object> message) throws Exception {
    return director.send(HttpRequest.newBuilder(director.uri("/playbooks/" + playbook + "/mcp")).header("Authorization", authorization)
        .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
        .POST(HttpRequest.BodyPublishers.ofString(Api.JSON.writeValueAsString(message))));
  }

  @Test
  void anOutputFloodIsCutAtTheLimitAndMarkedTruncated() throws Exception {
    String id = sessions.create(Map.of("command", List.of("sh", "-c", "yes flood-flood-flood-flood | head -c 20000000; echo done"),
        "limits", Map.of("output_mb", 1)));
    JsonNode ended = sessions.awaitEnd(id);
    assertThat(ended.get("status").asString()).isEqualTo("completed");
    assertThat(ended.get("output_truncated").asBoolean()).isTrue();
    assertThat(ended.get("output_bytes").asLong()).isEqualTo(1024 * 1024);
    List<SessionTesting.Event> events = sessions.events(id, null);
    assertThat(events.stream().filter(e -> e.kind().equals("truncated")).count()).isEqualTo(1);
    long kept = events.stream().filter(e -> e.kind().equals("stdout")).mapToLong(e -> e.data().get("text").asString().length() + 1).sum();
    assertThat(kept).isBetween(1024L * 1024 - 100, 1024L * 1024 + 100);
    assertThat(workDir.resolve("data/sessions/" + id + "/stdout")).as("the output file goes once the session ends").doesNotExist();
  }

  @Test
  void metricsAndTheAuditLogRecordSessions() throws Exception {
    String id = sessions.create(Map.of("command", List.of("sleep", "30")));
    sessions.awaitStatus(id, "running");
    String metrics = api.call("GET", "/metrics", admin.bearer(), null).body();
    assertThat(metrics).containsPattern("director_sessions\\{.*status=\"running\"\\}").contains("director_session_start_seconds_bucket");
    double running = metrics.lines().filter(l -> l.startsWith("director_sessions{") && l.contains("status=\"running\""))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElseThrow();
    assertThat(running).isGreaterThanOrEqualTo(1);
    api.json(api.call("POST", "/api/sessions/" + id + "/stop", owner.bearer(), null), 202);
    sessions.awaitEnd(id);
    String after = api.call("GET", "/metrics", admin.bearer(), null).body();
    assertThat(after).containsPattern("director_session_exits_total\\{.*reason=\"stopped\",status=\"stopped\"\\} [1-9]");
    JsonNode audit = api.json(api.call("GET", "/api/audit?tenant=sessions-one&limit=200", admin.bearer(), null), 200);
    String text = audit.toString();
    assertThat(text).contains("session_created").contains("session_stopped").contains(id);
  }

  @Test
  void theCliRunsASessionStreamsItsOutputAndExitsWithItsCode() throws Exception {
    String key = api.createKey(owner, "cli", List.of("sessions:read", "sessions:write", "playbooks:read")).get("key").asString();
    Path home = Files.createTempDirectory("director-sessions-cli");
    Map<String, String> env = new HashMap<>(Map.of("DIRECTOR_URL", "http://127.0.0.1:" + director.port(), "DIRECTOR_API_KEY", key,
        "XDG_CONFIG_HOME", home.toString()));
    DirectorProcess run = DirectorProcess.run(home, env, "session", "run", "--memory", "256m", "--cpus", "0.5", "--network", "none", "--",
        "sh", "-c", "echo from-the-sandbox; echo warn >&2; exit 7");
    assertThat(run.awaitExit(Duration.ofSeconds(90))).as(run.allOutput()).isEqualTo(7);
    assertThat(run.stdout()).contains("from-the-sandbox");
    assertThat(run.stderr()).contains("warn");
    String id = run.stderr().stream().filter(l -> l.startsWith("session ")).findFirst().orElseThrow().split(" ")[1];
    DirectorProcess status = DirectorProcess.run(home, env, "session", "status", id);
    assertThat(status.awaitExit(Duration.ofSeconds(30))).isZero();
    assertThat(String.join("\n", status.stdout())).contains("failed").contains("exit_code").contains("256");
    DirectorProcess logs = DirectorProcess.run(home, env, "session", "logs", id);
    assertThat(logs.awaitExit(Duration.ofSeconds(30))).isZero();
    assertThat(logs.stdout()).contains("from-the-sandbox");
    DirectorProcess ls = DirectorProcess.run(home, env, "session", "ls");
    assertThat(ls.awaitExit(Duration.ofSeconds(30))).isZero();
    assertThat(String.join("\n", ls.stdout())).contains(id);
    DirectorProcess detached = DirectorProcess.run(home, env, "session", "run", "--detach", "--", "sh", "-c", "echo made > made.txt; sleep 60");
    assertThat(detached.awaitExit(Duration.ofSeconds(30))).isZero();
    String bg = detached.stdout().get(0).trim();
    sessions.awaitStatus(bg, "running");
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
      DirectorProcess files = DirectorProcess.run(home, env, "session", "files", bg);
      files.awaitExit(Duration.ofSeconds(30));
      return String.join("\n", files.stdout()).contains("made.txt");
    });
    DirectorProcess stop = DirectorProcess.run(home, env, "session", "stop", bg);
    assertThat(stop.awaitExit(Duration.ofSeconds(30))).isZero();
    DirectorProcess follow = DirectorProcess.run(home, env, "session", "logs", "-f", bg);
    assertThat(follow.awaitExit(Duration.ofSeconds(60))).as(follow.allOutput()).isEqualTo(143);
    DirectorProcess bad = DirectorProcess.run(home, env, "session", "run", "--memory", "-3m", "--", "true");
    assertThat(bad.awaitExit(Duration.ofSeconds(30))).isNotZero();
    assertThat(bad.allOutput()).contains("memory");
  }
}
