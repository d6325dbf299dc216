package io.director.gateway.web;

import io.director.gateway.Playbook;
import io.director.gateway.mcp.Continuations;
import io.director.gateway.mcp.Downstream;
import io.director.gateway.mcp.JsonRpc;
import io.director.gateway.mcp.McpDispatcher;
import io.director.gateway.mcp.McpSessions;
import io.director.gateway.mcp.StatelessRevision;
import io.director.identity.Principal;
import io.director.platform.Version;
import io.director.shared.Crypto;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The stateless revision of MCP (2026-07-28), on the same path as the older revisions and chosen
 * per request by the version a request claims in {@code params._meta}. There is no initialize and
 * no session: every request carries the client's capabilities, results say their
 * {@code resultType} and how long lists may be cached, and list changes come on
 * {@code subscriptions/listen} streams.
 *
 * <p>Director translates for upstreams of the older revisions: when one asks the client something
 * in the middle of a call (sampling, elicitation, roots), the call is parked, the client gets an
 * {@code input_required} result, and its retry with {@code inputResponses} and the
 * {@code requestState} resumes the same upstream call. A parked call lives on the instance that
 * started it; a retry that reaches another instance is handed over to it through the database
 * ({@link Continuations}), so a client may send every request to any instance.
 */
@Component
class StatelessMcp {
  static final String VERSION = StatelessRevision.VERSION;
  static final int HEADER_MISMATCH = -32020;
  static final int UNSUPPORTED_VERSION = -32022;
  private static final Set<String> LISTS = Set.of("tools/list", "prompts/list", "resources/list", "resources/templates/list");
  private static final Map<String, String> LISTENABLE = Map.of("toolsListChanged", "notifications/tools/list_changed",
      "promptsListChanged", "notifications/prompts/list_changed", "resourcesListChanged", "notifications/resources/list_changed");

  private final McpDispatcher dispatcher;
  private final McpSessions sessions;
  private final Continuations continuations;
  private final Map<String, Parked> parked = new ConcurrentHashMap<>();
  private final AtomicLong inputKeys = new AtomicLong();

  StatelessMcp(McpDispatcher dispatcher, McpSessions sessions, Continuations continuations) {
    this.dispatcher = dispatcher;
    this.sessions = sessions;
    this.continuations = continuations;
    continuations.answerWith(this::continueHere);
  }

  /** Whether a message claims a protocol version in its envelope, which makes it stateless. */
  static boolean claims(JsonNode message) {
    return message.isObject() && message.path("params").path("_meta").has(StatelessRevision.META_VERSION);
  }

  /** Whether the request says it speaks the stateless revision while its body lacks the envelope. */
  static boolean headerOnly(HttpServletRequest request, JsonNode message) {
    return VERSION.equals(request.getHeader(McpController.VERSION_HEADER)) && !claims(message);
  }

  /** What the upstream's work on a call hands to the HTTP thread that answers the client. */
  private sealed interface Item permits Note, Ask, Done {}

  private record Note(JsonNode message) implements Item {}

  private record Ask(String method, JsonNode params, CompletableFuture<JsonNode> answer) implements Item {}

  private record Done(JsonNode response) implements Item {}

  /** A call waiting for the client's input: resumed by a retry that carries its requestState. */
  private record Parked(UUID principalId, Playbook playbook, String method, BlockingDeque<Item> out, Map<String, Ask> asks, long deadline) {}

