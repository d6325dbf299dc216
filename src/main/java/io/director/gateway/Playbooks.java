package io.director.gateway;

import io.director.gateway.internal.PlaybookCache;
import io.director.gateway.internal.PlaybookJson;
import io.director.gateway.internal.PlaybookStore;
import io.director.gateway.internal.UpstreamPolicy;
import io.director.identity.Principal;
import io.director.identity.Scope;
import io.director.shared.DirectorException;
import io.director.gateway.mcp.McpDispatcher;
import io.director.shared.ProblemKind;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * The playbook facade: create, read, edit, apply and export playbooks, their upstream servers and
 * prompts, always inside the caller's tenant (another tenant's playbook is simply not found).
 */
@Component
public class Playbooks {
  private final PlaybookStore store;
  private final PlaybookCache cache;
  private final UpstreamPolicy policy;
  private final TransactionTemplate tx;
  private final Clock clock;
  private final McpDispatcher dispatcher;

  Playbooks(PlaybookStore store, PlaybookCache cache, UpstreamPolicy policy, TransactionTemplate tx, Clock clock, McpDispatcher dispatcher) {
    this.dispatcher = dispatcher;
    this.store = store;
    this.cache = cache;
    this.policy = policy;
    this.tx = tx;
    this.clock = clock;
  }

  public List<PlaybookStore.Summary> list(Principal principal) {
    return store.list(principal.require(Scope.PLAYBOOKS_READ).tenantId());
  }

  public Playbook get(Principal principal, UUID id) {
    return store.find(principal.require(Scope.PLAYBOOKS_READ).tenantId(), id).orElseThrow(Playbooks::notFound);
  }

  /** Whether the caller's tenant has this playbook (for attaching it to something else, such as a session). */
  public boolean exists(Principal principal, UUID id) {
    return store.find(principal.tenantId(), id).isPresent();
  }

  /** The playbook an MCP client connects to: needs mcp:connect, and only within the caller's tenant. */
  public Optional<Playbook> forMcp(Principal principal, UUID id) {
    return principal.has(Scope.MCP_CONNECT) && principal.mayUsePlaybook(id) ? cache.find(principal.tenantId(), id) : Optional.empty();
  }

  /** Creates a playbook from a document that may already list servers and prompts. */
  public Playbook create(Principal principal, JsonNode doc) {
    String tenant = principal.require(Scope.PLAYBOOKS_WRITE).tenantId();
    PlaybookJson.PlaybookFields fields = PlaybookJson.playbookFields(doc, Optional.empty());
    List<UpstreamServer> servers = parseServers(doc, Map.of());
    List<PromptTemplate> prompts = parsePrompts(doc, Map.of());
    UUID id = UUID.randomUUID();
    tx.executeWithoutResult(s -> {
      if (!store.insertPlaybook(tenant, id, fields, clock.instant())) throw nameTaken(fields.name());
      writeChildren(tenant, id, servers, prompts);
    });
    return store.find(tenant, id).orElseThrow();
  }

  /** Creates the playbook named in the document, or replaces the one with that name: idempotent. */
  public Applied apply(Principal principal, JsonNode doc) {
    String tenant = principal.require(Scope.PLAYBOOKS_WRITE).tenantId();
    PlaybookJson.PlaybookFields fields = PlaybookJson.playbookFields(doc, Optional.empty());
    Optional<UUID> existingId = store.idByName(tenant, fields.name());
    if (existingId.isEmpty()) return new Applied(create(principal, doc), true);
    UUID id = existingId.get();
    tx.executeWithoutResult(s -> {
      if (!store.lock(tenant, id)) throw notFound();
      Playbook current = store.find(tenant, id).orElseThrow(Playbooks::notFound);
      Map<String, UpstreamServer> byName = new HashMap<>();
      current.servers().forEach(sv -> byName.put(sv.name(), sv));
      Map<String, PromptTemplate> promptsByName = new HashMap<>();
      current.prompts().forEach(p -> promptsByName.put(p.name(), p));
      List<UpstreamServer> servers = parseServers(doc, byName);
      List<PromptTemplate> prompts = parsePrompts(doc, promptsByName);
      store.updatePlaybook(tenant, id, fields, clock.instant());
      for (UpstreamServer old : current.servers()) {
        if (servers.stream().noneMatch(n -> n.name().equals(old.name()))) store.deleteServer(tenant, id, old.name());
      }
      for (PromptTemplate old : current.prompts()) {
        if (prompts.stream().noneMatch(n -> n.name().equals(old.name()))) store.deletePrompt(tenant, id, old.name());
      }
      writeChildren(tenant, id, servers, prompts);
    });
    return new Applied(store.find(tenant, id).orElseThrow(), false);
  }

  /** The outcome of {@link #apply}. */
  public record Applied(Playbook playbook, boolean created) {}

