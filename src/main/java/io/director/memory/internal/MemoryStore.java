package io.director.memory.internal;

import io.director.memory.Decision;
import io.director.memory.Memory;
import io.director.memory.MemoryEvent;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Events, memories, decisions and namespaces in PostgreSQL. Every query filters on the tenant. A
 * secret's text is passed in already sealed and comes back sealed; callers open it.
 */
@Repository
class MemoryStore {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final JdbcClient jdbc;

  MemoryStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** A namespace row. */
  record Namespace(long id, String name, Integer ttlDays, Instant createdAt) {}

  /** The namespace's id, creating it on first use (concurrent first uses agree). */
  long namespaceId(String tenant, String name) {
    return jdbc.sql("""
        INSERT INTO memory_namespaces (tenant_id, name) VALUES (:t, :n)
        ON CONFLICT (tenant_id, name) DO UPDATE SET name = EXCLUDED.name RETURNING id""")
        .param("t", tenant).param("n", name).query(Long.class).single();
  }

  Optional<Namespace> namespace(String tenant, String name) {
    return jdbc.sql("SELECT id, name, ttl_days, created_at FROM memory_namespaces WHERE tenant_id = :t AND name = :n")
        .param("t", tenant).param("n", name).query(MemoryStore::namespaceRow).optional();
  }

  List<Namespace> namespaces(String tenant) {
    return jdbc.sql("SELECT id, name, ttl_days, created_at FROM memory_namespaces WHERE tenant_id = :t ORDER BY name")
        .param("t", tenant).query(MemoryStore::namespaceRow).list();
  }

  void setTtl(long namespaceId, Integer ttlDays) {
    jdbc.sql("UPDATE memory_namespaces SET ttl_days = :d WHERE id = :id").param("d", ttlDays).param("id", namespaceId).update();
  }

  boolean deleteNamespace(String tenant, String name) {
    return jdbc.sql("DELETE FROM memory_namespaces WHERE tenant_id = :t AND name = :n").param("t", tenant).param("n", name).update() > 0;
  }

  /** Namespaces with a retention, across tenants, for the retention job. */
  List<Namespace> withTtl() {
    return jdbc.sql("SELECT id, name, ttl_days, created_at FROM memory_namespaces WHERE ttl_days IS NOT NULL").query(MemoryStore::namespaceRow).list();
  }

  private static Namespace namespaceRow(ResultSet rs, int i) throws SQLException {
    int ttl = rs.getInt("ttl_days");
    return new Namespace(rs.getLong("id"), rs.getString("name"), rs.wasNull() ? null : ttl, rs.getTimestamp("created_at").toInstant());
  }

  // ---- events

  void insertEvent(String tenant, long namespaceId, MemoryEvent e, String sealed) {
    jdbc.sql("""
        INSERT INTO memory_events (id, tenant_id, namespace_id, kind, actor_type, actor_id, channel, content, content_json, sealed,
                                   tags, refs, sensitivity, session_id, created_at)
        VALUES (:id, :t, :ns, :kind, :at, :aid, :ch, :content, CAST(:json AS jsonb), :sealed, :tags, :refs, :sens, :sid, :created)""")
        .param("id", e.id()).param("t", tenant).param("ns", namespaceId).param("kind", e.kind()).param("at", e.actor().type())
        .param("aid", e.actor().id()).param("ch", e.channel()).param("content", sealed != null ? "" : e.content())
        .param("json", e.content_json() == null ? null : JSON.writeValueAsString(e.content_json())).param("sealed", sealed)
        .param("tags", e.tags().toArray(String[]::new)).param("refs", e.refs().toArray(String[]::new)).param("sens", e.sensitivity())
        .param("sid", e.session_id()).param("created", Timestamp.from(e.created_at())).update();
  }

  /** A stored event and, for a secret, its sealed text. */
  record StoredEvent(MemoryEvent event, String sealed) {}

