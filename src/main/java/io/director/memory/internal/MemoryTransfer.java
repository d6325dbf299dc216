package io.director.memory.internal;

import io.director.identity.Principal;
import io.director.identity.Scope;
import io.director.memory.Decision;
import io.director.memory.ImportResult;
import io.director.memory.Memory;
import io.director.memory.MemoryEvent;
import io.director.platform.config.DirectorConfig;
import io.director.shared.DirectorException;
import io.director.shared.ProblemKind;
import io.director.shared.SecretBox;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A namespace as JSON lines and back. The first line describes the namespace; then every event,
 * memory (with its history) and decision, decisions newest first so that a decision's successor is
 * always imported before it. Secrets are exported, in clear, only to holders of memory:secret, and
 * sealed again on import. Imported items get ids derived from the target namespace and their
 * exported id, so importing the same file twice adds nothing the second time.
 */
@Component
public class MemoryTransfer {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final JdbcClient jdbc;
  private final MemoryStore store;
  private final Indexer indexer;
  private final TransactionTemplate tx;
  private final SecretBox box;
  private final MemoryConfig config;

  MemoryTransfer(JdbcClient jdbc, MemoryStore store, Indexer indexer, TransactionTemplate tx, DirectorConfig director, MemoryConfig config) {
    this.jdbc = jdbc;
    this.store = store;
    this.indexer = indexer;
    this.tx = tx;
    this.box = new SecretBox(director.secret().orElseThrow());
    this.config = config;
  }

  /** Writes the namespace as JSON lines; returns how many items were written. */
  public long export(Principal p, String ns, Writer out) throws IOException {
    MemoryStore.Namespace namespace = store.namespace(p.tenantId(), ns)
        .orElseThrow(() -> DirectorException.notFound("memory.unknown-namespace", "no namespace named " + ns));
    boolean secrets = p.has(Scope.MEMORY_SECRET);
    ObjectNode head = JSON.createObjectNode().put("type", "namespace").put("name", ns).put("format", 1);
    if (namespace.ttlDays() != null) head.put("ttl_days", namespace.ttlDays());
    out.write(JSON.writeValueAsString(head) + "\n");
    long[] n = {0};
    IOException[] failure = {null};
    Map<String, Object> params = Map.of("t", p.tenantId(), "ns", namespace.id(), "secrets", secrets);
    jdbc.sql("SELECT e.*, n.name AS namespace FROM memory_events e JOIN memory_namespaces n ON n.id = e.namespace_id "
            + "WHERE e.tenant_id = :t AND e.namespace_id = :ns AND (:secrets OR e.sensitivity <> 'secret') ORDER BY e.created_at, e.id")
        .params(params).query((java.sql.ResultSet rs) -> {
          MemoryStore.StoredEvent s = MemoryStore.eventRow(rs, 0);
          MemoryEvent e = s.event();
          String content = e.content();
          JsonNode json = e.content_json();
          if (s.sealed() != null) {
            String plain = box.open(s.sealed(), MemoryItems.sealContext(p.tenantId(), e.id()));
            int cut = plain.indexOf('\u0000');
            content = cut < 0 ? plain : plain.substring(0, cut);
            json = cut < 0 ? null : JSON.readTree(plain.substring(cut + 1));
          }
          ObjectNode line = JSON.createObjectNode().put("type", "event").put("id", e.id().toString()).put("kind", e.kind());
          line.putObject("actor").put("type", e.actor().type()).put("id", e.actor().id());
          line.put("channel", e.channel()).put("content", content);
          if (json != null) line.set("content_json", json);
          strings(line.putArray("tags"), e.tags());
          strings(line.putArray("refs"), e.refs());
          line.put("sensitivity", e.sensitivity());
          if (e.session_id() != null) line.put("session_id", e.session_id().toString());
          line.put("created_at", e.created_at().toString());
          write(out, line, failure);
          n[0]++;
        });
    for (MemoryStore.StoredMemory s : store.memories(p.tenantId(), Optional.of(namespace.id()), Optional.empty(), Optional.empty(), secrets,
        Integer.MAX_VALUE)) {
      Memory m = s.memory();
      String text = s.sealed() == null ? m.text() : box.open(s.sealed(), MemoryItems.sealContext(p.tenantId(), m.id()));
      ObjectNode line = JSON.createObjectNode().put("type", "memory").put("id", m.id().toString()).put("text", text);
      strings(line.putArray("tags"), m.tags());
      line.put("importance", m.importance());
      strings(line.putArray("source_refs"), m.source_refs());
      if (m.valid_from() != null) line.put("valid_from", m.valid_from().toString());
      if (m.valid_to() != null) line.put("valid_to", m.valid_to().toString());
      line.put("sensitivity", m.sensitivity()).put("version", m.version()).put("created_by", m.created_by())
          .put("created_at", m.created_at().toString()).put("updated_at", m.updated_at().toString());
      ArrayNode history = line.putArray("history");
      for (Object[] row : store.history(m.id())) {
        Memory.Version v = (Memory.Version) row[0];
        String vt = row[1] == null ? v.text() : box.open((String) row[1], MemoryItems.sealContext(p.tenantId(), m.id()));
        ObjectNode h = history.addObject().put("version", v.version()).put("text", vt).put("importance", v.importance());
        strings(h.putArray("tags"), v.tags());
        if (v.valid_from() != null) h.put("valid_from", v.valid_from().toString());
        if (v.valid_to() != null) h.put("valid_to", v.valid_to().toString());
        h.put("changed_by", v.changed_by()).put("changed_at", v.changed_at().toString());
      }
      write(out, line, failure);
      n[0]++;
    }
    for (Decision d : store.decisions(p.tenantId(), Optional.of(namespace.id()), Optional.empty(), Optional.empty(), Integer.MAX_VALUE)) {
      ObjectNode line = JSON.createObjectNode().put("type", "decision").put("id", d.id().toString()).put("title", d.title())
          .put("decision", d.decision()).put("rationale", d.rationale());
      strings(line.putArray("alternatives"), d.alternatives());
      line.put("status", d.status());
      if (d.superseded_by() != null) line.put("superseded_by", d.superseded_by().toString());
      line.put("scope", d.scope());
      strings(line.putArray("tags"), d.tags());
      line.put("created_by", d.created_by()).put("created_at", d.created_at().toString()).put("updated_at", d.updated_at().toString());
      write(out, line, failure);
      n[0]++;
    }
    if (failure[0] != null) throw failure[0];
    return n[0];
  }