  public Playbook update(Principal principal, UUID id, JsonNode doc) {
    String tenant = principal.require(Scope.PLAYBOOKS_WRITE).tenantId();
    if (doc != null && (doc.has("servers") || doc.has("prompts"))) {
      throw DirectorException.invalid("gateway.use-subresources", "edit servers and prompts under /servers and /prompts, or use apply");
    }
    tx.executeWithoutResult(s -> {
      if (!store.lock(tenant, id)) throw notFound();
      Playbook current = store.find(tenant, id).orElseThrow(Playbooks::notFound);
      PlaybookJson.PlaybookFields fields = PlaybookJson.playbookFields(doc, Optional.of(new PlaybookJson.PlaybookFields(
          current.name(), current.description(), current.memory(), current.recordArguments())));
      if (!fields.name().equals(current.name()) && store.idByName(tenant, fields.name()).isPresent()) throw nameTaken(fields.name());
      store.updatePlaybook(tenant, id, fields, clock.instant());
    });
    return store.find(tenant, id).orElseThrow();
  }

  public void delete(Principal principal, UUID id) {
    if (!store.deletePlaybook(principal.require(Scope.PLAYBOOKS_WRITE).tenantId(), id)) throw notFound();
  }

  public UpstreamServer server(Principal principal, UUID id, String name) {
    return get(principal, id).servers().stream().filter(s -> s.name().equals(name)).findFirst()
        .orElseThrow(() -> DirectorException.notFound("gateway.server-not-found", "no server '" + PlaybookJson.abbreviate(name) + "' in this playbook"));
  }

  /** Adds a server ({@code replace=false}: 409 when the name exists) or replaces one. */
  public UpstreamServer putServer(Principal principal, UUID id, JsonNode doc, Optional<String> pathName, boolean replace) {
    String tenant = principal.require(Scope.PLAYBOOKS_WRITE).tenantId();
    return tx.execute(s -> {
      if (!store.lock(tenant, id)) throw notFound();
      Playbook current = store.find(tenant, id).orElseThrow(Playbooks::notFound);
      String name = pathName.orElseGet(() -> doc != null && doc.hasNonNull("name") ? doc.get("name").asString() : "");
      Optional<UpstreamServer> existing = current.servers().stream().filter(sv -> sv.name().equals(name)).findFirst();
      if (existing.isPresent() && !replace) {
        throw new DirectorException(ProblemKind.CONFLICT, "gateway.server-exists", "server '" + name + "' already exists; use PUT to replace it");
      }
      UpstreamServer server = PlaybookJson.server(doc, existing);
      if (pathName.isPresent() && !server.name().equals(pathName.get())) {
        throw DirectorException.invalid("gateway.name-mismatch", "the name in the body must match the name in the path");
      }
      policy.check(server);
      List<UpstreamServer> all = new ArrayList<>(current.servers().stream().filter(sv -> !sv.name().equals(server.name())).toList());
      all.add(server);
      checkPrefixes(all);
      checkToolNames(all);
      int position = existing.isPresent() ? current.servers().indexOf(existing.get()) : current.servers().size();
      store.putServer(tenant, id, server, position, clock.instant());
      store.touch(tenant, id, clock.instant());
      return server;
    });
  }

  public void deleteServer(Principal principal, UUID id, String name) {
    String tenant = principal.require(Scope.PLAYBOOKS_WRITE).tenantId();
    tx.executeWithoutResult(s -> {
      if (!store.lock(tenant, id)) throw notFound();
      if (!store.deleteServer(tenant, id, name)) throw DirectorException.notFound("gateway.server-not-found", "no such server in this playbook");
      store.touch(tenant, id, clock.instant());
    });
  }

  public PromptTemplate putPrompt(Principal principal, UUID id, JsonNode doc, Optional<String> pathName, boolean replace) {
    String tenant = principal.require(Scope.PLAYBOOKS_WRITE).tenantId();
    return tx.execute(s -> {
      if (!store.lock(tenant, id)) throw notFound();
      Playbook current = store.find(tenant, id).orElseThrow(Playbooks::notFound);
      String name = pathName.orElseGet(() -> doc != null && doc.hasNonNull("name") ? doc.get("name").asString() : "");
      Optional<PromptTemplate> existing = current.prompts().stream().filter(p -> p.name().equals(name)).findFirst();
      if (existing.isPresent() && !replace) {
        throw new DirectorException(ProblemKind.CONFLICT, "gateway.prompt-exists", "prompt '" + name + "' already exists; use PUT to replace it");
      }
      PromptTemplate prompt = PlaybookJson.prompt(doc, existing.map(PromptTemplate::id));
      if (pathName.isPresent() && !prompt.name().equals(pathName.get())) {
        throw DirectorException.invalid("gateway.name-mismatch", "the name in the body must match the name in the path");
      }
      store.putPrompt(tenant, id, prompt, clock.instant());
      store.touch(tenant, id, clock.instant());
      return prompt;
    });
  }

  public void deletePrompt(Principal principal, UUID id, String name) {
    String tenant = principal.require(Scope.PLAYBOOKS_WRITE).tenantId();
    tx.executeWithoutResult(s -> {
      if (!store.lock(tenant, id)) throw notFound();
      if (!store.deletePrompt(tenant, id, name)) throw DirectorException.notFound("gateway.prompt-not-found", "no such prompt in this playbook");
      store.touch(tenant, id, clock.instant());
    });
  }