  List<StoredEvent> events(String tenant, Optional<Long> namespaceId, Optional<String> kind, Optional<Instant> since,
      Optional<Instant> before, boolean secrets, int limit) {
    return jdbc.sql("""
        SELECT e.*, n.name AS namespace FROM memory_events e JOIN memory_namespaces n ON n.id = e.namespace_id
        WHERE e.tenant_id = :t AND (CAST(:ns AS bigint) IS NULL OR e.namespace_id = :ns) AND (CAST(:kind AS text) IS NULL OR e.kind = :kind)
          AND (CAST(:since AS timestamptz) IS NULL OR e.created_at >= :since) AND (CAST(:before AS timestamptz) IS NULL OR e.created_at < :before)
          AND (:secrets OR e.sensitivity <> 'secret')
        ORDER BY e.created_at DESC, e.id LIMIT :limit""")
        .param("t", tenant).param("ns", namespaceId.orElse(null)).param("kind", kind.orElse(null))
        .param("since", since.map(Timestamp::from).orElse(null)).param("before", before.map(Timestamp::from).orElse(null))
        .param("secrets", secrets).param("limit", limit).query(MemoryStore::eventRow).list();
  }

  Optional<StoredEvent> event(String tenant, UUID id) {
    return jdbc.sql("SELECT e.*, n.name AS namespace FROM memory_events e JOIN memory_namespaces n ON n.id = e.namespace_id WHERE e.tenant_id = :t AND e.id = :id")
        .param("t", tenant).param("id", id).query(MemoryStore::eventRow).optional();
  }

  boolean deleteEvent(String tenant, UUID id) {
    return jdbc.sql("DELETE FROM memory_events WHERE tenant_id = :t AND id = :id").param("t", tenant).param("id", id).update() > 0;
  }

  static StoredEvent eventRow(ResultSet rs, int i) throws SQLException {
    String json = rs.getString("content_json");
    JsonNode content = json == null ? null : JSON.readTree(json);
    MemoryEvent e = new MemoryEvent(rs.getObject("id", UUID.class), rs.getString("namespace"), rs.getString("kind"),
        new MemoryEvent.Actor(rs.getString("actor_type"), rs.getString("actor_id")), rs.getString("channel"), rs.getString("content"),
        content, strings(rs.getArray("tags")), strings(rs.getArray("refs")), rs.getString("sensitivity"),
        rs.getObject("session_id", UUID.class), rs.getTimestamp("created_at").toInstant(), null);
    return new StoredEvent(e, rs.getString("sealed"));
  }

  // ---- memories

  record StoredMemory(Memory memory, String sealed) {}

  void insertMemory(String tenant, long namespaceId, Memory m, String sealed) {
    jdbc.sql("""
        INSERT INTO memory_memories (id, tenant_id, namespace_id, text, sealed, sensitivity, tags, importance, source_refs, valid_from,
                                     valid_to, version, created_by, updated_by, created_at, updated_at)
        VALUES (:id, :t, :ns, :text, :sealed, :sens, :tags, :imp, :refs, :vf, :vt, :v, :by, :by, :created, :updated)""")
        .param("id", m.id()).param("t", tenant).param("ns", namespaceId).param("text", sealed != null ? "" : m.text())
        .param("sealed", sealed).param("sens", m.sensitivity()).param("tags", m.tags().toArray(String[]::new))
        .param("imp", m.importance()).param("refs", m.source_refs().toArray(String[]::new)).param("vf", ts(m.valid_from()))
        .param("vt", ts(m.valid_to())).param("v", m.version()).param("by", m.created_by()).param("created", Timestamp.from(m.created_at()))
        .param("updated", Timestamp.from(m.updated_at())).update();
  }

  /** Keeps the current version as history (with who wrote it and when), then writes the new one. */
  void updateMemory(String tenant, Memory m, String sealed, String changedBy) {
    jdbc.sql("""
        INSERT INTO memory_memory_history (memory_id, version, text, sealed, tags, importance, valid_from, valid_to, changed_by, changed_at)
        SELECT id, version, text, sealed, tags, importance, valid_from, valid_to, updated_by, updated_at FROM memory_memories
        WHERE id = :id AND tenant_id = :t""")
        .param("id", m.id()).param("t", tenant).update();
    jdbc.sql("""
        UPDATE memory_memories SET text = :text, sealed = :sealed, tags = :tags, importance = :imp, valid_from = :vf, valid_to = :vt,
               version = :v, updated_by = :by, updated_at = :updated WHERE id = :id AND tenant_id = :t""")
        .param("by", changedBy)
        .param("id", m.id()).param("t", tenant).param("text", sealed != null ? "" : m.text()).param("sealed", sealed)
        .param("tags", m.tags().toArray(String[]::new)).param("imp", m.importance()).param("vf", ts(m.valid_from()))
        .param("vt", ts(m.valid_to())).param("v", m.version()).param("updated", Timestamp.from(m.updated_at())).update();
  }