  /** Imports JSON lines into namespace {@code ns} (created if needed), in one transaction: all lines or none. */
  public ImportResult importLines(Principal p, String ns, BufferedReader reader) throws IOException {
    Fields.namespace(ns, "namespace");
    List<JsonNode> lines = new ArrayList<>();
    String line;
    int number = 0;
    Integer ttl = null;
    while ((line = reader.readLine()) != null) {
      number++;
      if (line.isBlank()) continue;
      JsonNode doc;
      try {
        doc = JSON.readTree(line);
      } catch (RuntimeException e) {
        throw DirectorException.field("memory.import-invalid", "line " + number, "is not JSON");
      }
      String type = doc.path("type").asString("");
      if (type.equals("namespace")) {
        if (doc.hasNonNull("ttl_days")) ttl = doc.get("ttl_days").asInt();
        continue;
      }
      if (!Set.of("event", "memory", "decision").contains(type)) {
        throw DirectorException.field("memory.import-invalid", "line " + number, "type must be namespace, event, memory or decision");
      }
      if (doc.path("sensitivity").asString("").equals("secret") && !p.has(Scope.MEMORY_SECRET)) {
        throw new DirectorException(ProblemKind.FORBIDDEN, "identity.missing-scope", "line " + number + " is a secret; importing it needs memory:secret");
      }
      ((ObjectNode) doc).put("_line", number);
      lines.add(doc);
    }
    List<Row> rows = new ArrayList<>();
    for (JsonNode doc : lines) rows.add(row(p, ns, doc));
    Set<UUID> existing = existing(rows.stream().map(Row::id).toList());
    List<Row> fresh = rows.stream().filter(r -> !existing.contains(r.id())).toList();
    List<Indexer.Prepared> prepared = indexer.prepare(fresh.stream().map(Row::item).filter(java.util.Objects::nonNull).toList());
    Integer ttlDays = ttl;
    List<Indexer.Written> written = new ArrayList<>();
    int[] counts = new int[3];
    tx.executeWithoutResult(s -> {
      long nsId = store.namespaceId(p.tenantId(), ns);
      if (ttlDays != null && ttlDays > 0) store.namespace(p.tenantId(), ns).filter(n -> n.ttlDays() == null).ifPresent(n -> store.setTtl(nsId, ttlDays));
      int next = 0;
      for (Row r : fresh) {
        switch (r.value()) {
          case MemoryEvent e -> {
            store.insertEvent(p.tenantId(), nsId, e, r.sealed());
            counts[0]++;
          }
          case Memory m -> {
            store.insertMemory(p.tenantId(), nsId, m, r.sealed());
            for (JsonNode h : r.doc().path("history")) insertHistory(p, m.id(), h);
            counts[1]++;
          }
          case Decision d -> {
            UUID successor = d.superseded_by() != null && exists("memory_decisions", d.superseded_by()) ? d.superseded_by() : null;
            store.insertDecision(p.tenantId(), nsId, new Decision(d.id(), d.namespace(), d.title(), d.decision(), d.rationale(),
                d.alternatives(), successor == null ? "active" : d.status(), successor, d.scope(), d.tags(), d.created_by(), d.created_at(),
                d.updated_at(), null));
            counts[2]++;
          }
          default -> throw new IllegalStateException();
        }
        if (r.item() != null) written.add(indexer.write(prepared.get(next++), nsId));
      }
    });
    indexer.published(written);
    return new ImportResult(ns, counts[0], counts[1], counts[2], rows.size() - fresh.size());
  }