  ResponseEntity<?> handle(Playbook playbook, Principal principal, JsonNode message, HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    if (headerOnly(request, message)) {
      ObjectNode error = JsonRpc.error(McpController.idOf(message), JsonRpc.INVALID_PARAMS, "Requests of protocol " + VERSION + " carry params._meta with "
          + StatelessRevision.META_VERSION + " and " + StatelessRevision.META_CAPABILITIES);
      ((ObjectNode) error.get("error")).putObject("data").putObject("envelope").putArray("missing").add("_meta");
      return McpController.rpc(HttpStatus.BAD_REQUEST, error);
    }
    if (!JsonRpc.isRequest(message)) return ResponseEntity.accepted().build(); // notifications (a closed listen stream's cancel)
    JsonNode id = message.get("id");
    if (!id.isString() && !id.isIntegralNumber() || !"2.0".equals(message.path("jsonrpc").asString(""))) {
      return McpController.rpc(HttpStatus.BAD_REQUEST, JsonRpc.error(null, JsonRpc.INVALID_REQUEST, "Invalid Request: expected a JSON-RPC 2.0 request"));
    }
    String method = message.get("method").asString("");
    JsonNode params = message.path("params");
    JsonNode meta = params.path("_meta");
    String version = meta.path(StatelessRevision.META_VERSION).asString("");
    if (!VERSION.equals(version)) {
      ObjectNode error = JsonRpc.error(id, UNSUPPORTED_VERSION, "Unsupported protocol version: " + version);
      ObjectNode data = ((ObjectNode) error.get("error")).putObject("data");
      data.putArray("supported").add(VERSION);
      McpDispatcher.PROTOCOL_VERSIONS.forEach(v -> data.withArray("supported").add(v));
      data.put("requested", version);
      return McpController.rpc(HttpStatus.BAD_REQUEST, error);
    }
    JsonNode capabilities = meta.get(StatelessRevision.META_CAPABILITIES);
    if (capabilities == null || !capabilities.isObject()) {
      ObjectNode error = JsonRpc.error(id, JsonRpc.INVALID_PARAMS, "params._meta needs " + StatelessRevision.META_CAPABILITIES + " (an object)");
      ((ObjectNode) error.get("error")).putObject("data").putObject("envelope").putArray("missing").add(StatelessRevision.META_CAPABILITIES);
      return McpController.rpc(HttpStatus.BAD_REQUEST, error);
    }
    Optional<String> mismatch = headerMismatch(request, method, params);
    if (mismatch.isPresent()) return McpController.rpc(HttpStatus.BAD_REQUEST, JsonRpc.error(id, HEADER_MISMATCH, mismatch.get()));

    McpDispatcher.Caller caller = new McpDispatcher.Caller(principal, Optional.empty(), Downstream.NONE);
    try {
      if (method.equals("server/discover")) return McpController.rpc(HttpStatus.OK, JsonRpc.result(id, cacheable(complete(playbook, discover(playbook)))));
      if (method.equals("subscriptions/listen")) return listen(playbook, id, params);
      if (LISTS.contains(method)) {
        return McpController.rpc(HttpStatus.OK, JsonRpc.result(id, cacheable(complete(playbook, dispatcher.handle(playbook, caller, method, params)))));
      }
      if (McpDispatcher.forwarded(method)) return call(playbook, principal, message, capabilities, response);
    } catch (JsonRpc.Failure f) {
      return McpController.rpc(HttpStatus.OK, JsonRpc.error(id, f.code(), f.getMessage()));
    }
    return McpController.rpc(HttpStatus.NOT_FOUND, JsonRpc.error(id, JsonRpc.METHOD_NOT_FOUND, "Method not found in protocol " + VERSION + ": " + method));
  }

  /** The headers a stateless request must carry, checked against its body; empty when they agree. */
  static Optional<String> headerMismatch(HttpServletRequest request, String method, JsonNode params) {
    if (!VERSION.equals(request.getHeader(McpController.VERSION_HEADER))) {
      return Optional.of("The MCP-Protocol-Version header must be " + VERSION + ", as in params._meta");
    }
    if (!method.equals(StatelessRevision.decodeHeader(request.getHeader(StatelessRevision.METHOD_HEADER)))) {
      return Optional.of("The Mcp-Method header must be " + method);
    }
    String name = StatelessRevision.name(method, params);
    if (name != null && !name.equals(StatelessRevision.decodeHeader(request.getHeader(StatelessRevision.NAME_HEADER)))) return Optional.of("The Mcp-Name header must be the request's " + (method.equals("resources/read") ? "uri" : "name"));
    return Optional.empty();
  }

