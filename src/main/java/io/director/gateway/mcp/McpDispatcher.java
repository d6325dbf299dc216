package io.director.gateway.mcp;

import io.director.gateway.BuiltinTools;
import io.director.gateway.Playbook;
import io.director.gateway.PromptTemplate;
import io.director.gateway.UpstreamServer;
import io.director.identity.Principal;
import io.director.platform.Version;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Answers one client request against one playbook: the handshake, ping, the aggregated tool list
 * (namespaced, filtered, renamed; slow or dead upstreams left out rather than blocking the rest),
 * tools/call routed to the owning upstream with its answer passed through untouched, and the
 * playbook's own prompts.
 */
@Component
public class McpDispatcher {
  public static final List<String> PROTOCOL_VERSIONS = List.of("2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05");
  private static final Logger log = LoggerFactory.getLogger(McpDispatcher.class);

  private final Upstreams upstreams;
  private final ToolCalls calls;
  private final List<BuiltinTools> builtins;

  McpDispatcher(Upstreams upstreams, ToolCalls calls, List<BuiltinTools> builtins) {
    this.upstreams = upstreams;
    this.calls = calls;
    this.builtins = List.copyOf(builtins);
  }

  /**
   * Who is calling: for the call record; {@code callKey} names the client request so it can be
   * cancelled; {@code client} is where what the upstream says back to the caller goes.
   */
  public record Caller(Principal principal, Optional<String> callKey, Downstream client) {
    public Caller(Principal principal) {
      this(principal, Optional.empty(), Downstream.NONE);
    }

    public String tenantId() {
      return principal.tenantId();
    }
  }

  private final Map<String, Exchange> inFlight = new java.util.concurrent.ConcurrentHashMap<>();

  /** A client cancelled the request {@code callKey}: cancel what it started upstream. */
  public void cancel(String callKey) {
    Exchange c = inFlight.remove(callKey);
    if (c != null) c.cancel();
  }

  /** Whether a method may make the upstream talk back to the client before it answers. */
  public static boolean forwarded(String method) {
    return switch (method) {
      case "tools/call", "prompts/get", "resources/read", "completion/complete" -> true;
      default -> false;
    };
  }

  public Duration requestTimeout() {
    return upstreams.config().requestTimeout();
  }

  /** The version to answer an initialize with: the client's when supported, else the newest. */
  public static String negotiate(JsonNode params) {
    String requested = params.path("protocolVersion").asString("");
    return PROTOCOL_VERSIONS.contains(requested) ? requested : PROTOCOL_VERSIONS.get(0);
  }

  public ObjectNode initializeResult(Playbook playbook, String version) {
    ObjectNode result = JsonRpc.NODES.objectNode().put("protocolVersion", version);
    ObjectNode caps = result.putObject("capabilities");
    caps.putObject("tools").put("listChanged", true);
    caps.putObject("prompts").put("listChanged", true);
    caps.putObject("resources").put("subscribe", true).put("listChanged", true);
    caps.putObject("completions");
    caps.putObject("logging");
    result.putObject("serverInfo").put("name", "director/" + playbook.name()).put("version", Version.current());
    if (!playbook.description().isEmpty()) result.put("instructions", playbook.description());
    return result;
  }

  /** The result of a request, or a {@link JsonRpc.Failure}. */
  public JsonNode handle(Playbook playbook, Caller caller, String method, JsonNode params) {
    return switch (method) {
      case "ping" -> JsonRpc.NODES.objectNode();
      case "tools/list" -> listTools(playbook);
      case "tools/call" -> callTool(playbook, caller, params);
      case "prompts/list" -> listPrompts(playbook);
      case "prompts/get" -> getPrompt(playbook, caller, params);
      case "resources/list" -> listed(playbook, Upstreams.Kind.RESOURCES);
      case "resources/templates/list" -> listed(playbook, Upstreams.Kind.RESOURCE_TEMPLATES);
      case "resources/read" -> forward(playbook, caller, resourceOwner(playbook, params.path("uri").asString("")), "resources/read", params);
      case "completion/complete" -> complete(playbook, caller, params);
      case "resources/subscribe", "resources/unsubscribe" ->
          forward(playbook, caller, resourceOwner(playbook, params.path("uri").asString("")), method, params);
      case "logging/setLevel" -> setLevel(playbook, params);
      default -> throw new JsonRpc.Failure(JsonRpc.METHOD_NOT_FOUND, "Method not found: " + method);
    };
  }

