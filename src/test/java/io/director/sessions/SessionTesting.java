package io.director.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import io.director.testing.Api;
import io.director.testing.DirectorProcess;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import tools.jackson.databind.JsonNode;

/** Creating sessions, waiting for them and reading their transcripts, for the session tests. */
final class SessionTesting {
  private final Api api;
  private final String bearer;

  SessionTesting(Api api, String bearer) {
    this.api = api;
    this.bearer = bearer;
  }

  String create(Map<String, Object> body) throws IOException {
    return api.json(api.call("POST", "/api/sessions", bearer, body), 201).get("id").asString();
  }

  HttpResponse<String> post(Object body) throws IOException {
    return api.call("POST", "/api/sessions", bearer, body);
  }

  JsonNode get(String id) throws IOException {
    return api.json(api.call("GET", "/api/sessions/" + id, bearer, null), 200);
  }

  JsonNode awaitStatus(String id, String status) {
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
        .until(() -> get(id).get("status").asString().equals(status));
    return uncheckedGet(id);
  }

  /** Waits for the session to end and answers it. */
  JsonNode awaitEnd(String id) {
    Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
        .until(() -> !List.of("pending", "starting", "running").contains(get(id).get("status").asString()));
    return uncheckedGet(id);
  }

  private JsonNode uncheckedGet(String id) {
    try {
      return get(id);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** The stored transcript as (kind, data) entries, read through the event stream without following. */
  List<Event> events(String id, Long lastEventId) throws IOException {
    var b = java.net.http.HttpRequest.newBuilder(api.director().uri("/api/sessions/" + id + "/events?follow=false"))
        .header("Authorization", bearer).header("Accept", "text/event-stream");
    if (lastEventId != null) b.header("Last-Event-ID", lastEventId.toString());
    HttpResponse<String> r = api.director().send(b);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
    return parse(r.body());
  }

  static List<Event> parse(String body) {
    List<Event> out = new ArrayList<>();
    long eventId = 0;
    String kind = null;
    for (String line : body.split("\n", -1)) {
      if (line.startsWith("id: ")) eventId = Long.parseLong(line.substring(4));
      else if (line.startsWith("event: ")) kind = line.substring(7);
      else if (line.startsWith("data: ") && kind != null) {
        out.add(new Event(eventId, kind, Api.JSON.readTree(line.substring(6))));
        kind = null;
      }
    }
    return out;
  }

  /** The session's stdout, one line each. */
  List<String> stdout(String id) throws IOException {
    return events(id, null).stream().filter(e -> e.kind().equals("stdout")).map(e -> e.data().get("text").asString()).toList();
  }

  List<String> stderr(String id) throws IOException {
    return events(id, null).stream().filter(e -> e.kind().equals("stderr")).map(e -> e.data().get("text").asString()).toList();
  }

  record Event(long id, String kind, JsonNode data) {}
}
