package io.director.memory.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code memory_index} table: one searchable row per event, memory or decision, with a
 * generated tsvector (GIN-indexed) and the item's embedding. Full-text search runs here.
 */
@Repository
class SearchIndex {
  private final JdbcClient jdbc;

  SearchIndex(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** What is written for one item; {@code embedding} may be null until the backfill computes it. */
  record Row(UUID itemId, String tenant, long namespaceId, String type, String kind, List<String> tags, String body, float[] embedding,
      String model, Double importance, Instant validTo, Instant createdAt) {}

  /** What filters a search: empty lists mean any. */
  record Scope(String tenant, List<Long> namespaces, List<String> types, List<String> kinds, List<String> tags, Optional<Instant> since) {
    Scope {
      namespaces = List.copyOf(namespaces);
      types = List.copyOf(types);
      kinds = List.copyOf(kinds);
      tags = List.copyOf(tags);
    }

    Scope withTypes(List<String> t, List<String> k) {
      return new Scope(tenant, namespaces, t, k, tags, since);
    }
  }

  /** An index row as a search result shows it. */
  record Found(UUID id, String type, String kind, String namespace, String body, List<String> tags, Instant createdAt, Double importance) {}

  /** Writes the row; returns its change stamp (microseconds). */
  long put(Row r) {
    return jdbc.sql("""
        INSERT INTO memory_index (item_id, tenant_id, namespace_id, item_type, kind, tags, body, embedding, model, importance, valid_to, created_at)
        VALUES (:id, :t, :ns, :type, :kind, :tags, :body, :emb, :model, :imp, :vt, :created)
        ON CONFLICT (item_id) DO UPDATE SET kind = EXCLUDED.kind, tags = EXCLUDED.tags, body = EXCLUDED.body, embedding = EXCLUDED.embedding,
          model = EXCLUDED.model, importance = EXCLUDED.importance, valid_to = EXCLUDED.valid_to, changed_at = clock_timestamp()
        RETURNING changed_at""")
        .param("id", r.itemId()).param("t", r.tenant()).param("ns", r.namespaceId()).param("type", r.type()).param("kind", r.kind())
        .param("tags", r.tags().toArray(String[]::new)).param("body", r.body()).param("emb", r.embedding() == null ? null : bytes(r.embedding()))
        .param("model", r.embedding() == null ? null : r.model()).param("imp", r.importance())
        .param("vt", r.validTo() == null ? null : Timestamp.from(r.validTo())).param("created", Timestamp.from(r.createdAt()))
        .query((rs, i) -> micros(rs.getTimestamp(1))).single();
  }

  /** A ranked full-text hit; {@code rank} ≥ 1 when the row matches every word of the query. */
  record TextHit(UUID id, double rank) {}

  /** Only the newest this many matching rows are ranked: ranking them all would cost in proportion to how common the words are. */
  static final int RANK_AT_MOST = 200;

  /**
   * Rows matching all the query's words (websearch syntax: "phrases", or, -not) first, then rows
   * matching any of its uncommon words — a word in more than 1% of rows (PostgreSQL's own
   * statistics) says little alone and would make the query scan a large part of the table — each
   * group by ts_rank, among the newest {@link #RANK_AT_MOST} matches so the cost stays bounded
   * however common the words are. A query using websearch operators is taken as written.
   */
  List<TextHit> text(Scope s, String query, int n) {
    boolean asWritten = query.contains("\"") || query.matches("(?s).*(^|\\s)-\\S.*") || query.matches("(?s).*\\s(or|OR)\\s.*");
    // the queries are built first and then passed as constants, so the planner can estimate how many rows match
    String[] q = jdbc.sql("""
        SELECT websearch_to_tsquery('english', :q)::text,
               coalesce((SELECT string_agg(quote_literal(l), ' | ') FROM unnest(tsvector_to_array(to_tsvector('english', :q))) l
                         WHERE l <> ALL (CAST(:common AS text[]))), ''),
               coalesce((SELECT string_agg(quote_literal(l), ' | ') FROM unnest(tsvector_to_array(to_tsvector('english', :q))) l), '')""")
        .param("q", query).param("common", commonLexemes())
        .query((rs, i) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)}).single();
    if (q[0].isEmpty() && q[2].isEmpty()) return List.of();
    Map<String, Object> params = new LinkedHashMap<>(filters(s));
    params.put("n", n);
    // inlined as literals (PostgreSQL's own output, quotes doubled): with bind parameters the driver
    // soon switches to a generic plan that cannot know how selective the query is, and scans the tenant
    String strict = literal(q[0]) + "::tsquery";
    String match = asWritten ? strict : "(" + strict + " || to_tsquery('simple', " + literal(asWritten || q[1].isEmpty() ? q[0] : q[1]) + "))";
    String loose = "to_tsquery('simple', " + literal(q[2].isEmpty() ? q[0] : q[2]) + ")";
    // at most the newest RANK_AT_MOST matches are ranked, so the cost stays bounded however common the words are
    List<TextHit> out = jdbc.sql("WITH m AS MATERIALIZED (SELECT i.item_id, i.tsv, i.created_at FROM memory_index i WHERE i.tsv @@ " + match
            + " AND " + where(s) + " ORDER BY i.created_at DESC LIMIT " + RANK_AT_MOST + ") SELECT m.item_id, (m.tsv @@ " + strict
            + ")::int + ts_rank(m.tsv, " + loose + ") AS rank FROM m ORDER BY rank DESC, m.created_at DESC LIMIT :n")
        .params(params).query((rs, i) -> new TextHit(rs.getObject(1, UUID.class), rs.getDouble(2))).list();
    return out;
  }

  private static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }

  private volatile String[] common = new String[0];
  private volatile long commonReadAt;

  /** Words in more than 1% of index rows, from ANALYZE's statistics; re-read at most once a minute. */
  private String[] commonLexemes() {
    long now = System.nanoTime();
    // until ANALYZE has run there are no statistics: ask again sooner
    long every = common.length == 0 ? 10_000_000_000L : 60_000_000_000L;
    if (now - commonReadAt > every || commonReadAt == 0) {
      commonReadAt = now;
      try {
        common = jdbc.sql("""
            SELECT coalesce(array_agg(u.e), '{}') FROM pg_stats s,
                   unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS u(e, f)
            WHERE s.schemaname = current_schema() AND s.tablename = 'memory_index' AND s.attname = 'tsv' AND u.e IS NOT NULL AND u.f > 0.01""")
            .query((rs, i) -> (String[]) rs.getArray(1).getArray()).optional().orElse(new String[0]);
      } catch (RuntimeException e) {
        common = new String[0];
      }
    }
    return common;
  }

  /** The scope's conditions, only those that apply, so that PostgreSQL can use them as index conditions. */
  private static String where(Scope s) {
    return where(s, false);
  }

  /**
   * With {@code byRecency}, one namespace is an equality, so that (tenant, namespace, created_at)
   * serves ORDER BY created_at directly; elsewhere it must not, or a generic plan may prefer that
   * index to the primary key or the full-text index and scan the whole namespace.
   */
  private static String where(Scope s, boolean byRecency) {
    StringBuilder w = new StringBuilder("i.tenant_id = :t AND (i.valid_to IS NULL OR i.valid_to > now())");
    if (byRecency && s.namespaces().size() == 1) w.append(" AND i.namespace_id = :ns1");
    else if (!s.namespaces().isEmpty()) w.append(" AND i.namespace_id = ANY (CAST(:ns AS bigint[]))");
    if (!s.types().isEmpty()) w.append(" AND i.item_type = ANY (CAST(:types AS text[]))");
    if (!s.kinds().isEmpty()) w.append(" AND i.kind = ANY (CAST(:kinds AS text[]))");
    if (!s.tags().isEmpty()) w.append(" AND i.tags @> CAST(:tags AS text[])");
    if (s.since().isPresent()) w.append(" AND i.created_at >= :since");
    return w.toString();
  }

  private static Map<String, Object> filters(Scope s) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("t", s.tenant());
    p.put("ns", s.namespaces().stream().map(String::valueOf).toArray(String[]::new));
    p.put("ns1", s.namespaces().isEmpty() ? 0L : s.namespaces().get(0));
    p.put("types", s.types().toArray(String[]::new));
    p.put("kinds", s.kinds().toArray(String[]::new));
    p.put("tags", s.tags().toArray(String[]::new));
    p.put("since", s.since().map(Timestamp::from).orElse(null));
    return p;
  }

  /** The rows among {@code ids} that exist and pass the filters, keyed by id. */
  Map<UUID, Found> fetch(Scope s, List<UUID> ids) {
    if (ids.isEmpty()) return Map.of();
    Map<UUID, Found> out = new LinkedHashMap<>();
    jdbc.sql("""
        SELECT i.item_id, i.item_type, i.kind, n.name, i.body, i.tags, i.created_at, i.importance
        FROM memory_index i JOIN memory_namespaces n ON n.id = i.namespace_id
        WHERE i.item_id = ANY (CAST(:ids AS uuid[])) AND %s""".formatted(where(s)))
        .param("ids", ids.stream().map(UUID::toString).toArray(String[]::new)).params(filters(s))
        .query((ResultSet rs) -> {
          Found f = found(rs);
          out.put(f.id(), f);
        });
    return out;
  }

  /** Newest rows of a namespace of one type and kind set, for context bundles. */
  List<Found> recent(Scope s, int n) {
    return jdbc.sql("""
        SELECT i.item_id, i.item_type, i.kind, n.name, i.body, i.tags, i.created_at, i.importance
        FROM memory_index i JOIN memory_namespaces n ON n.id = i.namespace_id WHERE %s
        ORDER BY i.created_at DESC LIMIT :n""".formatted(where(s, true)))
        .params(filters(s)).param("n", n).query((rs, i) -> found(rs)).list();
  }

  private static Found found(ResultSet rs) throws SQLException {
    double imp = rs.getDouble("importance");
    return new Found(rs.getObject("item_id", UUID.class), rs.getString("item_type"), rs.getString("kind"), rs.getString("name"),
        rs.getString("body"), MemoryStore.strings(rs.getArray("tags")), rs.getTimestamp("created_at").toInstant(), rs.wasNull() ? null : imp);
  }

  // ---- for the in-memory vector index and the backfill

  /** A row's vector and what filters see, for {@link VectorIndex}. */
  void vectors(String where, Map<String, Object> params, Consumer<VectorIndex.Entry> sink) {
    jdbc.sql("SELECT item_id, tenant_id, namespace_id, item_type || ':' || kind, tags, created_at, changed_at, embedding FROM memory_index "
            + "WHERE embedding IS NOT NULL AND " + where)
        .params(params).query((ResultSet rs) -> {
          sink.accept(new VectorIndex.Entry(rs.getObject(1, UUID.class), rs.getString(2), rs.getLong(3), rs.getString(4),
              VectorIndex.bloom(MemoryStore.strings(rs.getArray(5))), rs.getTimestamp(6).getTime(), micros(rs.getTimestamp(7)),
              floats(rs.getBytes(8))));
        });
  }

  /** Changed rows' ids with their tenant and change stamp. */
  List<Object[]> changedSince(Instant since) {
    return jdbc.sql("SELECT item_id, tenant_id, changed_at, model FROM memory_index WHERE changed_at > :since")
        .param("since", Timestamp.from(since))
        .query((rs, i) -> new Object[] {rs.getObject(1, UUID.class), rs.getString(2), micros(rs.getTimestamp(3)), rs.getString(4)}).list();
  }

  List<Object[]> removedSince(Instant since) {
    return jdbc.sql("SELECT item_id, tenant_id FROM memory_index_removals WHERE removed_at > :since").param("since", Timestamp.from(since))
        .query((rs, i) -> new Object[] {rs.getObject(1, UUID.class), rs.getString(2)}).list();
  }

  Instant databaseNow() {
    return jdbc.sql("SELECT clock_timestamp()").query(Timestamp.class).single().toInstant();
  }

  int pruneRemovals(Instant before) {
    return jdbc.sql("DELETE FROM memory_index_removals WHERE removed_at < :b").param("b", Timestamp.from(before)).update();
  }

  /** Up to {@code n} rows without a vector of {@code model}, locked for this transaction (others skip them). */
  List<Object[]> claimUnembedded(String model, int n) {
    return jdbc.sql("""
        SELECT item_id, body FROM memory_index WHERE embedding IS NULL OR model IS DISTINCT FROM :m
        ORDER BY changed_at LIMIT :n FOR UPDATE SKIP LOCKED""")
        .param("m", model).param("n", n).query((rs, i) -> new Object[] {rs.getObject(1, UUID.class), rs.getString(2)}).list();
  }

  void setEmbedding(UUID id, float[] v, String model) {
    jdbc.sql("UPDATE memory_index SET embedding = :e, model = :m, changed_at = clock_timestamp() WHERE item_id = :id")
        .param("e", bytes(v)).param("m", model).param("id", id).update();
  }

  static long micros(Timestamp t) {
    return Math.floorDiv(t.getTime(), 1000) * 1_000_000 + t.getNanos() / 1000;
  }

  static byte[] bytes(float[] v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float x : v) b.putFloat(x);
    return b.array();
  }

  static float[] floats(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    float[] v = new float[bytes.length / 4];
    for (int i = 0; i < v.length; i++) v[i] = b.getFloat();
    return v;
  }
}