  /**
   * A served tool: the client-facing definition and where it comes from, an upstream server or
   * (with {@code server} null) one of Director's own.
   */
  record Route(UpstreamServer server, BuiltinTools builtin, String upstreamName, JsonNode definition) {
    Route(UpstreamServer server, String upstreamName, JsonNode definition) {
      this(server, null, upstreamName, definition);
    }

    String serverName() {
      return server != null ? server.name() : builtin.server();
    }
  }

  Map<String, Route> routes(Playbook playbook) {
    return routes(playbook, true);
  }

  /** The routes; without definitions ({@code copy=false}) nothing is copied, for the tools/call path. */
  Map<String, Route> routes(Playbook playbook, boolean copy) {
    Duration deadline = upstreams.config().listDeadline();
    Map<UpstreamServer, CompletableFuture<List<JsonNode>>> pending = new LinkedHashMap<>();
    for (UpstreamServer server : playbook.servers()) {
      if (!server.disabled()) pending.put(server, upstreams.tools(playbook.name(), server));
    }
    long until = System.nanoTime() + deadline.toNanos();
    Map<String, Route> routes = new LinkedHashMap<>();
    for (BuiltinTools builtin : builtins) {
      if (!builtin.servedIn(playbook)) continue;
      for (ObjectNode tool : builtin.definitions()) {
        String name = tool.path("name").asString();
        routes.putIfAbsent(name, new Route(null, builtin, name, copy ? tool.deepCopy() : null));
      }
    }
    for (Map.Entry<UpstreamServer, CompletableFuture<List<JsonNode>>> e : pending.entrySet()) {
      UpstreamServer server = e.getKey();
      List<JsonNode> tools;
      try {
        tools = e.getValue().get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (Exception ex) {
        log.debug("upstream {} left out of tools/list: {}", server.name(), Upstreams.rootMessage(ex));
        continue; // fail open: the others still answer
      }
      for (JsonNode tool : tools) {
        String name = tool.path("name").asString("");
        if (name.isEmpty() || !server.tools().serves(name)) continue;
        String exposed = server.namespaced(name);
        ObjectNode definition = null;
        if (copy) {
          definition = ((ObjectNode) tool).deepCopy();
          definition.put("name", exposed);
          ObjectNode d = definition;
          server.tools().description(name).ifPresent(text -> d.put("description", text));
        }
        Route existing = routes.putIfAbsent(exposed, new Route(server, name, definition));
        if (existing != null && !server.equals(existing.server())) {
          log.warn("playbook {}: tool {} is offered by servers {} and {}; {} wins — set a prefix or rename one",
              playbook.name(), exposed, existing.serverName(), server.name(), existing.serverName());
        }
      }
    }
    return routes;
  }

  /** Tool names two or more servers offer (the first server in the playbook serves them). */
  public Map<String, List<String>> collisions(Playbook playbook) {
    Map<String, List<String>> offered = new LinkedHashMap<>();
    collect(playbook, Upstreams.Kind.TOOLS).forEach((server, tools) -> {
      for (JsonNode tool : tools) {
        String name = tool.path("name").asString("");
        if (name.isEmpty() || !server.tools().serves(name)) continue;
        List<String> servers = offered.computeIfAbsent(server.namespaced(name), k -> new ArrayList<>());
        if (!servers.contains(server.name())) servers.add(server.name());
      }
    });
    offered.values().removeIf(servers -> servers.size() < 2);
    return offered;
  }

  /** The served tools with the server each one comes from. */
  public List<ObjectNode> describeTools(Playbook playbook) {
    List<ObjectNode> out = new ArrayList<>();
    routes(playbook).values().forEach(r -> {
      ObjectNode d = ((ObjectNode) r.definition()).deepCopy();
      d.put("server", r.serverName());
      d.put("upstream_name", r.upstreamName());
      out.add(d);
    });
    return out;
  }

  private JsonNode listTools(Playbook playbook) {
    ArrayNode tools = JsonRpc.NODES.arrayNode();
    routes(playbook).values().forEach(r -> tools.add(r.definition()));
    return JsonRpc.NODES.objectNode().set("tools", tools);
  }

  private JsonNode callTool(Playbook playbook, Caller caller, JsonNode params) {
    String name = params.path("name").asString("");
    if (name.isEmpty()) throw new JsonRpc.Failure(JsonRpc.INVALID_PARAMS, "tools/call needs params.name");
    if (params.has("arguments") && !params.get("arguments").isObject()) {
      throw new JsonRpc.Failure(JsonRpc.INVALID_PARAMS, "tools/call arguments must be an object");
    }
    Route route = routes(playbook, false).get(name);
    if (route == null) throw new JsonRpc.Failure(JsonRpc.INVALID_PARAMS, "Unknown tool: " + name);
    if (route.builtin() != null) return callBuiltin(playbook, caller, route.builtin(), name, params);
    ObjectNode forwarded = ((ObjectNode) params).deepCopy();
    forwarded.put("name", route.upstreamName());
    Duration timeout = upstreams.config().requestTimeout();
    java.time.Instant startedAt = java.time.Instant.now();
    long started = System.nanoTime();
    int bytesIn = JsonRpc.JSON.writeValueAsBytes(forwarded).length;
    String outcome = "error";
    int bytesOut = 0;
    try {
      Exchange exchange = new Exchange(caller.client());
      Upstream upstream = Upstreams.await(upstreams.lease(playbook.name(), route.server(), exchange), timeout,
          "upstream '" + route.server().name() + "'");
      caller.callKey().ifPresent(k -> inFlight.put(k, exchange));
      JsonNode response;
      try {
        response = Upstreams.await(upstream.request("tools/call", forwarded, timeout, exchange), timeout, "tool " + name);
      } finally {
        caller.callKey().ifPresent(inFlight::remove);
      }
      bytesOut = JsonRpc.JSON.writeValueAsBytes(response).length;
      if (response.has("error")) {
        JsonNode error = response.get("error");
        throw new JsonRpc.Failure(error.path("code").asInt(JsonRpc.INTERNAL_ERROR), error.path("message").asString("upstream error"));
      }
      JsonNode result = response.get("result");
      outcome = result != null && result.path("isError").asBoolean(false) ? "tool_error" : "ok";
      return result;
    } catch (JsonRpc.Failure f) {
      outcome = f.code() == JsonRpc.UPSTREAM_UNAVAILABLE ? (f.getMessage().contains("did not answer") ? "timeout" : "unavailable")
          : f.code() == Exchange.REQUEST_CANCELLED ? "cancelled" : "error";
      throw f;
    } finally {
      calls.record(new ToolCalls.Call(caller.tenantId(), playbook.id(), playbook.name(), caller.principal().label(), route.server().name(), name,
          startedAt, Duration.ofNanos(System.nanoTime() - started), outcome, bytesIn, bytesOut,
          playbook.recordArguments() ? params.get("arguments") : null));
    }
  }

  private JsonNode callBuiltin(Playbook playbook, Caller caller, BuiltinTools builtin, String name, JsonNode params) {
    java.time.Instant startedAt = java.time.Instant.now();
    long started = System.nanoTime();
    JsonNode arguments = params.path("arguments");
    String outcome = "error";
    int bytesOut = 0;
    try {
      JsonNode result = builtin.call(playbook, caller.principal(), name, arguments.isObject() ? arguments : JsonRpc.NODES.objectNode());
      bytesOut = JsonRpc.JSON.writeValueAsBytes(result).length;
      outcome = result.path("isError").asBoolean(false) ? "tool_error" : "ok";
      return result;
    } finally {
      calls.record(new ToolCalls.Call(caller.tenantId(), playbook.id(), playbook.name(), caller.principal().label(), builtin.server(), name,
          startedAt, Duration.ofNanos(System.nanoTime() - started), outcome, JsonRpc.JSON.writeValueAsBytes(params).length, bytesOut,
          playbook.recordArguments() ? params.get("arguments") : null));
    }
  }

  /** What each enabled upstream lists for {@code kind}; upstreams that miss the deadline are left out. */
  Map<UpstreamServer, List<JsonNode>> collect(Playbook playbook, Upstreams.Kind kind) {
    Map<UpstreamServer, CompletableFuture<List<JsonNode>>> pending = new LinkedHashMap<>();
    for (UpstreamServer server : playbook.servers()) {
      if (!server.disabled()) pending.put(server, upstreams.list(playbook.name(), server, kind));
    }
    long until = System.nanoTime() + upstreams.config().listDeadline().toNanos();
    Map<UpstreamServer, List<JsonNode>> out = new LinkedHashMap<>();
    pending.forEach((server, future) -> {
      try {
        out.put(server, future.get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS));
      } catch (Exception ex) {
        log.debug("upstream {} left out of {}: {}", server.name(), kind, Upstreams.rootMessage(ex));
      }
    });
    return out;
  }