  private List<UpstreamServer> parseServers(JsonNode doc, Map<String, UpstreamServer> existing) {
    List<UpstreamServer> servers = new ArrayList<>();
    JsonNode list = doc.get("servers");
    if (list == null || list.isNull()) return servers;
    if (!list.isArray()) throw DirectorException.invalid("gateway.invalid-servers", "servers must be a list");
    for (JsonNode s : list) {
      String name = s != null && s.hasNonNull("name") ? s.get("name").asString() : "";
      UpstreamServer server = PlaybookJson.server(s, Optional.ofNullable(existing.get(name)));
      if (servers.stream().anyMatch(o -> o.name().equals(server.name()))) {
        throw new DirectorException(ProblemKind.CONFLICT, "gateway.server-exists", "server '" + server.name() + "' is listed twice");
      }
      policy.check(server);
      servers.add(server);
    }
    checkPrefixes(servers);
    checkToolNames(servers);
    return servers;
  }

  private static List<PromptTemplate> parsePrompts(JsonNode doc, Map<String, PromptTemplate> existing) {
    List<PromptTemplate> prompts = new ArrayList<>();
    JsonNode list = doc.get("prompts");
    if (list == null || list.isNull()) return prompts;
    if (!list.isArray()) throw DirectorException.invalid("gateway.invalid-prompts", "prompts must be a list");
    for (JsonNode p : list) {
      String name = p != null && p.hasNonNull("name") ? p.get("name").asString() : "";
      PromptTemplate prompt = PlaybookJson.prompt(p, Optional.ofNullable(existing.get(name)).map(PromptTemplate::id));
      if (prompts.stream().anyMatch(o -> o.name().equals(prompt.name()))) {
        throw new DirectorException(ProblemKind.CONFLICT, "gateway.prompt-exists", "prompt '" + prompt.name() + "' is listed twice");
      }
      prompts.add(prompt);
    }
    return prompts;
  }

  private void writeChildren(String tenant, UUID id, List<UpstreamServer> servers, List<PromptTemplate> prompts) {
    for (int i = 0; i < servers.size(); i++) store.putServer(tenant, id, servers.get(i), i, clock.instant());
    for (PromptTemplate p : prompts) store.putPrompt(tenant, id, p, clock.instant());
  }

  /** Two servers may not share a namespace prefix: their tools would collide. */
  private static void checkPrefixes(List<UpstreamServer> servers) {
    Map<String, String> seen = new HashMap<>();
    for (UpstreamServer s : servers) {
      String prefix = s.prefix().orElse(s.name());
      if (prefix.isEmpty()) continue;
      String other = seen.putIfAbsent(prefix, s.name());
      if (other != null) {
        throw new DirectorException(ProblemKind.CONFLICT, "gateway.prefix-collision",
            "servers '" + other + "' and '" + s.name() + "' both use the prefix '" + prefix + "'; their tools would collide");
      }
    }
  }

  /**
   * Refuses servers that would serve two tools under one name. Distinct prefixes rule that out; when
   * a server serves its tools unprefixed, renames tools, or has a prefix with {@code __} in it, the
   * upstreams are asked for their tools (as many as answer within MCP_LIST_DEADLINE; one that does
   * not is checked when it answers, and a clash then is logged and shown in the tools overview).
   */
  private void checkToolNames(List<UpstreamServer> servers) {
    List<UpstreamServer> enabled = servers.stream().filter(s -> !s.disabled()).toList();
    boolean possible = enabled.size() > 1 && enabled.stream().anyMatch(s -> s.prefix().orElse(s.name()).isEmpty()
        || s.prefix().orElse(s.name()).contains("__") || s.tools().renames());
    if (!possible) return;
    Instant now = clock.instant();
    Playbook candidate = new Playbook(UUID.randomUUID(), "-", "(being saved)", "", false, false, 0, enabled, List.of(), now, now);
    Map<String, List<String>> clashes = dispatcher.collisions(candidate);
    if (clashes.isEmpty()) return;
    String named = clashes.entrySet().stream().limit(10)
        .map(e -> "'" + PlaybookJson.abbreviate(e.getKey()) + "' (" + String.join(", ", e.getValue()) + ")").collect(java.util.stream.Collectors.joining(", "));
    throw new DirectorException(ProblemKind.CONFLICT, "gateway.tool-collision", "tools would be served under the same name: " + named
        + (clashes.size() > 10 ? " and " + (clashes.size() - 10) + " more" : "") + "; give the servers prefixes or rename the tools");
  }

  private static DirectorException notFound() {
    return DirectorException.notFound("gateway.playbook-not-found", "no such playbook");
  }

  private static DirectorException nameTaken(String name) {
    return new DirectorException(ProblemKind.CONFLICT, "gateway.playbook-name-taken", "a playbook named '" + name + "' already exists");
  }
}