  private ObjectNode discover(Playbook playbook) {
    ObjectNode legacy = dispatcher.initializeResult(playbook, McpDispatcher.PROTOCOL_VERSIONS.get(0));
    ObjectNode result = JsonRpc.NODES.objectNode();
    result.putArray("supportedVersions").add(VERSION);
    ObjectNode caps = ((ObjectNode) legacy.get("capabilities")).deepCopy();
    ((ObjectNode) caps.get("resources")).remove("subscribe"); // resource subscriptions are not offered in this revision yet
    result.set("capabilities", caps);
    if (legacy.has("instructions")) result.set("instructions", legacy.get("instructions"));
    result.putObject("_meta").set(StatelessRevision.META_SERVER_INFO, legacy.get("serverInfo"));
    return result;
  }

  /** Marks a result complete and names the server, as every result of this revision does. */
  private JsonNode complete(Playbook playbook, JsonNode result) {
    if (!(result instanceof ObjectNode r)) return result;
    if (!r.has("resultType")) r.put("resultType", "complete");
    ObjectNode meta = r.withObject("_meta");
    meta.set(StatelessRevision.META_SERVER_INFO, JsonRpc.NODES.objectNode().put("name", "director/" + playbook.name()).put("version", Version.current()));
    return r;
  }

  /** Lists may be cached, but only per caller: what a playbook serves depends on who asks and changes with edits. */
  private static JsonNode cacheable(JsonNode result) {
    if (result instanceof ObjectNode r) {
      if (!r.has("ttlMs")) r.put("ttlMs", 0);
      if (!r.has("cacheScope")) r.put("cacheScope", "private");
    }
    return result;
  }

  private ResponseEntity<?> listen(Playbook playbook, JsonNode id, JsonNode params) {
    JsonNode asked = params.path("notifications");
    ObjectNode honoured = JsonRpc.NODES.objectNode();
    Set<String> wanted = new java.util.HashSet<>();
    LISTENABLE.forEach((flag, notification) -> {
      if (asked.path(flag).asBoolean(false)) {
        honoured.put(flag, true);
        wanted.add(notification);
      }
    });
    McpSessions.Listen listen = sessions.listen(playbook.id(), id, wanted);
    ObjectNode ack = JsonRpc.NODES.objectNode();
    ack.set("notifications", honoured);
    listen.push(JsonRpc.notification("notifications/subscriptions/acknowledged", ack));
    return ResponseEntity.ok().header("Cache-Control", "no-store").header("X-Accel-Buffering", "no")
        .contentType(MediaType.TEXT_EVENT_STREAM).body(listen.emitter());
  }

