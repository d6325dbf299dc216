package io.director.gateway.web;

import io.director.gateway.Playbook;
import io.director.gateway.Playbooks;
import io.director.gateway.mcp.JsonRpc;
import io.director.gateway.mcp.McpDispatcher;
import io.director.gateway.mcp.McpSessions;
import io.director.identity.Principal;
import io.director.gateway.mcp.Downstream;
import io.director.gateway.mcp.EventStream;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/**
 * {@code /playbooks/{id}/mcp}: the playbook as one MCP server over Streamable HTTP — protocol
 * 2025-03-26 … 2025-11-25 with sessions, and the stateless 2026-07-28 ({@link StatelessMcp}) for
 * requests that claim it. Every failure is a JSON-RPC error; a malformed message does not end the
 * session.
 */
@RestController
class McpController {
  static final String SESSION_HEADER = "Mcp-Session-Id";
  static final String VERSION_HEADER = "MCP-Protocol-Version";

  private final Playbooks playbooks;
  private final McpDispatcher dispatcher;
  private final McpSessions sessions;
  private final McpOrigins origins;
  private final StatelessMcp stateless;

  McpController(Playbooks playbooks, McpDispatcher dispatcher, McpSessions sessions, McpOrigins origins, StatelessMcp stateless) {
    this.stateless = stateless;
    this.playbooks = playbooks;
    this.dispatcher = dispatcher;
    this.sessions = sessions;
    this.origins = origins;
  }

  @PostMapping("/playbooks/{id}/mcp")
  ResponseEntity<?> post(Principal principal, @PathVariable String id, @RequestBody(required = false) String body,
      HttpServletRequest request, HttpServletResponse servletResponse) throws IOException {
    Optional<ResponseEntity<String>> refused = origins.refuse(request, principal);
    if (refused.isPresent()) return refused.get();
    String contentType = request.getContentType();
    if (contentType == null || !MediaType.APPLICATION_JSON.isCompatibleWith(MediaType.parseMediaType(contentType))) {
      return rpc(HttpStatus.UNSUPPORTED_MEDIA_TYPE, JsonRpc.error(null, JsonRpc.INVALID_REQUEST, "Content-Type must be application/json"));
    }
    Optional<Playbook> playbook = playbook(principal, id);
    if (playbook.isEmpty()) return rpc(HttpStatus.NOT_FOUND, JsonRpc.error(null, JsonRpc.INVALID_REQUEST, "No such playbook"));
    JsonNode message;
    try {
      message = JsonRpc.JSON.readTree(body == null ? "" : body);
    } catch (JacksonException e) {
      return rpc(HttpStatus.BAD_REQUEST, JsonRpc.error(null, JsonRpc.PARSE_ERROR, "Parse error: the body is not valid JSON"));
    }
    if (message == null || message.isMissingNode()) {
      return rpc(HttpStatus.BAD_REQUEST, JsonRpc.error(null, JsonRpc.PARSE_ERROR, "Parse error: the body is empty"));
    }
    if (message.isObject() && (StatelessMcp.claims(message) || StatelessMcp.headerOnly(request, message))) {
      return stateless.handle(playbook.get(), principal, message, request, servletResponse);
    }
    String sessionId = request.getHeader(SESSION_HEADER);
    if (message.isObject() && JsonRpc.isRequest(message) && "initialize".equals(message.get("method").asString())) {
      String version = McpDispatcher.negotiate(message.path("params"));
      McpSessions.Session session = sessions.open(playbook.get().id(), principal.id(), version, message.path("params").path("capabilities"));
      return ResponseEntity.ok().header(SESSION_HEADER, session.id()).contentType(MediaType.APPLICATION_JSON)
          .body(JsonRpc.JSON.writeValueAsString(JsonRpc.result(message.get("id"), dispatcher.initializeResult(playbook.get(), version))));
    }
    if (sessionId == null) {
      return rpc(HttpStatus.BAD_REQUEST, JsonRpc.error(idOf(message), JsonRpc.INVALID_REQUEST,
          "Mcp-Session-Id header is required; send initialize first"));
    }
    Optional<McpSessions.Session> session = sessions.find(sessionId, playbook.get().id(), principal.id());
    if (session.isEmpty()) {
      return rpc(HttpStatus.NOT_FOUND, JsonRpc.error(idOf(message), JsonRpc.INVALID_REQUEST, "Unknown or expired session; initialize again"));
    }
    String version = request.getHeader(VERSION_HEADER);
    if (version != null && !McpDispatcher.PROTOCOL_VERSIONS.contains(version)) {
      return rpc(HttpStatus.BAD_REQUEST, JsonRpc.error(idOf(message), JsonRpc.INVALID_REQUEST,
          "Unsupported MCP-Protocol-Version " + version + "; supported: " + McpDispatcher.PROTOCOL_VERSIONS));
    }
    if (message.isArray()) {
      ArrayNode responses = JsonRpc.NODES.arrayNode();
      for (JsonNode m : message) {
        JsonNode r = answer(playbook.get(), principal, session.get(), m, session.get().downstream());
        if (r != null) responses.add(r);
      }
      if (message.isEmpty()) return rpc(HttpStatus.BAD_REQUEST, JsonRpc.error(null, JsonRpc.INVALID_REQUEST, "Empty batch"));
      return responses.isEmpty() ? ResponseEntity.accepted().build() : rpc(HttpStatus.OK, responses);
    }
    String accept = request.getHeader("Accept");
    if (JsonRpc.isRequest(message) && McpDispatcher.forwarded(message.path("method").asString(""))
        && accept != null && accept.contains("text/event-stream") && session.get().mayHear(message)) {
      return streamed(playbook.get(), principal, session.get(), message, servletResponse);
    }
    JsonNode response = answer(playbook.get(), principal, session.get(), message, session.get().downstream());
    if (response == null) return ResponseEntity.accepted().build();
    boolean invalid = response.has("error") && response.get("error").path("code").asInt() == JsonRpc.INVALID_REQUEST;
    return rpc(invalid ? HttpStatus.BAD_REQUEST : HttpStatus.OK, response);
  }

