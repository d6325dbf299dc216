package io.director.memory;

import io.director.identity.Audit;
import io.director.identity.Principal;
import io.director.identity.Scope;
import io.director.memory.internal.ContextAssembler;
import io.director.memory.internal.MemoryItems;
import io.director.memory.internal.MemoryLimits;
import io.director.memory.internal.MemorySearch;
import io.director.memory.internal.MemoryTransfer;
import io.director.memory.internal.Namespaces;
import io.director.shared.DirectorException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;

/**
 * Shared agent memory for one tenant at a time: the event log, memories, decisions, search,
 * context bundles, namespaces and their export. Every call acts within the caller's tenant and
 * checks the caller's scopes (memory:read, memory:write, memory:secret) and per-key rate limits.
 */
@Service
public class Memories {
  private final MemoryItems items;
  private final MemorySearch search;
  private final ContextAssembler context;
  private final MemoryTransfer transfer;
  private final Namespaces namespaces;
  private final MemoryLimits limits;
  private final Audit audit;

  Memories(MemoryItems items, MemorySearch search, ContextAssembler context, MemoryTransfer transfer, Namespaces namespaces, MemoryLimits limits,
      Audit audit) {
    this.items = items;
    this.search = search;
    this.context = context;
    this.transfer = transfer;
    this.namespaces = namespaces;
    this.limits = limits;
    this.audit = audit;
  }

  /** Appends one event ({@code {...}}) or a batch ({@code {"namespace": …, "events": [...]}}). */
  public List<MemoryEvent> record(Principal p, JsonNode body, Optional<HttpServletResponse> response) {
    p.require(Scope.MEMORY_WRITE);
    limits.write(p, response);
    if (body != null && body.has("events")) {
      JsonNode events = body.get("events");
      for (String f : body.propertyNames()) {
        if (!f.equals("events") && !f.equals("namespace")) throw DirectorException.field("memory.unknown-field", f, "a batch has only namespace and events");
      }
      if (!events.isArray()) throw DirectorException.field("memory.invalid", "events", "must be an array of events");
      List<JsonNode> docs = new ArrayList<>();
      events.forEach(docs::add);
      String ns = body.path("namespace").isString() ? body.get("namespace").asString() : null;
      return items.record(p, ns, docs);
    }
    return items.record(p, null, List.of(body));
  }

  public List<MemoryEvent> events(Principal p, Optional<String> namespace, Optional<String> kind, Optional<Instant> since,
      Optional<Instant> before, int limit) {
    p.require(Scope.MEMORY_READ);
    return items.events(p, namespaceId(p, namespace), kind, since, before, limit);
  }

  public MemoryEvent event(Principal p, UUID id) {
    return items.event(p.require(Scope.MEMORY_READ), id);
  }

  public void deleteEvent(Principal p, UUID id, Optional<HttpServletResponse> response) {
    p.require(Scope.MEMORY_WRITE);
    limits.write(p, response);
    items.deleteEvent(p, id);
    audit.record("memory_deleted", p.tenantId(), p.label(), Map.of("type", "event", "id", id.toString()));
  }

  public Memory remember(Principal p, JsonNode body, Optional<HttpServletResponse> response) {
    p.require(Scope.MEMORY_WRITE);
    limits.write(p, response);
    return items.remember(p, null, body);
  }

  public Memory update(Principal p, UUID id, JsonNode body, Optional<HttpServletResponse> response) {
    p.require(Scope.MEMORY_WRITE);
    limits.write(p, response);
    return items.update(p, id, body);
  }

  public Memory memory(Principal p, UUID id) {
    return items.memory(p.require(Scope.MEMORY_READ), id);
  }

  public List<Memory.Version> history(Principal p, UUID id) {
    return items.history(p.require(Scope.MEMORY_READ), id);
  }

  public List<Memory> memories(Principal p, Optional<String> namespace, Optional<String> tag, Optional<Instant> before, int limit) {
    p.require(Scope.MEMORY_READ);
    return items.memories(p, namespaceId(p, namespace), tag, before, limit);
  }

