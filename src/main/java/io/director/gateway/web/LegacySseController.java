package io.director.gateway.web;

import io.director.gateway.Playbook;
import io.director.gateway.Playbooks;
import io.director.gateway.mcp.JsonRpc;
import io.director.gateway.mcp.LegacySseSessions;
import io.director.gateway.mcp.McpDispatcher;
import io.director.identity.Principal;
import io.director.identity.Scope;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The legacy HTTP+SSE transport (2024-11-05): {@code GET /playbooks/{id}/sse} opens the stream and
 * announces the message endpoint; {@code POST /playbooks/{id}/messages?sessionId=…} takes client
 * messages (202) whose answers arrive on the stream.
 */
@RestController
class LegacySseController {
  private final Playbooks playbooks;
  private final McpDispatcher dispatcher;
  private final LegacySseSessions streams;
  private final McpOrigins origins;

  LegacySseController(Playbooks playbooks, McpDispatcher dispatcher, LegacySseSessions streams, McpOrigins origins) {
    this.playbooks = playbooks;
    this.dispatcher = dispatcher;
    this.streams = streams;
    this.origins = origins;
  }

  @GetMapping(path = "/playbooks/{id}/sse", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  ResponseEntity<?> open(Principal principal, @PathVariable String id, HttpServletRequest request) throws IOException {
    Optional<ResponseEntity<String>> refused = origins.refuse(request, principal);
    if (refused.isPresent()) return refused.get();
    Optional<Playbook> playbook = playbook(principal, id);
    if (playbook.isEmpty()) return error(HttpStatus.NOT_FOUND, "No such playbook");
    SseEmitter emitter = streams.open(playbook.get().id(), principal.id(), "/playbooks/" + playbook.get().id() + "/messages").emitterFor();
    return ResponseEntity.ok().header("Cache-Control", "no-store").header("X-Accel-Buffering", "no").body(emitter);
  }

  @PostMapping("/playbooks/{id}/messages")
  ResponseEntity<String> message(Principal principal, @PathVariable String id, @RequestParam(required = false) String sessionId,
      @RequestBody(required = false) String body, HttpServletRequest request) {
    Optional<ResponseEntity<String>> refused = origins.refuse(request, principal);
    if (refused.isPresent()) return refused.get();
    Optional<Playbook> playbook = playbook(principal, id);
    if (playbook.isEmpty()) return error(HttpStatus.NOT_FOUND, "No such playbook");
    Optional<LegacySseSessions.Stream> stream = streams.find(sessionId, playbook.get().id(), principal.id());
    if (stream.isEmpty()) return error(HttpStatus.NOT_FOUND, "Unknown session; open /playbooks/{id}/sse first");
    JsonNode message;
    try {
      message = JsonRpc.JSON.readTree(body == null ? "" : body);
    } catch (JacksonException e) {
      stream.get().send(JsonRpc.error(null, JsonRpc.PARSE_ERROR, "Parse error: the body is not valid JSON"));
      return error(HttpStatus.BAD_REQUEST, "Parse error: the body is not valid JSON");
    }
    if (message == null || !message.isObject()) return error(HttpStatus.BAD_REQUEST, "Invalid Request: expected one JSON-RPC message");
    LegacySseSessions.Stream s = stream.get();
    if (JsonRpc.isResponse(message)) {
      s.answer(message);
      return ResponseEntity.accepted().build();
    }
    if (JsonRpc.isNotification(message)) {
      JsonNode requestId = message.path("params").path("requestId");
      if ("notifications/cancelled".equals(message.get("method").asString("")) && (requestId.isString() || requestId.isIntegralNumber())) {
        dispatcher.cancel(s.id() + ":" + requestId);
      }
      return ResponseEntity.accepted().build();
    }
    JsonNode requestId = message.get("id");
    Optional<String> callKey = requestId != null && (requestId.isString() || requestId.isIntegralNumber())
        ? Optional.of(s.id() + ":" + requestId) : Optional.empty();
    McpDispatcher.Caller caller = new McpDispatcher.Caller(principal, callKey, s.downstream());
    Playbook p = playbook.get();
    if ("initialize".equals(message.path("method").asString(""))) s.initialized(message.path("params").path("capabilities"));
    Thread.ofVirtual().start(() -> s.send(answer(p, caller, message)));
    return ResponseEntity.accepted().build();
  }

  private JsonNode answer(Playbook playbook, McpDispatcher.Caller caller, JsonNode m) {
    if (!JsonRpc.isRequest(m) || !"2.0".equals(m.path("jsonrpc").asString(""))) {
      return JsonRpc.error(m.get("id"), JsonRpc.INVALID_REQUEST, "Invalid Request: expected a JSON-RPC 2.0 request");
    }
    JsonNode id = m.get("id");
    JsonNode params = m.has("params") ? m.get("params") : JsonRpc.NODES.objectNode();
    if (!params.isObject()) return JsonRpc.error(id, JsonRpc.INVALID_PARAMS, "params must be an object");
    String method = m.get("method").asString();
    if ("initialize".equals(method)) {
      String requested = params.path("protocolVersion").asString("");
      String version = requested.equals("2024-11-05") ? requested : McpDispatcher.negotiate(params);
      return JsonRpc.result(id, dispatcher.initializeResult(playbook, version));
    }
    try {
      return JsonRpc.result(id, dispatcher.handle(playbook, caller, method, params));
    } catch (JsonRpc.Failure f) {
      return JsonRpc.error(id, f.code(), f.getMessage());
    }
  }

  private Optional<Playbook> playbook(Principal principal, String id) {
    if (!principal.has(Scope.MCP_CONNECT)) return Optional.empty();
    try {
      return playbooks.forMcp(principal, UUID.fromString(id));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static ResponseEntity<String> error(HttpStatus status, String message) {
    return McpOrigins.error(status, message);
  }
}