  /** One item on the way to a client whose request is answered as an event stream. */
  private record Outgoing(JsonNode message, boolean last) {}

  /**
   * Answers a request that an upstream may talk back on: as plain JSON when nothing but the answer
   * comes, otherwise as an event stream that carries the upstream's progress, log messages and
   * requests (sampling, elicitation, roots) to this client ahead of the answer. Everything is
   * written on this thread; the call itself runs on a virtual thread and hands over what to write.
   */
  private ResponseEntity<String> streamed(Playbook playbook, Principal principal, McpSessions.Session session, JsonNode message,
      HttpServletResponse response) throws IOException {
    BlockingQueue<Outgoing> out = new LinkedBlockingQueue<>();
    AtomicBoolean open = new AtomicBoolean(true);
    var client = session.over(m -> open.get() && out.offer(new Outgoing(m, false)));
    Thread.ofVirtual().name("mcp-call").start(() -> {
      JsonNode answer;
      try {
        answer = answer(playbook, principal, session, message, client);
      } catch (RuntimeException e) {
        answer = JsonRpc.error(idOf(message), JsonRpc.INTERNAL_ERROR, "Internal error");
      }
      open.set(false);
      out.add(new Outgoing(answer, true));
    });
    long waitMs = dispatcher.requestTimeout().toMillis() * 2 + 10_000;
    Outgoing next = poll(out, waitMs);
    if (next == null) return rpc(HttpStatus.OK, JsonRpc.error(idOf(message), JsonRpc.UPSTREAM_UNAVAILABLE, "No answer in time"));
    if (next.last()) return rpc(HttpStatus.OK, next.message());
    var writer = startEventStream(response);
    // every event has an id and is kept: a client that loses this stream resumes it with a GET and Last-Event-ID
    EventStream events = session.openPost();
    EventStream.Sink sink = (eventId, data) -> {
      writer.write("id: " + eventId + "\nevent: message\ndata: " + data + "\n\n");
      writer.flush();
      return !writer.checkError();
    };
    if (session.primes()) {
      writer.write("id: " + events.primingId() + "\nretry: 1000\ndata: \n\n");
      writer.flush();
    }
    events.attach(sink, events.position());
    while (next != null) {
      events.add(next.message()); // on a lost connection the call goes on, and what it says is kept
      if (next.last()) {
        events.finish();
        return null;
      }
      next = poll(out, waitMs);
    }
    events.add(JsonRpc.error(idOf(message), JsonRpc.UPSTREAM_UNAVAILABLE, "No answer in time"));
    events.finish();
    return null;
  }