  private record Row(UUID id, Object value, String sealed, Indexer.Item item, JsonNode doc) {}

  private Row row(Principal p, String ns, JsonNode doc) {
    String where = "line " + doc.get("_line").asInt();
    try {
      UUID old = Fields.uuid(doc, "id").orElseGet(UUID::randomUUID);
      UUID id = UUID.nameUUIDFromBytes((p.tenantId() + "/" + ns + "/" + old).getBytes(StandardCharsets.UTF_8));
      String sensitivity = doc.path("sensitivity").asString("none");
      boolean secret = sensitivity.equals("secret");
      Instant created = Fields.instant(doc, "created_at").orElse(Instant.now());
      String creator = Fields.text(doc, "created_by").orElse(p.label());
      switch (doc.get("type").asString()) {
        case "event" -> {
          String content = Fields.content(doc, "content", config.maxContentBytes());
          SecretScanner.Result scanned = secret ? new SecretScanner.Result(content, List.of()) : SecretScanner.scan(content);
          JsonNode actor = doc.path("actor");
          JsonNode json = Fields.json(doc, "content_json", config.maxContentBytes()).orElse(null);
          String kind = doc.path("kind").asString("note");
          if (!MemoryItems.EVENT_KINDS.contains(kind)) throw DirectorException.field("memory.invalid-choice", "kind", "is not an event kind");
          MemoryEvent e = new MemoryEvent(id, ns, kind, new MemoryEvent.Actor(actor.path("type").asString("agent"),
              actor.path("id").asString(p.label())), doc.path("channel").asString("team"), scanned.text(), secret ? null : json,
              Fields.tags(doc, "tags"), Fields.strings(doc, "refs", 64, 200), sensitivity, Fields.uuid(doc, "session_id").orElse(null), created, null);
          String sealed = secret ? box.seal(content + (json == null ? "" : "\u0000" + json), MemoryItems.sealContext(p.tenantId(), id)) : null;
          return new Row(id, e, sealed, secret ? null : new Indexer.Item(id, p.tenantId(), "event", kind, e.tags(), e.content(), null, null, created), doc);
        }
        case "memory" -> {
          String text = Fields.content(doc, "text", config.maxContentBytes());
          SecretScanner.Result scanned = secret ? new SecretScanner.Result(text, List.of()) : SecretScanner.scan(text);
          Memory m = new Memory(id, ns, scanned.text(), Fields.tags(doc, "tags"), Fields.number(doc, "importance", 0, 1).orElse(0.5),
              Fields.strings(doc, "source_refs", 64, 200), Fields.instant(doc, "valid_from").orElse(null), Fields.instant(doc, "valid_to").orElse(null),
              sensitivity, Fields.integer(doc, "version", 1, Integer.MAX_VALUE).orElse(1), creator, created,
              Fields.instant(doc, "updated_at").orElse(created), null);
          String sealed = secret ? box.seal(text, MemoryItems.sealContext(p.tenantId(), id)) : null;
          return new Row(id, m, sealed, secret ? null : new Indexer.Item(id, p.tenantId(), "memory", "memory", m.tags(), m.text(), m.importance(),
              m.valid_to(), created), doc);
        }
        default -> {
          String title = SecretScanner.scan(Fields.content(doc, "title", config.maxContentBytes())).text();
          String decision = SecretScanner.scan(Fields.content(doc, "decision", config.maxContentBytes())).text();
          String rationale = SecretScanner.scan(Fields.text(doc, "rationale").orElse("")).text();
          List<String> alternatives = Fields.strings(doc, "alternatives", 32, 2000).stream().map(a -> SecretScanner.scan(a).text()).toList();
          UUID successor = Fields.uuid(doc, "superseded_by")
              .map(s -> UUID.nameUUIDFromBytes((p.tenantId() + "/" + ns + "/" + s).getBytes(StandardCharsets.UTF_8))).orElse(null);
          String status = doc.path("status").asString("active").equals("superseded") ? "superseded" : "active";
          Decision d = new Decision(id, ns, title, decision, rationale, alternatives, status, successor, doc.path("scope").asString(""),
              Fields.tags(doc, "tags"), creator, created, Fields.instant(doc, "updated_at").orElse(created), null);
          return new Row(id, d, null, new Indexer.Item(id, p.tenantId(), "decision", "decision", d.tags(), MemoryItems.searchText(d), null, null,
              created), doc);
        }
      }
    } catch (DirectorException e) {
      if (e.kind() == ProblemKind.TOO_LARGE) throw e;
      throw DirectorException.field("memory.import-invalid", where, e.getMessage());
    }
  }