  private JsonNode listed(Playbook playbook, Upstreams.Kind kind) {
    ArrayNode items = JsonRpc.NODES.arrayNode();
    collect(playbook, kind).values().forEach(list -> list.forEach(items::add));
    return JsonRpc.NODES.objectNode().set(kind == Upstreams.Kind.RESOURCES ? "resources" : "resourceTemplates", items);
  }

  /** The upstream that lists the resource, or whose template's fixed prefix it starts with. */
  private UpstreamServer resourceOwner(Playbook playbook, String uri) {
    if (uri.isEmpty()) throw new JsonRpc.Failure(JsonRpc.INVALID_PARAMS, "resources/read needs params.uri");
    for (Map.Entry<UpstreamServer, List<JsonNode>> e : collect(playbook, Upstreams.Kind.RESOURCES).entrySet()) {
      if (e.getValue().stream().anyMatch(r -> uri.equals(r.path("uri").asString("")))) return e.getKey();
    }
    UpstreamServer best = null;
    int bestLength = -1;
    for (Map.Entry<UpstreamServer, List<JsonNode>> e : collect(playbook, Upstreams.Kind.RESOURCE_TEMPLATES).entrySet()) {
      for (JsonNode t : e.getValue()) {
        String template = t.path("uriTemplate").asString("");
        int brace = template.indexOf('{');
        String fixed = brace < 0 ? template : template.substring(0, brace);
        if (!fixed.isEmpty() && uri.startsWith(fixed) && fixed.length() > bestLength) {
          best = e.getKey();
          bestLength = fixed.length();
        }
      }
    }
    if (best == null) throw new JsonRpc.Failure(JsonRpc.INVALID_PARAMS, "Unknown resource: " + uri);
    return best;
  }