  /**
   * A call that an upstream may talk back on. Its progress (and log messages, when the request
   * asked for them with a log level) stream to the client as events; a question for the client ends
   * this response with input_required, and the retry carrying the answers picks the call up again.
   */
  private ResponseEntity<?> call(Playbook playbook, Principal principal, JsonNode message, JsonNode capabilities, HttpServletResponse response)
      throws IOException {
    JsonNode id = message.get("id");
    String method = message.get("method").asString();
    JsonNode params = message.get("params");
    if (params.hasNonNull("requestState")) {
      String state = params.get("requestState").asString("");
      Optional<UUID> owner = ownerOf(state);
      if (owner.isPresent() && !owner.get().equals(continuations.instanceId())) {
        JsonNode answer = continuations.relay(owner.get(), message, principal.id(), playbook.id(), Duration.ofMillis(waitMs()));
        ObjectNode copy = (ObjectNode) answer.deepCopy();
        copy.set("id", id);
        return McpController.rpc(HttpStatus.OK, copy);
      }
      Optional<Parked> p = resume(state, principal.id(), playbook.id(), method, params);
      if (p.isEmpty()) return McpController.rpc(HttpStatus.OK, unknownState(id));
      return drive(p.get().playbook(), principal, method, p.get().out(), id, response);
    }
    BlockingDeque<Item> out = new LinkedBlockingDeque<>();
    boolean logs = params.path("_meta").hasNonNull(StatelessRevision.META_LOG_LEVEL);
    Downstream client = new Downstream() {
      @Override
      public JsonNode capabilities() {
        return capabilities;
      }

      @Override
      public boolean notify(JsonNode notification) {
        if (!logs && "notifications/message".equals(notification.path("method").asString(""))) return false;
        return out.offer(new Note(notification));
      }

      @Override
      public CompletableFuture<JsonNode> request(String asked, JsonNode askedParams, Duration timeout) {
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        out.offer(new Ask(asked, askedParams, answer));
        return answer.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
      }
    };
    ObjectNode forwarded = ((ObjectNode) params).deepCopy();
    ObjectNode meta = forwarded.withObject("_meta");
    meta.remove(List.of(StatelessRevision.META_VERSION, StatelessRevision.META_CAPABILITIES, StatelessRevision.META_CLIENT_INFO, StatelessRevision.META_LOG_LEVEL));
    if (meta.isEmpty()) forwarded.remove("_meta");
    McpDispatcher.Caller caller = new McpDispatcher.Caller(principal, Optional.empty(), client);
    Thread.ofVirtual().name("mcp-call").start(() -> {
      JsonNode answer;
      try {
        answer = JsonRpc.result(id, dispatcher.handle(playbook, caller, method, forwarded));
      } catch (JsonRpc.Failure f) {
        answer = JsonRpc.error(id, f.code(), f.getMessage());
      } catch (RuntimeException e) {
        answer = JsonRpc.error(id, JsonRpc.INTERNAL_ERROR, "Internal error");
      }
      out.offer(new Done(answer));
    });
    return drive(playbook, principal, method, out, id, response);
  }

