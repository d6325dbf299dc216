package io.director.gateway.web;

import io.director.gateway.Playbook;
import io.director.gateway.Playbooks;
import io.director.gateway.UpstreamServer;
import io.director.gateway.mcp.JsonRpc;
import io.director.gateway.mcp.McpDispatcher;
import io.director.gateway.mcp.ToolCalls;
import io.director.gateway.mcp.Upstreams;
import io.director.identity.Principal;
import io.director.identity.Scope;
import io.director.shared.DirectorException;
import io.director.shared.ProblemKind;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The tools a playbook serves, trying one from the API, and the record of calls. */
@RestController
@RequestMapping(path = "/api/playbooks/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
class PlaybookToolsController {
  private final Playbooks playbooks;
  private final McpDispatcher dispatcher;
  private final Upstreams upstreams;
  private final ToolCalls calls;

  PlaybookToolsController(Playbooks playbooks, McpDispatcher dispatcher, Upstreams upstreams, ToolCalls calls) {
    this.playbooks = playbooks;
    this.dispatcher = dispatcher;
    this.upstreams = upstreams;
    this.calls = calls;
  }

  /** The aggregated tools, and each upstream's state (starting, ready, failed with its last error, stopped, disabled). */
  @GetMapping("/tools")
  JsonNode tools(Principal principal, @PathVariable UUID id) {
    Playbook playbook = playbooks.get(principal, id);
    ObjectNode out = JsonRpc.NODES.objectNode();
    ArrayNode tools = out.putArray("tools");
    dispatcher.describeTools(playbook).forEach(tools::add);
    ArrayNode collisions = out.putArray("collisions");
    dispatcher.collisions(playbook).forEach((name, owners) -> {
      ObjectNode c = collisions.addObject().put("name", name).put("served_by", owners.get(0));
      ArrayNode by = c.putArray("servers");
      owners.forEach(by::add);
    });
    ArrayNode servers = out.putArray("servers");
    for (UpstreamServer s : playbook.servers()) {
      Upstreams.State state = upstreams.state(s);
      ObjectNode node = servers.addObject().put("name", s.name()).put("transport", s.transport().kind())
          .put("state", s.disabled() ? "disabled" : state.state());
      state.lastError().ifPresent(e -> node.put("last_error", e));
    }
    return out;
  }

  /** Calls a tool with the body as its arguments; the answer is the MCP tool result. */
  @PostMapping(path = "/tools/{tool}/call", consumes = MediaType.APPLICATION_JSON_VALUE)
  JsonNode call(Principal principal, @PathVariable UUID id, @PathVariable String tool, @RequestBody(required = false) JsonNode arguments) {
    principal.require(Scope.MCP_CONNECT);
    Playbook playbook = playbooks.get(principal, id);
    if (arguments != null && !arguments.isNull() && !arguments.isObject()) {
      throw DirectorException.invalid("gateway.invalid-arguments", "the body must be a JSON object of tool arguments");
    }
    ObjectNode params = JsonRpc.NODES.objectNode().put("name", tool);
    params.set("arguments", arguments == null || arguments.isNull() ? JsonRpc.NODES.objectNode() : arguments);
    try {
      return dispatcher.handle(playbook, new McpDispatcher.Caller(principal), "tools/call", params);
    } catch (JsonRpc.Failure f) {
      if (f.code() == JsonRpc.INVALID_PARAMS && f.getMessage().startsWith("Unknown tool")) {
        throw DirectorException.notFound("gateway.tool-not-found", f.getMessage());
      }
      if (f.code() == JsonRpc.UPSTREAM_UNAVAILABLE) {
        throw new DirectorException(ProblemKind.UNAVAILABLE, "gateway.upstream-unavailable", f.getMessage());
      }
      throw new DirectorException(ProblemKind.UNPROCESSABLE, "gateway.tool-call-failed", f.getMessage());
    }
  }

  @GetMapping("/calls")
  Map<String, Object> calls(Principal principal, @PathVariable UUID id, @RequestParam(defaultValue = "100") int limit,
      @RequestParam Optional<Long> before) {
    Playbook playbook = playbooks.get(principal, id);
    int n = Math.max(1, Math.min(500, limit));
    List<Map<String, Object>> rows = calls.list(playbook.tenantId(), playbook.id(), n, before.orElse(null));
    return Map.of("calls", rows, "next_before", rows.size() == n ? rows.get(rows.size() - 1).get("id") : "");
  }
}