  private JsonNode complete(Playbook playbook, Caller caller, JsonNode params) {
    JsonNode ref = params.path("ref");
    switch (ref.path("type").asString("")) {
      case "ref/prompt" -> {
        String name = ref.path("name").asString("");
        if (playbook.prompts().stream().anyMatch(p -> p.name().equals(name))) {
          ObjectNode none = JsonRpc.NODES.objectNode();
          none.putObject("completion").put("hasMore", false).putArray("values");
          return none;
        }
        PromptRoute route = promptRoutes(playbook).get(name);
        if (route == null) throw new JsonRpc.Failure(JsonRpc.INVALID_PARAMS, "Unknown prompt: " + name);
        ObjectNode forwarded = ((ObjectNode) params).deepCopy();
        ((ObjectNode) forwarded.get("ref")).put("name", route.upstreamName());
        return forward(playbook, caller, route.server(), "completion/complete", forwarded);
      }
      case "ref/resource" -> {
        return forward(playbook, caller, resourceOwner(playbook, ref.path("uri").asString("")), "completion/complete", params);
      }
      default -> throw new JsonRpc.Failure(JsonRpc.INVALID_PARAMS, "completion/complete needs ref.type ref/prompt or ref/resource");
    }
  }

  private JsonNode setLevel(Playbook playbook, JsonNode params) {
    if (!params.hasNonNull("level")) throw new JsonRpc.Failure(JsonRpc.INVALID_PARAMS, "logging/setLevel needs params.level");
    for (UpstreamServer server : playbook.servers()) {
      if (server.disabled()) continue;
      upstreams.connect(playbook.name(), server).thenAccept(u -> {
        JsonNode caps = u.initializeResult() == null ? null : u.initializeResult().path("capabilities");
        // the stateless revision sets the level per request instead
        if (caps != null && caps.has("logging") && !StatelessRevision.spokenBy(u)) u.request("logging/setLevel", params, upstreams.config().requestTimeout());
      });
    }
    return JsonRpc.NODES.objectNode();
  }