  Optional<StoredMemory> memory(String tenant, UUID id, boolean forUpdate) {
    return jdbc.sql("SELECT m.*, n.name AS namespace FROM memory_memories m JOIN memory_namespaces n ON n.id = m.namespace_id "
            + "WHERE m.tenant_id = :t AND m.id = :id" + (forUpdate ? " FOR UPDATE OF m" : ""))
        .param("t", tenant).param("id", id).query(MemoryStore::memoryRow).optional();
  }

  List<StoredMemory> memories(String tenant, Optional<Long> namespaceId, Optional<String> tag, Optional<Instant> before, boolean secrets,
      int limit) {
    return jdbc.sql("""
        SELECT m.*, n.name AS namespace FROM memory_memories m JOIN memory_namespaces n ON n.id = m.namespace_id
        WHERE m.tenant_id = :t AND (CAST(:ns AS bigint) IS NULL OR m.namespace_id = :ns) AND (CAST(:tag AS text) IS NULL OR :tag = ANY (m.tags))
          AND (CAST(:before AS timestamptz) IS NULL OR m.updated_at < :before) AND (:secrets OR m.sensitivity <> 'secret')
        ORDER BY m.updated_at DESC, m.id LIMIT :limit""")
        .param("t", tenant).param("ns", namespaceId.orElse(null)).param("tag", tag.orElse(null))
        .param("before", before.map(Timestamp::from).orElse(null)).param("secrets", secrets).param("limit", limit)
        .query(MemoryStore::memoryRow).list();
  }

  /** Rules of a namespace: memories tagged {@code rule} that are valid now, most important first. */
  List<StoredMemory> rules(String tenant, long namespaceId, Instant now, int limit) {
    return jdbc.sql("""
        SELECT m.*, n.name AS namespace FROM memory_memories m JOIN memory_namespaces n ON n.id = m.namespace_id
        WHERE m.tenant_id = :t AND m.namespace_id = :ns AND 'rule' = ANY (m.tags) AND m.sensitivity <> 'secret'
          AND (m.valid_from IS NULL OR m.valid_from <= :now) AND (m.valid_to IS NULL OR m.valid_to > :now)
        ORDER BY m.importance DESC, m.updated_at DESC LIMIT :limit""")
        .param("t", tenant).param("ns", namespaceId).param("now", Timestamp.from(now)).param("limit", limit)
        .query(MemoryStore::memoryRow).list();
  }

  /** The earlier versions of a memory, newest first, sealed texts as stored. */
  List<Object[]> history(UUID id) {
    return jdbc.sql("SELECT * FROM memory_memory_history WHERE memory_id = :id ORDER BY version DESC").param("id", id)
        .query((rs, i) -> new Object[] {new Memory.Version(rs.getInt("version"), rs.getString("text"), strings(rs.getArray("tags")),
            rs.getDouble("importance"), instant(rs, "valid_from"), instant(rs, "valid_to"), rs.getString("changed_by"),
            rs.getTimestamp("changed_at").toInstant()), rs.getString("sealed")}).list();
  }

  boolean deleteMemory(String tenant, UUID id) {
    return jdbc.sql("DELETE FROM memory_memories WHERE tenant_id = :t AND id = :id").param("t", tenant).param("id", id).update() > 0;
  }

  private static StoredMemory memoryRow(ResultSet rs, int i) throws SQLException {
    Memory m = new Memory(rs.getObject("id", UUID.class), rs.getString("namespace"), rs.getString("text"), strings(rs.getArray("tags")),
        rs.getDouble("importance"), strings(rs.getArray("source_refs")), instant(rs, "valid_from"), instant(rs, "valid_to"),
        rs.getString("sensitivity"), rs.getInt("version"), rs.getString("created_by"), rs.getTimestamp("created_at").toInstant(),
        rs.getTimestamp("updated_at").toInstant(), null);
    return new StoredMemory(m, rs.getString("sealed"));
  }

  // ---- decisions

