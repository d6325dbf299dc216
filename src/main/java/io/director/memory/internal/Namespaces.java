package io.director.memory.internal;

import io.director.shared.DirectorException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/** A tenant's namespaces: listed, given a retention, deleted with everything in them. */
@Component
public class Namespaces {
  private final MemoryStore store;

  Namespaces(MemoryStore store) {
    this.store = store;
  }

  public List<Map<String, Object>> list(String tenant) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (MemoryStore.Namespace ns : store.namespaces(tenant)) out.add(view(ns.name(), ns.ttlDays(), ns.createdAt()));
    return out;
  }

  /** Creates the namespace if needed and sets its retention from {@code {"ttl_days": n | null}}. */
  public Map<String, Object> configure(String tenant, String name, JsonNode body) {
    String ns = Fields.namespace(name, "namespace");
    Fields.object(body, "body", java.util.Set.of("ttl_days"));
    if (!body.has("ttl_days")) throw DirectorException.field("memory.missing", "ttl_days", "is required (null keeps items forever)");
    Integer ttl = Fields.integer(body, "ttl_days", 1, 36_500).orElse(null);
    long id = store.namespaceId(tenant, ns);
    store.setTtl(id, ttl);
    MemoryStore.Namespace saved = store.namespace(tenant, ns).orElseThrow();
    return view(ns, ttl, saved.createdAt());
  }

  public void delete(String tenant, String name) {
    if (!store.deleteNamespace(tenant, name)) throw unknown(name);
  }

  /** The namespace's id; 404 when the tenant has no such namespace. */
  public Optional<Long> id(String tenant, Optional<String> name) {
    return name.map(n -> store.namespace(tenant, n).orElseThrow(() -> unknown(n)).id());
  }

  static DirectorException unknown(String name) {
    return DirectorException.notFound("memory.unknown-namespace", "no namespace named " + Fields.abbreviate(name));
  }

  private static Map<String, Object> view(String name, Integer ttl, java.time.Instant created) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("ttl_days", ttl);
    m.put("created_at", created);
    return m;
  }
}