  /** Sends a request to one upstream and returns its result, or its error as a failure. */
  private JsonNode forward(Playbook playbook, Caller caller, UpstreamServer server, String method, JsonNode params) {
    Duration timeout = upstreams.config().requestTimeout();
    Exchange exchange = new Exchange(caller.client());
    Upstream upstream = Upstreams.await(upstreams.lease(playbook.name(), server, exchange), timeout, "upstream '" + server.name() + "'");
    caller.callKey().ifPresent(k -> inFlight.put(k, exchange));
    JsonNode response;
    try {
      response = Upstreams.await(upstream.request(method, params, timeout, exchange), timeout, method);
    } finally {
      caller.callKey().ifPresent(inFlight::remove);
    }
    if (response.has("error")) {
      JsonNode error = response.get("error");
      throw new JsonRpc.Failure(error.path("code").asInt(JsonRpc.INTERNAL_ERROR), error.path("message").asString("upstream error"));
    }
    return response.get("result");
  }

  /** An upstream prompt as clients see it. */
  record PromptRoute(UpstreamServer server, String upstreamName, JsonNode definition) {}

  Map<String, PromptRoute> promptRoutes(Playbook playbook) {
    Map<String, PromptRoute> routes = new LinkedHashMap<>();
    collect(playbook, Upstreams.Kind.PROMPTS).forEach((server, prompts) -> {
      for (JsonNode p : prompts) {
        String name = p.path("name").asString("");
        if (name.isEmpty()) continue;
        ObjectNode definition = ((ObjectNode) p).deepCopy();
        definition.put("name", server.prefixed(name));
        routes.putIfAbsent(server.prefixed(name), new PromptRoute(server, name, definition));
      }
    });
    return routes;
  }

  private JsonNode listPrompts(Playbook playbook) {
    ArrayNode prompts = JsonRpc.NODES.arrayNode();
    for (PromptTemplate p : playbook.prompts()) {
      ObjectNode prompt = prompts.addObject().put("name", p.name());
      if (!p.description().isEmpty()) prompt.put("description", p.description());
      ArrayNode args = prompt.putArray("arguments");
      p.arguments().forEach(a -> {
        ObjectNode arg = args.addObject().put("name", a.name()).put("required", a.required());
        if (!a.description().isEmpty()) arg.put("description", a.description());
      });
    }
    Map<String, PromptRoute> upstreamPrompts = promptRoutes(playbook);
    upstreamPrompts.values().forEach(r -> {
      if (playbook.prompts().stream().noneMatch(p -> p.name().equals(r.definition().get("name").asString()))) prompts.add(r.definition());
    });
    return JsonRpc.NODES.objectNode().set("prompts", prompts);
  }

  private JsonNode getPrompt(Playbook playbook, Caller caller, JsonNode params) {
    String name = params.path("name").asString("");
    Optional<PromptTemplate> own = playbook.prompts().stream().filter(p -> p.name().equals(name)).findFirst();
    if (own.isEmpty()) {
      PromptRoute route = promptRoutes(playbook).get(name);
      if (route == null) throw new JsonRpc.Failure(JsonRpc.INVALID_PARAMS, "Unknown prompt: " + name);
      ObjectNode forwarded = ((ObjectNode) params).deepCopy();
      forwarded.put("name", route.upstreamName());
      return forward(playbook, caller, route.server(), "prompts/get", forwarded);
    }
    PromptTemplate prompt = own.get();
    JsonNode args = params.path("arguments");
    List<String> missing = new ArrayList<>();
    String text = prompt.template();
    for (PromptTemplate.Argument a : prompt.arguments()) {
      Optional<String> value = args.hasNonNull(a.name()) ? Optional.of(args.get(a.name()).asString()) : Optional.empty();
      if (value.isEmpty() && a.required()) missing.add(a.name());
      text = text.replace("{{" + a.name() + "}}", value.orElse(""));
    }
    if (!missing.isEmpty()) throw new JsonRpc.Failure(JsonRpc.INVALID_PARAMS, "Missing required arguments: " + missing);
    ObjectNode result = JsonRpc.NODES.objectNode();
    if (!prompt.description().isEmpty()) result.put("description", prompt.description());
    result.putArray("messages").addObject().put("role", "user").putObject("content").put("type", "text").put("text", text);
    return result;
  }
}