  private static Outgoing poll(BlockingQueue<Outgoing> out, long waitMs) {
    try {
      return out.poll(waitMs, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** The response to one message, or null for notifications and client responses. */
  private JsonNode answer(Playbook playbook, Principal principal, McpSessions.Session session, JsonNode m, Downstream client) {
    String sessionId = session.id();
    if (JsonRpc.isNotification(m) && "notifications/cancelled".equals(m.get("method").asString(""))) {
      JsonNode requestId = m.path("params").path("requestId");
      if (requestId.isString() || requestId.isIntegralNumber()) dispatcher.cancel(sessionId + ":" + requestId);
      return null;
    }
    if (JsonRpc.isResponse(m)) {
      session.answer(m);
      return null;
    }
    if (JsonRpc.isNotification(m)) return null;
    if (!JsonRpc.isRequest(m) || !"2.0".equals(m.path("jsonrpc").asString("")) || !m.get("method").isString()) {
      return JsonRpc.error(idOf(m), JsonRpc.INVALID_REQUEST, "Invalid Request: expected a JSON-RPC 2.0 request, notification or response");
    }
    JsonNode id = m.get("id");
    if (!id.isString() && !id.isIntegralNumber()) return JsonRpc.error(null, JsonRpc.INVALID_REQUEST, "Invalid Request: id must be a string or integer");
    JsonNode params = m.has("params") ? m.get("params") : JsonRpc.NODES.objectNode();
    if (!params.isObject()) return JsonRpc.error(id, JsonRpc.INVALID_PARAMS, "params must be an object");
    McpDispatcher.Caller caller = new McpDispatcher.Caller(principal, Optional.of(sessionId + ":" + id), client);
    String method = m.get("method").asString();
    try {
      if (method.equals("resources/unsubscribe")) {
        // the upstream connection is shared: it stays subscribed while another session here still is
        session.unsubscribed(params.path("uri").asString(""));
        if (sessions.subscribed(playbook.id(), params.path("uri").asString(""))) return JsonRpc.result(id, JsonRpc.NODES.objectNode());
      }
      if (method.equals("logging/setLevel")) session.wantsLogs();
      JsonNode result = dispatcher.handle(playbook, caller, method, params);
      if (method.equals("resources/subscribe")) session.subscribed(params.path("uri").asString(""));
      return JsonRpc.result(id, result);
    } catch (JsonRpc.Failure f) {
      return JsonRpc.error(id, f.code(), f.getMessage());
    }
  }

  /**
   * The session's stream of server-to-client messages (list changes, log messages, requests). With
   * {@code Last-Event-ID} it resumes where the client was: the rest of a POST's answer stream, or
   * what the GET stream carried since.
   */
  @GetMapping("/playbooks/{id}/mcp")
  ResponseEntity<?> get(Principal principal, @PathVariable String id, HttpServletRequest request) {
    Optional<ResponseEntity<String>> refused = origins.refuse(request, principal);
    if (refused.isPresent()) return refused.get();
    String accept = request.getHeader("Accept");
    if (accept == null || !accept.contains("text/event-stream")) {
      return ResponseEntity.status(HttpStatus.NOT_ACCEPTABLE).contentType(MediaType.APPLICATION_JSON)
          .body(JsonRpc.JSON.writeValueAsString(JsonRpc.error(null, JsonRpc.INVALID_REQUEST, "GET needs Accept: text/event-stream")));
    }
    Optional<Playbook> playbook = playbook(principal, id);
    Optional<McpSessions.Session> session = playbook.flatMap(p -> sessions.find(request.getHeader(SESSION_HEADER), p.id(), principal.id()));
    if (session.isEmpty()) return rpc(HttpStatus.NOT_FOUND, JsonRpc.error(null, JsonRpc.INVALID_REQUEST, "Unknown or expired session"));
    String lastEventId = request.getHeader("Last-Event-ID");
    Optional<EventStream> post = session.get().post(lastEventId);
    SseEmitter emitter;
    if (post.isPresent()) {
      // the rest of a POST's answer whose connection was lost: what was missed, then what follows
      emitter = new SseEmitter(0L);
      EventStream.Sink sink = McpSessions.Session.sink(emitter);
      emitter.onCompletion(() -> post.get().detach(sink));
      emitter.onError(e -> post.get().detach(sink));
      post.get().onDone(emitter::complete);
      if (post.get().attach(sink, McpSessions.Session.position(lastEventId))) emitter.complete();
    } else {
      emitter = session.get().openStream(Optional.ofNullable(lastEventId));
    }
    return ResponseEntity.ok().header("Cache-Control", "no-store").header("X-Accel-Buffering", "no")
        .contentType(MediaType.TEXT_EVENT_STREAM).body(emitter);
  }

  @DeleteMapping("/playbooks/{id}/mcp")
  ResponseEntity<String> delete(Principal principal, @PathVariable String id, HttpServletRequest request) {
    Optional<ResponseEntity<String>> refused = origins.refuse(request, principal);
    if (refused.isPresent()) return refused.get();
    Optional<Playbook> playbook = playbook(principal, id);
    String sessionId = request.getHeader(SESSION_HEADER);
    if (playbook.isEmpty() || sessionId == null || !sessions.close(sessionId, playbook.get().id(), principal.id())) {
      return rpc(HttpStatus.NOT_FOUND, JsonRpc.error(null, JsonRpc.INVALID_REQUEST, "Unknown session"));
    }
    return ResponseEntity.noContent().build();
  }

  private Optional<Playbook> playbook(Principal principal, String id) {
    try {
      return playbooks.forMcp(principal, UUID.fromString(id));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Turns a POST's answer into an event stream (unbuffered by proxies) and returns its writer. */
  static java.io.PrintWriter startEventStream(HttpServletResponse response) throws IOException {
    response.setStatus(HttpServletResponse.SC_OK);
    response.setContentType(MediaType.TEXT_EVENT_STREAM_VALUE);
    response.setCharacterEncoding("UTF-8");
    response.setHeader("Cache-Control", "no-store");
    response.setHeader("X-Accel-Buffering", "no");
    return response.getWriter();
  }

  /** A message's id when it is a valid one (string or integer), else null. */
  static JsonNode idOf(JsonNode m) {
    JsonNode id = m.isObject() ? m.get("id") : null;
    return id != null && (id.isString() || id.isIntegralNumber()) ? id : null;
  }

  static ResponseEntity<String> rpc(HttpStatus status, JsonNode body) {
    return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(JsonRpc.JSON.writeValueAsString(body));
  }
}
