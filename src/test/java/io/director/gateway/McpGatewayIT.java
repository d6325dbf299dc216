package io.director.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.director.testing.Api;
import io.director.testing.DirectorProcess;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * The MCP endpoint of a playbook against a real upstream nobody here wrote: the reference
 * "everything" server from the npm registry, run over stdio by Director.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class McpGatewayIT {
  static final Path EVERYTHING = Path.of("test-peers/node_modules/@modelcontextprotocol/server-everything/dist/index.js").toAbsolutePath();
  static DirectorProcess director;
  static Api api;
  static Api.Login owner;
  static String playbook;
  static String bearer;

  @BeforeAll
  static void start() throws Exception {
    assertThat(EVERYTHING).as("test peers are installed by the build (npm ci in test-peers)").exists();
    director = DirectorProcess.serve(Files.createTempDirectory("director-mcp"), Map.of(
        "PASSWORD_HASH_COST", "4", "AUTH_RATE_LIMIT_MAX_ATTEMPTS", "1000", "MCP_REQUEST_TIMEOUT", "20s", "MCP_LIST_DEADLINE", "10s"));
    api = new Api(director);
    owner = api.registerTenant("mcp", "mcp-admin");
    bearer = owner.bearer();
    playbook = api.json(api.call("POST", "/api/playbooks", bearer, Map.of("name", "everything", "memory", false,
        "description", "The reference server behind Director",
        "servers", List.of(everything("everything", Map.of())),
        "prompts", List.of(Map.of("name", "greet", "description", "Say hello", "template", "Hello {{name}}!",
            "arguments", List.of(Map.of("name", "name", "required", true)))))), 201).get("id").asString();
  }

  static Map<String, Object> everything(String name, Map<String, Object> tools) {
    return Map.of("name", name, "transport", "stdio", "command", "node", "args", List.of(EVERYTHING.toString(), "stdio"), "tools", tools);
  }

  @AfterAll
  static void stop() {
    if (director != null) {
      List<ProcessHandle> children = ProcessHandle.of(director.pid()).map(p -> p.descendants().toList()).orElse(List.of());
      assertThat(director.terminate(Duration.ofSeconds(60))).isZero();
      await().atMost(Duration.ofSeconds(10)).until(() -> children.stream().noneMatch(ProcessHandle::isAlive));
    }
  }

  static List<String> names(JsonNode tools) {
    List<String> names = new ArrayList<>();
    tools.forEach(t -> names.add(t.get("name").asString()));
    return names;
  }

  static List<ProcessHandle> upstreamProcesses() {
    return ProcessHandle.of(director.pid()).orElseThrow().descendants()
        .filter(p -> p.info().commandLine().map(c -> c.contains("server-everything")).orElse(false)).toList();
  }

  @Test
  @Order(1)
  void initializeNegotiatesTheProtocolAndOpensASession() throws Exception {
    McpClient client = new McpClient(director, playbook, bearer);
    JsonNode result = client.initialize("2025-06-18");
    assertThat(result.get("protocolVersion").asString()).isEqualTo("2025-06-18");
    assertThat(result.get("capabilities").has("tools")).isTrue();
    assertThat(result.get("serverInfo").get("name").asString()).isEqualTo("director/everything");
    assertThat(result.get("instructions").asString()).isEqualTo("The reference server behind Director");
    assertThat(client.sessionId).hasSizeGreaterThan(20);
    McpClient future = new McpClient(director, playbook, bearer);
    assertThat(future.initialize("2099-01-01").get("protocolVersion").asString()).isEqualTo("2025-11-25");
  }

  @Test
  @Order(2)
  void toolsOfTheUpstreamAreListedNamespacedAndCallsPassThrough() throws Exception {
    McpClient client = new McpClient(director, playbook, bearer);
    client.initialize("2025-11-25");
    JsonNode tools = client.request("tools/list", null).get("result").get("tools");
    List<String> names = names(tools);
    assertThat(names).contains("everything__echo", "everything__get-sum").allMatch(n -> n.startsWith("everything__"));
    JsonNode echo = java.util.stream.StreamSupport.stream(tools.spliterator(), false).filter(t -> t.get("name").asString().equals("everything__echo")).findFirst().orElseThrow();
    assertThat(echo.get("inputSchema").get("properties").has("message")).isTrue();
    assertThat(echo.has("annotations")).as("fields Director does not model are kept").isTrue();

    JsonNode result = client.callTool("everything__echo", "{\"message\":\"through Director\"}").get("result");
    assertThat(result.get("content").get(0).get("text").asString()).isEqualTo("Echo: through Director");
    JsonNode sum = client.callTool("everything__get-sum", "{\"a\":2,\"b\":40}").get("result");
    assertThat(sum.get("content").get(0).get("text").asString()).contains("42");
    JsonNode unknown = client.callTool("everything__nope", "{}");
    assertThat(unknown.get("error").get("code").asInt()).isEqualTo(-32602);
  }

  @Test
  @Order(3)
  void toolFiltersRenamesAndDescriptionsApplyWithoutRestartingTheUpstream() throws Exception {
    List<Long> before = upstreamProcesses().stream().map(ProcessHandle::pid).toList();
    api.json(api.call("PUT", "/api/playbooks/" + playbook + "/servers/everything", bearer, everything("everything",
        Map.of("include", List.of("echo", "get-*"), "exclude", List.of("get-env"),
            "overrides", Map.of("echo", Map.of("name", "say", "description", "Repeat a message"))))), 200);
    McpClient client = new McpClient(director, playbook, bearer);
    client.initialize("2025-06-18");
    JsonNode tools = client.request("tools/list", null).get("result").get("tools");
    List<String> names = names(tools);
    assertThat(names).contains("everything__say", "everything__get-sum").doesNotContain("everything__echo", "everything__get-env");
    assertThat(names).allMatch(n -> n.equals("everything__say") || n.startsWith("everything__get-"));
    JsonNode say = java.util.stream.StreamSupport.stream(tools.spliterator(), false).filter(t -> t.get("name").asString().equals("everything__say")).findFirst().orElseThrow();
    assertThat(say.get("description").asString()).isEqualTo("Repeat a message");
    assertThat(client.callTool("everything__say", "{\"message\":\"renamed\"}").get("result").get("content").get(0).get("text").asString())
        .isEqualTo("Echo: renamed");
    assertThat(upstreamProcesses().stream().map(ProcessHandle::pid).toList()).isEqualTo(before);
  }

  @Test
  @Order(4)
  void manySessionsShareOneUpstreamProcess() throws Exception {
    List<McpClient> clients = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      McpClient c = new McpClient(director, playbook, bearer);
      c.initialize("2025-06-18");
      clients.add(c);
    }
    List<Future<JsonNode>> calls = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
      for (int i = 0; i < clients.size(); i++) {
        McpClient c = clients.get(i);
        String message = "client-" + i;
        calls.add(pool.submit(() -> c.callTool("everything__say", "{\"message\":\"" + message + "\"}")));
      }
      for (int i = 0; i < calls.size(); i++) {
        assertThat(calls.get(i).get().get("result").get("content").get(0).get("text").asString()).isEqualTo("Echo: client-" + i);
      }
    }
    assertThat(upstreamProcesses().stream().filter(p -> p.parent().map(pp -> pp.pid() == director.pid()).orElse(false))).hasSize(1);
  }

  @Test
  @Order(5)
  void promptsOfThePlaybookAreServed() throws Exception {
    McpClient client = new McpClient(director, playbook, bearer);
    client.initialize("2025-06-18");
    JsonNode prompts = client.request("prompts/list", null).get("result").get("prompts");
    assertThat(prompts.get(0).get("name").asString()).isEqualTo("greet");
    JsonNode got = client.request("prompts/get", "{\"name\":\"greet\",\"arguments\":{\"name\":\"Ada\"}}").get("result");
    assertThat(got.get("messages").get(0).get("content").get("text").asString()).isEqualTo("Hello Ada!");
    assertThat(client.request("prompts/get", "{\"name\":\"greet\"}").get("error").get("code").asInt()).isEqualTo(-32602);
    assertThat(client.request("ping", null).get("result").isObject()).isTrue();
    assertThat(client.request("no/such/method", null).get("error").get("code").asInt()).isEqualTo(-32601);
  }

  @Test
  @Order(5)
  void upstreamPromptsResourcesTemplatesAndCompletionsAreAggregatedAndRouted() throws Exception {
    McpClient client = new McpClient(director, playbook, bearer);
    JsonNode caps = client.initialize("2025-11-25").get("capabilities");
    assertThat(caps.has("resources")).isTrue();
    assertThat(caps.has("completions")).isTrue();
    List<String> prompts = names(client.request("prompts/list", null).get("result").get("prompts"));
    assertThat(prompts).contains("greet", "everything__simple-prompt", "everything__args-prompt");
    JsonNode args = client.request("prompts/get", "{\"name\":\"everything__args-prompt\",\"arguments\":{\"city\":\"Lisbon\"}}");
    assertThat(args.get("result").get("messages").toString()).contains("Lisbon");

    JsonNode resources = client.request("resources/list", null).get("result").get("resources");
    String uri = resources.get(0).get("uri").asString();
    assertThat(uri).startsWith("demo://");
    JsonNode read = client.request("resources/read", "{\"uri\":\"" + uri + "\"}").get("result");
    assertThat(read.get("contents").get(0).get("uri").asString()).isEqualTo(uri);
    JsonNode templates = client.request("resources/templates/list", null).get("result").get("resourceTemplates");
    assertThat(templates.toString()).contains("demo://resource/dynamic/text/{resourceId}");
    JsonNode dynamic = client.request("resources/read", "{\"uri\":\"demo://resource/dynamic/text/7\"}").get("result");
    assertThat(dynamic.get("contents").get(0).get("uri").asString()).isEqualTo("demo://resource/dynamic/text/7");
    assertThat(client.request("resources/read", "{\"uri\":\"nowhere://x\"}").get("error").get("code").asInt()).isEqualTo(-32602);

    JsonNode completion = client.request("completion/complete",
        "{\"ref\":{\"type\":\"ref/prompt\",\"name\":\"everything__completable-prompt\"},\"argument\":{\"name\":\"department\",\"value\":\"E\"}}");
    assertThat(completion.get("result").get("completion").get("values").toString()).contains("Engineering");
    assertThat(client.request("logging/setLevel", "{\"level\":\"warning\"}").get("result").isObject()).isTrue();
  }

  @Test
  @Order(6)
  void malformedMessagesGetJsonRpcErrorsAndTheSessionStaysUsable() throws Exception {
    McpClient client = new McpClient(director, playbook, bearer);
    client.initialize("2025-06-18");
    HttpResponse<String> garbage = client.post("{\"jsonrpc\":\"2.0\",\"id\":");
    assertThat(garbage.statusCode()).isEqualTo(400);
    assertThat(Api.JSON.readTree(garbage.body()).get("error").get("code").asInt()).isEqualTo(-32700);
    HttpResponse<String> invalid = client.post("{\"jsonrpc\":\"1.0\",\"id\":5,\"method\":\"tools/list\"}");
    assertThat(Api.JSON.readTree(invalid.body()).get("error").get("code").asInt()).isEqualTo(-32600);
    HttpResponse<String> badParams = client.post("{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tools/call\",\"params\":[1,2]}");
    assertThat(Api.JSON.readTree(badParams.body()).get("error").get("code").asInt()).isEqualTo(-32602);
    assertThat(client.callTool("everything__say", "{\"message\":\"still here\"}").get("result").toString()).contains("still here");
    assertThat(client.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":1}}").statusCode()).isEqualTo(202);
  }

  @Test
  @Order(6)
  void sessionsAndCredentialsAreChecked() throws Exception {
    McpClient noSession = new McpClient(director, playbook, bearer);
    assertThat(noSession.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}").statusCode()).isEqualTo(400);
    noSession.sessionId = "made-up";
    assertThat(noSession.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}").statusCode()).isEqualTo(404);

    McpClient client = new McpClient(director, playbook, bearer);
    client.initialize("2025-06-18");
    HttpResponse<String> deleted = director.send(HttpRequest.newBuilder(director.uri(client.path)).DELETE()
        .header("Authorization", bearer).header("Mcp-Session-Id", client.sessionId));
    assertThat(deleted.statusCode()).isEqualTo(204);
    assertThat(client.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}").statusCode()).isEqualTo(404);

    HttpResponse<String> anonymous = new McpClient(director, playbook, null).post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.headers().firstValue("WWW-Authenticate")).isPresent();
    String narrowKey = "Bearer " + api.createKey(owner, "no-mcp", List.of("playbooks:read")).get("key").asString();
    assertThat(new McpClient(director, playbook, narrowKey).post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}").statusCode()).isEqualTo(403);
    String mcpKey = "Bearer " + api.createKey(owner, "mcp", List.of("mcp:connect")).get("key").asString();
    McpClient viaKey = new McpClient(director, playbook, mcpKey);
    viaKey.initialize("2025-03-26");
    assertThat(viaKey.callTool("everything__say", "{\"message\":\"key\"}").get("result").toString()).contains("Echo: key");
    McpClient stolen = new McpClient(director, playbook, bearer);
    stolen.sessionId = viaKey.sessionId;
    assertThat(stolen.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}").statusCode()).as("a session belongs to its principal").isEqualTo(404);

    Api.Login stranger = api.registerTenant("mcp-other", "mcp-other-admin");
    assertThat(new McpClient(director, playbook, stranger.bearer()).post("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{}}")
        .statusCode()).isEqualTo(404);
    HttpResponse<String> rebinding = director.send(HttpRequest.newBuilder(director.uri(client.path)).header("Content-Type", "application/json")
        .header("Authorization", bearer).header("Origin", "http://evil.example.test")
        .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{}}")));
    assertThat(rebinding.statusCode()).isEqualTo(403);
  }

  @Test
  @Order(7)
  void toolsCanBeListedAndTriedFromTheApiAndEveryCallIsRecorded() throws Exception {
    JsonNode overview = api.json(api.call("GET", "/api/playbooks/" + playbook + "/tools", bearer, null), 200);
    assertThat(names(overview.get("tools"))).contains("everything__say");
    assertThat(overview.get("tools").get(0).get("server").asString()).isEqualTo("everything");
    assertThat(overview.get("servers").get(0).get("state").asString()).isEqualTo("ready");

    JsonNode tried = api.json(api.call("POST", "/api/playbooks/" + playbook + "/tools/everything__say/call", bearer, Map.of("message", "from the API")), 200);
    assertThat(tried.get("content").get(0).get("text").asString()).isEqualTo("Echo: from the API");
    assertThat(api.call("POST", "/api/playbooks/" + playbook + "/tools/everything__missing/call", bearer, Map.of()).statusCode()).isEqualTo(404);

    api.json(api.call("PATCH", "/api/playbooks/" + playbook, bearer, Map.of("record_arguments", true)), 200);
    api.json(api.call("POST", "/api/playbooks/" + playbook + "/tools/everything__say/call", bearer, Map.of("message", "remember me")), 200);
    await().atMost(Duration.ofSeconds(10)).until(() ->
        api.json(api.call("GET", "/api/playbooks/" + playbook + "/calls", bearer, null), 200).get("calls").toString().contains("remember me"));
    JsonNode calls = api.json(api.call("GET", "/api/playbooks/" + playbook + "/calls?limit=500", bearer, null), 200).get("calls");
    JsonNode latest = calls.get(0);
    assertThat(latest.get("tool").asString()).isEqualTo("everything__say");
    assertThat(latest.get("server").asString()).isEqualTo("everything");
    assertThat(latest.get("outcome").asString()).isEqualTo("ok");
    assertThat(latest.get("principal").asString()).startsWith("user:");
    assertThat(latest.get("bytes_in").asInt()).isPositive();
    assertThat(latest.get("bytes_out").asInt()).isPositive();
    assertThat(latest.get("arguments").get("message").asString()).isEqualTo("remember me");
    assertThat(calls.get(1).get("arguments").isNull()).as("arguments are kept only once the playbook opts in").isTrue();
    api.json(api.call("PATCH", "/api/playbooks/" + playbook, bearer, Map.of("record_arguments", false)), 200);

    String metrics = api.call("GET", "/metrics", bearer, null).body();
    assertThat(metrics).containsPattern("director_tool_calls_total\\{[^}]*outcome=\"ok\"[^}]*tool=\"everything__say\"");
    assertThat(metrics).contains("director_tool_call_duration_seconds_bucket");
    assertThat(metrics).containsPattern("director_upstreams\\{[^}]*state=\"ready\"[^}]*\\} [1-9]");
    assertThat(metrics).contains("director_mcp_sessions_active");
  }

  @Test
  @Order(8)
  void aKilledUpstreamFailsCallsFastAndComesBack() throws Exception {
    McpClient client = new McpClient(director, playbook, bearer);
    client.initialize("2025-06-18");
    assertThat(client.callTool("everything__say", "{\"message\":\"before\"}").has("result")).isTrue();
    List<ProcessHandle> running = upstreamProcesses();
    assertThat(running).isNotEmpty();
    running.forEach(ProcessHandle::destroyForcibly);
    await().atMost(Duration.ofSeconds(10)).until(() -> running.stream().noneMatch(ProcessHandle::isAlive));
    long started = System.nanoTime();
    JsonNode during = client.callTool("everything__say", "{\"message\":\"during\"}");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
    if (during.has("error")) assertThat(during.get("error").get("code").asInt()).isNotZero();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
        .until(() -> client.callTool("everything__say", "{\"message\":\"after\"}").has("result"));
    assertThat(upstreamProcesses()).isNotEmpty().noneMatch(p -> running.stream().anyMatch(r -> r.pid() == p.pid()));
  }

  @Test
  @Order(10)
  void clientsWithAnOpenStreamHearThatTheToolListChanged() throws Exception {
    McpClient client = new McpClient(director, playbook, bearer);
    client.initialize("2025-11-25");
    java.util.concurrent.BlockingQueue<String> events = new java.util.concurrent.LinkedBlockingQueue<>();
    var response = java.net.http.HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(director.uri(client.path))
        .header("Authorization", bearer).header("Mcp-Session-Id", client.sessionId).header("Accept", "text/event-stream").GET().build(),
        HttpResponse.BodyHandlers.ofLines()).get(30, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(200);
    // (2025-11-25 streams start with a priming event: an id and empty data)
    Thread.ofVirtual().start(() -> response.body().filter(l -> l.startsWith("data:")).map(l -> l.substring(5).trim()).filter(d -> !d.isEmpty())
        .forEach(events::add));
    DirectorProcess.sleep(300);
    api.json(api.call("PUT", "/api/playbooks/" + playbook + "/servers/everything", bearer, everything("everything",
        Map.of("include", List.of("echo", "get-sum")))), 200);
    String event = events.poll(10, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(event).isNotNull();
    assertThat(Api.JSON.readTree(event).get("method").asString()).endsWith("/list_changed");
    assertThat(names(client.request("tools/list", null).get("result").get("tools"))).containsExactlyInAnyOrder("everything__echo", "everything__get-sum");
    HttpResponse<String> noStream = director.send(HttpRequest.newBuilder(director.uri(client.path)).header("Authorization", bearer)
        .header("Mcp-Session-Id", "unknown").header("Accept", "text/event-stream").GET());
    assertThat(noStream.statusCode()).isEqualTo(404);
  }

  @Test
  @Order(11)
  void anUpstreamThatPrintsGarbageIsStillServedAndUnknownFieldsSurvive() throws Exception {
    String noisy = api.json(api.call("POST", "/api/playbooks", bearer, Map.of("name", "noisy", "memory", false,
        "servers", List.of(Map.of("name", "noisy", "transport", "stdio", "command", "node",
            "args", List.of(Path.of("test-peers/noisy-server.mjs").toAbsolutePath().toString()))))), 201).get("id").asString();
    McpClient client = new McpClient(director, noisy, bearer);
    client.initialize("2025-06-18");
    JsonNode tools = client.request("tools/list", null).get("result").get("tools");
    assertThat(names(tools)).containsExactly("noisy__add");
    assertThat(tools.get(0).get("x-vendor").get("kept").asBoolean()).isTrue();
    JsonNode sum = client.callTool("noisy__add", "{\"a\":2,\"b\":3}").get("result");
    assertThat(sum.get("content").get(0).get("text").asString()).isEqualTo("5");
    assertThat(sum.get("x-extra").asString()).as("fields Director does not know are forwarded").isEqualTo("passed through");
  }

  @Test
  @Order(12)
  void aClientsCancelReachesTheUpstreamAndEndsTheCall() throws Exception {
    api.json(api.call("PUT", "/api/playbooks/" + playbook + "/servers/everything", bearer, everything("everything", Map.of())), 200);
    McpClient client = new McpClient(director, playbook, bearer);
    client.initialize("2025-06-18");
    long started = System.nanoTime();
    var call = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        return client.post("{\"jsonrpc\":\"2.0\",\"id\":\"slow-1\",\"method\":\"tools/call\",\"params\":{\"name\":"
            + "\"everything__trigger-long-running-operation\",\"arguments\":{\"duration\":30,\"steps\":3}}}");
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    DirectorProcess.sleep(1500);
    assertThat(client.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":\"slow-1\",\"reason\":\"user\"}}")
        .statusCode()).isEqualTo(202);
    HttpResponse<String> answer = call.get(20, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
    assertThat(Api.JSON.readTree(answer.body()).get("error").get("code").asInt()).isEqualTo(-32800);
    await().atMost(Duration.ofSeconds(10)).until(() -> api.json(api.call("GET", "/api/playbooks/" + playbook + "/calls", bearer, null), 200)
        .get("calls").get(0).get("outcome").asString().equals("cancelled"));
  }

  @Test
  @Order(13)
  void aPlaybookWhoseServersOfferTheSameToolNameIsRefusedWhenSaved() throws Exception {
    Map<String, Object> first = new java.util.HashMap<>(everything("first", Map.of("include", List.of("echo"))));
    first.put("prefix", "");
    Map<String, Object> second = new java.util.HashMap<>(everything("second", Map.of("include", List.of("echo", "get-sum"))));
    second.put("prefix", "");
    JsonNode refused = api.json(api.call("POST", "/api/playbooks", bearer, Map.of("name", "clash", "memory", false, "servers", List.of(first, second))), 409);
    assertThat(refused.get("code").asString()).isEqualTo("gateway.tool-collision");
    assertThat(refused.get("detail").asString()).contains("'echo' (first, second)").doesNotContain("get-sum");
    assertThat(api.call("GET", "/api/playbooks", bearer, null).body()).doesNotContain("\"clash\"");

    // without the clash it is saved; adding a server that brings it back is refused and changes nothing
    second.put("tools", Map.of("include", List.of("get-sum")));
    String clash = api.json(api.call("POST", "/api/playbooks", bearer, Map.of("name", "clash", "memory", false, "servers", List.of(first, second))), 201)
        .get("id").asString();
    Map<String, Object> third = new java.util.HashMap<>(everything("third", Map.of("include", List.of("get-sum"))));
    third.put("prefix", "");
    JsonNode again = api.json(api.call("POST", "/api/playbooks/" + clash + "/servers", bearer, third), 409);
    assertThat(again.get("detail").asString()).contains("'get-sum' (second, third)");
    McpClient client = new McpClient(director, clash, bearer);
    client.initialize("2025-06-18");
    assertThat(names(client.request("tools/list", null).get("result").get("tools"))).containsExactlyInAnyOrder("echo", "get-sum");
    JsonNode overview = api.json(api.call("GET", "/api/playbooks/" + clash + "/tools", bearer, null), 200);
    assertThat(overview.get("collisions")).isEmpty();
  }

  @Test
  @Order(9)
  void aHangingUpstreamDoesNotHideTheOthers() throws Exception {
    String hanging = api.json(api.call("POST", "/api/playbooks", bearer, Map.of("name", "with-a-hang", "memory", false,
        "servers", List.of(everything("good", Map.of("include", List.of("echo"))),
            Map.of("name", "stuck", "transport", "stdio", "command", "node", "args", List.of("-e", "setInterval(() => {}, 1000)"))))), 201)
        .get("id").asString();
    McpClient client = new McpClient(director, hanging, bearer);
    client.initialize("2025-06-18");
    long started = System.nanoTime();
    JsonNode tools = client.request("tools/list", null).get("result").get("tools");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
    assertThat(names(tools)).containsExactly("good__echo");
    JsonNode status = api.json(api.call("GET", "/api/playbooks/" + hanging + "/tools", bearer, null), 200);
    assertThat(status.get("servers").get(0).get("state").asString()).isEqualTo("ready");
    assertThat(status.get("servers").get(1).get("state").asString()).isIn("starting", "failed");
  }
}