  /** The instance that issued a requestState (the part before the dot). */
  private static Optional<UUID> ownerOf(String state) {
    int dot = state.indexOf('.');
    try {
      return dot > 0 ? Optional.of(UUID.fromString(state.substring(0, dot))) : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static JsonNode unknownState(JsonNode id) {
    return JsonRpc.error(id, JsonRpc.INVALID_PARAMS, "requestState is unknown or expired; send the request again without it");
  }

  /** Takes the parked call a retry continues, if the retry is the caller's own, and hands it the client's answers. */
  private Optional<Parked> resume(String state, UUID principalId, UUID playbookId, String method, JsonNode params) {
    Parked p = parked.remove(state);
    if (p == null || !p.principalId().equals(principalId) || !p.playbook().id().equals(playbookId) || !p.method().equals(method)
        || System.nanoTime() > p.deadline()) {
      return Optional.empty();
    }
    JsonNode responses = params.path("inputResponses");
    p.asks().forEach((key, ask) -> ask.answer().complete(responses.has(key)
        ? JsonRpc.result(JsonRpc.NODES.nullNode(), responses.get(key))
        : JsonRpc.error(null, JsonRpc.INVALID_PARAMS, "the client sent no input response for " + key)));
    return Optional.of(p);
  }

  /** A retry another instance received for a call parked here: answered as one JSON message (no event stream). */
  private JsonNode continueHere(Continuations.Handover handover) {
    JsonNode message = handover.message();
    JsonNode id = message.get("id");
    String method = message.path("method").asString("");
    JsonNode params = message.path("params");
    Optional<Parked> p = resume(params.path("requestState").asString(""), handover.principalId(), handover.playbookId(), method, params);
    if (p.isEmpty()) return unknownState(id);
    return settle(p.get().playbook(), p.get().principalId(), method, p.get().out(), id, note -> {});
  }

  private long waitMs() {
    return dispatcher.requestTimeout().toMillis() * 2 + 10_000;
  }

  /** Answers the client from what the call hands over, until it is done or needs the client's input. */
  private ResponseEntity<?> drive(Playbook playbook, Principal principal, String method, BlockingDeque<Item> out, JsonNode id,
      HttpServletResponse response) throws IOException {
    PrintWriter[] sse = {null};
    boolean[] gone = {false};
    JsonNode message = settle(playbook, principal.id(), method, out, id, note -> {
      if (gone[0]) return;
      try {
        sse[0] = write(sse[0], response, note);
      } catch (IOException e) {
        sse[0] = null;
      }
      gone[0] = sse[0] == null; // the client left; the call goes on
    });
    if (gone[0]) return null;
    if (sse[0] == null) return McpController.rpc(HttpStatus.OK, message);
    write(sse[0], response, message);
    return null;
  }

  /**
   * Follows a call until its answer or its next question for the client, passing what comes before
   * to {@code notes}; a question parks the call and becomes an input_required result.
   */
  private JsonNode settle(Playbook playbook, UUID principalId, String method, BlockingDeque<Item> out, JsonNode id,
      java.util.function.Consumer<JsonNode> notes) {
    while (true) {
      Item item = poll(out, waitMs());
      if (item == null) return JsonRpc.error(id, JsonRpc.UPSTREAM_UNAVAILABLE, "No answer in time");
      if (item instanceof Note note) {
        notes.accept(note.message());
        continue;
      }
      if (item instanceof Done done) {
        ObjectNode message = (ObjectNode) done.response().deepCopy();
        message.set("id", id);
        if (message.has("result")) {
          message.set("result", complete(playbook, method.equals("resources/read") ? cacheable(message.get("result")) : message.get("result")));
        }
        return message;
      }
      Map<String, Ask> asks = new LinkedHashMap<>();
      asks.put("input-" + inputKeys.incrementAndGet(), (Ask) item);
      // questions asked together go out together
      Item more;
      while ((more = poll(out, 50)) instanceof Ask a) asks.put("input-" + inputKeys.incrementAndGet(), a);
      if (more != null) out.offerFirst(more);
      String token = continuations.instanceId() + "." + Crypto.randomToken(24);
      long deadline = System.nanoTime() + dispatcher.requestTimeout().toNanos();
      parked.put(token, new Parked(principalId, playbook, method, out, asks, deadline));
      ObjectNode result = JsonRpc.NODES.objectNode().put("resultType", "input_required");
      ObjectNode requests = result.putObject("inputRequests");
      asks.forEach((key, ask) -> {
        ObjectNode r = requests.putObject(key).put("method", ask.method());
        if (ask.params() != null) r.set("params", ask.params());
      });
      result.put("requestState", token);
      return JsonRpc.result(id, complete(playbook, result));
    }
  }

  /** Writes one event, starting the event stream on the first; null when the client has gone. */
  private static PrintWriter write(PrintWriter sse, HttpServletResponse response, JsonNode message) throws IOException {
    if (sse == null) sse = McpController.startEventStream(response);
    sse.write("event: message\ndata: " + JsonRpc.JSON.writeValueAsString(message) + "\n\n");
    sse.flush();
    return sse.checkError() ? null : sse;
  }

  private static Item poll(BlockingDeque<Item> out, long waitMs) {
    try {
      return out.poll(waitMs, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** Parked calls whose client never came back: their questions are answered with an error, so the upstream call ends. */
  @Scheduled(fixedDelayString = "15s", initialDelayString = "15s")
  void expireParked() {
    long now = System.nanoTime();
    parked.values().removeIf(p -> {
      if (now <= p.deadline()) return false;
      p.asks().values().forEach(a -> a.answer().complete(JsonRpc.error(null, JsonRpc.INTERNAL_ERROR, "the client did not come back with input")));
      return true;
    });
  }
}