  void insertDecision(String tenant, long namespaceId, Decision d) {
    jdbc.sql("""
        INSERT INTO memory_decisions (id, tenant_id, namespace_id, title, decision, rationale, alternatives, status, superseded_by, scope,
                                      tags, created_by, created_at, updated_at)
        VALUES (:id, :t, :ns, :title, :decision, :rationale, :alts, :status, :sup, :scope, :tags, :by, :created, :updated)""")
        .param("id", d.id()).param("t", tenant).param("ns", namespaceId).param("title", d.title()).param("decision", d.decision())
        .param("rationale", d.rationale()).param("alts", d.alternatives().toArray(String[]::new)).param("status", d.status())
        .param("sup", d.superseded_by()).param("scope", d.scope()).param("tags", d.tags().toArray(String[]::new))
        .param("by", d.created_by()).param("created", Timestamp.from(d.created_at())).param("updated", Timestamp.from(d.updated_at())).update();
  }

  /** Marks an active decision superseded; false when it is not an active decision of this tenant and namespace. */
  boolean supersede(String tenant, long namespaceId, UUID old, UUID by, Instant at) {
    return jdbc.sql("""
        UPDATE memory_decisions SET status = 'superseded', superseded_by = :by, updated_at = :at
        WHERE tenant_id = :t AND namespace_id = :ns AND id = :id AND status = 'active'""")
        .param("t", tenant).param("ns", namespaceId).param("id", old).param("by", by).param("at", Timestamp.from(at)).update() > 0;
  }

  Optional<Decision> decision(String tenant, UUID id) {
    return jdbc.sql("SELECT d.*, n.name AS namespace FROM memory_decisions d JOIN memory_namespaces n ON n.id = d.namespace_id WHERE d.tenant_id = :t AND d.id = :id")
        .param("t", tenant).param("id", id).query(MemoryStore::decisionRow).optional();
  }

  List<Decision> decisions(String tenant, Optional<Long> namespaceId, Optional<String> status, Optional<Instant> before, int limit) {
    return jdbc.sql("""
        SELECT d.*, n.name AS namespace FROM memory_decisions d JOIN memory_namespaces n ON n.id = d.namespace_id
        WHERE d.tenant_id = :t AND (CAST(:ns AS bigint) IS NULL OR d.namespace_id = :ns) AND (CAST(:status AS text) IS NULL OR d.status = :status)
          AND (CAST(:before AS timestamptz) IS NULL OR d.created_at < :before)
        ORDER BY d.created_at DESC, d.id LIMIT :limit""")
        .param("t", tenant).param("ns", namespaceId.orElse(null)).param("status", status.orElse(null))
        .param("before", before.map(Timestamp::from).orElse(null)).param("limit", limit).query(MemoryStore::decisionRow).list();
  }

  boolean deleteDecision(String tenant, UUID id) {
    return jdbc.sql("DELETE FROM memory_decisions WHERE tenant_id = :t AND id = :id").param("t", tenant).param("id", id).update() > 0;
  }

  private static Decision decisionRow(ResultSet rs, int i) throws SQLException {
    return new Decision(rs.getObject("id", UUID.class), rs.getString("namespace"), rs.getString("title"), rs.getString("decision"),
        rs.getString("rationale"), strings(rs.getArray("alternatives")), rs.getString("status"), rs.getObject("superseded_by", UUID.class),
        rs.getString("scope"), strings(rs.getArray("tags")), rs.getString("created_by"), rs.getTimestamp("created_at").toInstant(),
        rs.getTimestamp("updated_at").toInstant(), null);
  }

  // ---- retention

  /** Deletes up to {@code batch} items of a namespace created before {@code cutoff}; returns how many went. */
  int expire(long namespaceId, Instant cutoff, int batch) {
    int n = 0;
    for (String table : List.of("memory_events", "memory_memories", "memory_decisions")) {
      String time = table.equals("memory_memories") ? "updated_at" : "created_at";
      n += jdbc.sql("DELETE FROM " + table + " WHERE id IN (SELECT id FROM " + table + " WHERE namespace_id = :ns AND " + time
              + " < :cutoff LIMIT :batch)")
          .param("ns", namespaceId).param("cutoff", Timestamp.from(cutoff)).param("batch", batch).update();
    }
    return n;
  }

  static List<String> strings(Array a) throws SQLException {
    return a == null ? List.of() : List.of((String[]) a.getArray());
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp t = rs.getTimestamp(column);
    return t == null ? null : t.toInstant();
  }

  private static Timestamp ts(Instant i) {
    return i == null ? null : Timestamp.from(i);
  }
}