  private void insertHistory(Principal p, UUID memoryId, JsonNode h) {
    String text = h.path("text").asString("");
    jdbc.sql("""
        INSERT INTO memory_memory_history (memory_id, version, text, tags, importance, valid_from, valid_to, changed_by, changed_at)
        VALUES (:id, :v, :text, :tags, :imp, :vf, :vt, :by, :at) ON CONFLICT DO NOTHING""")
        .param("id", memoryId).param("v", h.path("version").asInt(1)).param("text", SecretScanner.scan(text).text())
        .param("tags", Fields.tags(h, "tags").toArray(String[]::new)).param("imp", h.path("importance").asDouble(0.5))
        .param("vf", Fields.instant(h, "valid_from").map(Timestamp::from).orElse(null))
        .param("vt", Fields.instant(h, "valid_to").map(Timestamp::from).orElse(null)).param("by", h.path("changed_by").asString(p.label()))
        .param("at", Timestamp.from(Fields.instant(h, "changed_at").orElse(Instant.now()))).update();
  }

  private Set<UUID> existing(List<UUID> ids) {
    if (ids.isEmpty()) return Set.of();
    String[] a = ids.stream().map(UUID::toString).toArray(String[]::new);
    return new HashSet<>(jdbc.sql("""
        SELECT id FROM memory_events WHERE id = ANY (CAST(:ids AS uuid[])) UNION ALL
        SELECT id FROM memory_memories WHERE id = ANY (CAST(:ids AS uuid[])) UNION ALL
        SELECT id FROM memory_decisions WHERE id = ANY (CAST(:ids AS uuid[]))""").param("ids", a).query(UUID.class).list());
  }

  private boolean exists(String table, UUID id) {
    return jdbc.sql("SELECT count(*) FROM " + table + " WHERE id = :id").param("id", id).query(Long.class).single() > 0;
  }

  private static void strings(ArrayNode a, List<String> values) {
    values.forEach(a::add);
  }

  private static void write(Writer out, ObjectNode line, IOException[] failure) {
    if (failure[0] != null) return;
    try {
      out.write(JSON.writeValueAsString(line));
      out.write('\n');
    } catch (IOException e) {
      failure[0] = e;
    }
  }
}
