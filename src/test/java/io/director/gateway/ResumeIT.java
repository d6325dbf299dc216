package io.director.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.director.testing.Api;
import io.director.testing.DirectorProcess;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Resumable streams (Streamable HTTP, 2025-11-25): a client that loses a POST's event stream in
 * the middle of a call gets the rest — nothing missed, nothing twice — with a GET and Last-Event-ID;
 * the same for what the GET stream carried while the client was away.
 */
class ResumeIT {
  static DirectorProcess director;
  static Api api;
  static Api.Login admin;
  static String playbook;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    director = DirectorProcess.serve(Files.createTempDirectory("director-resume"), Map.of("PASSWORD_HASH_COST", "4"));
    api = new Api(director);
    admin = api.registerTenant("resume", "resume-admin");
    playbook = api.json(api.call("POST", "/api/playbooks", admin.bearer(), Map.of("name", "resume",
        "servers", List.of(Map.of("name", "everything", "transport", "stdio", "command", "node",
            "args", List.of(McpGatewayIT.EVERYTHING.toString(), "stdio"))))), 201).get("id").asString();
  }

  @AfterAll
  static void stop() {
    if (director != null) director.close();
  }

  /** One server-sent event: its id (may be null) and data. */
  record Event(String id, String data) {}

  static Event next(BufferedReader r) throws java.io.IOException {
    String id = null;
    StringBuilder data = new StringBuilder();
    boolean any = false;
    String line;
    while ((line = r.readLine()) != null) {
      if (line.isEmpty()) {
        if (any) return new Event(id, data.toString());
        continue;
      }
      any = true;
      if (line.startsWith("id:")) id = line.substring(3).trim();
      else if (line.startsWith("data:")) data.append(line.substring(5).trim());
    }
    return any ? new Event(id, data.toString()) : null;
  }

  /** The next progress notification (other notifications, such as log messages, are skipped). */
  static Event nextProgress(BufferedReader r) throws java.io.IOException {
    Event e;
    while ((e = next(r)) != null) {
      if (Api.JSON.readTree(e.data()).path("method").asString("").equals("notifications/progress")) return e;
      System.out.println("skipped " + e.data());
    }
    throw new AssertionError("the stream ended before a progress notification");
  }

  HttpRequest.Builder request(McpClient client) {
    return HttpRequest.newBuilder(director.uri("/playbooks/" + playbook + "/mcp")).header("Authorization", admin.bearer())
        .header("Mcp-Session-Id", client.sessionId).header("MCP-Protocol-Version", "2025-11-25").header("Accept", "application/json, text/event-stream");
  }

  @Test
  void aCallsStreamLostMidwayIsResumedWithNothingMissedOrRepeated() throws Exception {
    McpClient client = new McpClient(director, playbook, admin.bearer());
    client.initialize("2025-11-25");
    HttpRequest call = request(client).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
        "{\"jsonrpc\":\"2.0\",\"id\":\"long-1\",\"method\":\"tools/call\",\"params\":{\"name\":\"everything__trigger-long-running-operation\","
            + "\"arguments\":{\"duration\":3,\"steps\":6},\"_meta\":{\"progressToken\":\"tok\"}}}")).build();
    HttpResponse<InputStream> first = HTTP.send(call, HttpResponse.BodyHandlers.ofInputStream());
    assertThat(first.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
    BufferedReader r = new BufferedReader(new InputStreamReader(first.body(), StandardCharsets.UTF_8));
    Event priming = next(r);
    assertThat(priming.id()).isNotBlank();
    assertThat(priming.data()).isEmpty();
    Event progress1 = nextProgress(r);
    Event progress2 = nextProgress(r);
    assertThat(Api.JSON.readTree(progress2.data()).get("params").get("progress").asInt()).isEqualTo(2);
    first.body().close(); // the connection is lost after the second progress notification

    HttpResponse<InputStream> resumed = HTTP.send(request(client).header("Last-Event-ID", progress2.id()).GET().build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(resumed.statusCode()).isEqualTo(200);
    BufferedReader rest = new BufferedReader(new InputStreamReader(resumed.body(), StandardCharsets.UTF_8));
    List<Integer> progress = new ArrayList<>(List.of(Api.JSON.readTree(progress1.data()).get("params").get("progress").asInt(), 2));
    JsonNode answer = null;
    Event e;
    while ((e = next(rest)) != null) {
      JsonNode m = Api.JSON.readTree(e.data());
      if (m.path("method").asString("").equals("notifications/progress")) progress.add(m.get("params").get("progress").asInt());
      else if (!m.has("method")) answer = m;
    }
    assertThat(progress).containsExactly(1, 2, 3, 4, 5, 6);
    assertThat(answer).isNotNull();
    assertThat(answer.get("id").asString()).isEqualTo("long-1");
    assertThat(answer.get("result").get("content").get(0).get("text").asString()).contains("Long running operation completed");
  }

  @Test
  void whatTheGetStreamCarriedWhileTheClientWasAwayComesFirstOnResumption() throws Exception {
    McpClient client = new McpClient(director, playbook, admin.bearer());
    client.initialize("2025-11-25");
    HttpResponse<InputStream> stream = HTTP.send(request(client).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
    BufferedReader r = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
    Event priming = next(r);
    assertThat(priming.id()).isNotBlank();
    stream.body().close();
    DirectorProcess.sleep(300);
    // while no stream is open, the playbook changes: clients are told its lists changed
    api.json(api.call("PATCH", "/api/playbooks/" + playbook, admin.bearer(), Map.of("description", "changed while away")), 200);
    DirectorProcess.sleep(500);
    HttpResponse<InputStream> again = HTTP.send(request(client).header("Last-Event-ID", priming.id()).GET().build(),
        HttpResponse.BodyHandlers.ofInputStream());
    BufferedReader r2 = new BufferedReader(new InputStreamReader(again.body(), StandardCharsets.UTF_8));
    next(r2); // the new stream's own priming event
    List<String> missed = new ArrayList<>();
    for (int i = 0; i < 3; i++) missed.add(Api.JSON.readTree(next(r2).data()).get("method").asString());
    assertThat(missed).containsExactlyInAnyOrder("notifications/tools/list_changed", "notifications/prompts/list_changed",
        "notifications/resources/list_changed");
    again.body().close();
  }
}