  public void forget(Principal p, UUID id, Optional<HttpServletResponse> response) {
    p.require(Scope.MEMORY_WRITE);
    limits.write(p, response);
    items.forget(p, id);
    audit.record("memory_deleted", p.tenantId(), p.label(), Map.of("type", "memory", "id", id.toString()));
  }

  public Decision decide(Principal p, JsonNode body, Optional<HttpServletResponse> response) {
    p.require(Scope.MEMORY_WRITE);
    limits.write(p, response);
    return items.decide(p, null, body);
  }

  public Decision decision(Principal p, UUID id) {
    return items.decision(p.require(Scope.MEMORY_READ), id);
  }

  public List<Decision> decisions(Principal p, Optional<String> namespace, Optional<String> status, Optional<Instant> before, int limit) {
    p.require(Scope.MEMORY_READ);
    status.ifPresent(s -> {
      if (!s.equals("active") && !s.equals("superseded")) throw DirectorException.invalid("request.invalid-parameter", "status must be active or superseded");
    });
    return items.decisions(p, namespaceId(p, namespace), status, before, limit);
  }

  public void deleteDecision(Principal p, UUID id, Optional<HttpServletResponse> response) {
    p.require(Scope.MEMORY_WRITE);
    limits.write(p, response);
    items.deleteDecision(p, id);
    audit.record("memory_deleted", p.tenantId(), p.label(), Map.of("type", "decision", "id", id.toString()));
  }

  public SearchResults search(Principal p, JsonNode body, Optional<HttpServletResponse> response) {
    p.require(Scope.MEMORY_READ);
    MemorySearch.Request request = MemorySearch.parse(body, Optional.empty());
    limits.search(p, response);
    return search.search(p, request);
  }

  public ContextBundle context(Principal p, JsonNode body, Optional<HttpServletResponse> response) {
    p.require(Scope.MEMORY_READ);
    limits.context(p, response);
    return context.assemble(p, body, Optional.empty());
  }

  /** The tenant's namespaces with their retention. */
  public List<Map<String, Object>> namespaces(Principal p) {
    p.require(Scope.MEMORY_READ);
    return namespaces.list(p.tenantId());
  }

  /** Creates a namespace or changes its retention ({@code {"ttl_days": n | null}}); tenant admins only. */
  public Map<String, Object> configureNamespace(Principal p, String name, JsonNode body) {
    requireTenantAdmin(p);
    Map<String, Object> ns = namespaces.configure(p.tenantId(), name, body);
    Map<String, Object> details = new LinkedHashMap<>(ns);
    details.remove("created_at");
    details.values().removeIf(java.util.Objects::isNull);
    audit.record("memory_namespace_changed", p.tenantId(), p.label(), details);
    return ns;
  }

  /** Deletes a namespace and everything in it; tenant admins only. */
  public void deleteNamespace(Principal p, String name) {
    requireTenantAdmin(p);
    namespaces.delete(p.tenantId(), name);
    audit.record("memory_namespace_deleted", p.tenantId(), p.label(), Map.of("namespace", name));
  }

  public long export(Principal p, String namespace, Writer out) throws IOException {
    p.require(Scope.MEMORY_READ);
    long n = transfer.export(p, namespace, out);
    audit.record("memory_exported", p.tenantId(), p.label(), Map.of("namespace", namespace, "items", n));
    return n;
  }

  public ImportResult importLines(Principal p, String namespace, BufferedReader in) throws IOException {
    p.require(Scope.MEMORY_WRITE);
    ImportResult result = transfer.importLines(p, namespace, in);
    audit.record("memory_imported", p.tenantId(), p.label(), Map.of("namespace", namespace, "events", result.events(),
        "memories", result.memories(), "decisions", result.decisions()));
    return result;
  }

  private Optional<Long> namespaceId(Principal p, Optional<String> namespace) {
    return namespaces.id(p.tenantId(), namespace);
  }

  private static void requireTenantAdmin(Principal p) {
    if (!p.tenantAdmin()) {
      throw new DirectorException(io.director.shared.ProblemKind.FORBIDDEN, "memory.admin-only", "namespace settings are for tenant admins");
    }
  }
}
