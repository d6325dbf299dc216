package io.director.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.director.testing.Api;
import io.director.testing.DirectorProcess;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** A 2024-11-05 client on the legacy HTTP+SSE transport, against a playbook whose upstream is the everything server. */
class LegacySseIT {
  static DirectorProcess director;
  static Api api;
  static String bearer;
  static String playbook;

  @BeforeAll
  static void start() throws Exception {
    director = DirectorProcess.serve(Files.createTempDirectory("director-sse"), Map.of("PASSWORD_HASH_COST", "4", "SHUTDOWN_TIMEOUT", "20s"));
    api = new Api(director);
    bearer = api.registerTenant("sse", "sse-admin").bearer();
    playbook = api.json(api.call("POST", "/api/playbooks", bearer, Map.of("name", "legacy",
        "servers", List.of(Map.of("name", "everything", "transport", "stdio", "command", "node",
            "args", List.of(McpGatewayIT.EVERYTHING.toString(), "stdio"))))), 201).get("id").asString();
  }

  @AfterAll
  static void stop() {
    if (director != null) director.close();
  }

  /** Server-sent events as (name, data) pairs. */
  record Event(String name, String data) {}

  @Test
  void aLegacyClientInitialisesListsAndCallsToolsOverTheEventStream() throws Exception {
    BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    HttpClient http = HttpClient.newHttpClient();
    var stream = http.sendAsync(HttpRequest.newBuilder(director.uri("/playbooks/" + playbook + "/sse"))
        .header("Authorization", bearer).header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofLines());
    HttpResponse<java.util.stream.Stream<String>> response = stream.get(30, TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
    Thread.ofVirtual().start(() -> {
      String name = "message";
      StringBuilder data = new StringBuilder();
      for (var it = response.body().iterator(); it.hasNext(); ) {
        String line = it.next();
        if (line.startsWith("event:")) name = line.substring(6).trim();
        else if (line.startsWith("data:")) data.append(line.substring(5).trim());
        else if (line.isEmpty() && !data.isEmpty()) {
          events.add(new Event(name, data.toString()));
          name = "message";
          data.setLength(0);
        }
      }
    });
    Event endpoint = events.poll(10, TimeUnit.SECONDS);
    assertThat(endpoint).isNotNull();
    assertThat(endpoint.name()).isEqualTo("endpoint");
    assertThat(endpoint.data()).startsWith("/playbooks/" + playbook + "/messages?sessionId=");

    JsonNode init = exchange(events, endpoint.data(),
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2024-11-05\",\"capabilities\":{},\"clientInfo\":{\"name\":\"old\",\"version\":\"1\"}}}");
    assertThat(init.get("result").get("protocolVersion").asString()).isEqualTo("2024-11-05");
    assertThat(post(endpoint.data(), "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}").statusCode()).isEqualTo(202);
    JsonNode tools = exchange(events, endpoint.data(), "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
    assertThat(McpGatewayIT.names(tools.get("result").get("tools"))).contains("everything__echo");
    JsonNode echo = exchange(events, endpoint.data(),
        "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"everything__echo\",\"arguments\":{\"message\":\"legacy\"}}}");
    assertThat(echo.get("result").get("content").get(0).get("text").asString()).isEqualTo("Echo: legacy");
    JsonNode unknown = exchange(events, endpoint.data(), "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"nope\"}");
    assertThat(unknown.get("error").get("code").asInt()).isEqualTo(-32601);

    assertThat(post("/playbooks/" + playbook + "/messages?sessionId=forged", "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"ping\"}").statusCode())
        .isEqualTo(404);
    Api.Login stranger = api.registerTenant("sse-other", "sse-other-admin");
    assertThat(director.send(HttpRequest.newBuilder(director.uri(endpoint.data())).header("Content-Type", "application/json")
        .header("Authorization", stranger.bearer()).POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"ping\"}")))
        .statusCode()).as("a stream belongs to whoever opened it").isEqualTo(404);

    // shutting down closes open streams instead of waiting SHUTDOWN_TIMEOUT for them
    long started = System.nanoTime();
    assertThat(director.terminate(Duration.ofSeconds(30))).isZero();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
    director = null;
  }

  static HttpResponse<String> post(String path, String body) throws Exception {
    return director.send(HttpRequest.newBuilder(director.uri(path)).header("Content-Type", "application/json").header("Authorization", bearer)
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  static JsonNode exchange(BlockingQueue<Event> events, String path, String body) throws Exception {
    assertThat(post(path, body).statusCode()).isEqualTo(202);
    Event e = events.poll(30, TimeUnit.SECONDS);
    assertThat(e).as("an answer on the stream").isNotNull();
    assertThat(e.name()).isEqualTo("message");
    return Api.JSON.readTree(e.data());
  }
}
