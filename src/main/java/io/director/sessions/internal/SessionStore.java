package io.director.sessions.internal;

import io.director.sessions.NetworkMode;
import io.director.sessions.SessionEvent;
import io.director.sessions.SessionLimits;
import io.director.sessions.SessionStatus;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Sessions, their transcripts and the per-tenant settings in PostgreSQL. Every read is tenant-scoped. */
@Component("agentSessionStore")
public class SessionStore {
  static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String COLUMNS = """
      id, tenant_id, created_by, creator_user_id, name, command, env_names, playbook_id, limits::text AS limits,
      network::text AS network, stdin, driver, status, reason, exit_code, enforced::text AS enforced, instance_id, workspace,
      output_bytes, output_truncated, stop_requested, created_at, started_at, first_output_at, ended_at""";

  private final JdbcClient jdbc;

  SessionStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  void insert(SessionRow s, byte[] tokenHash) {
    jdbc.sql("""
            INSERT INTO agent_sessions (id, tenant_id, created_by, creator_user_id, name, command, env_names, playbook_id, limits,
                network, stdin, driver, status, instance_id, workspace, token_hash, created_at)
            VALUES (:id, :tenant, :by, :user, :name, :command, :env, :playbook, CAST(:limits AS jsonb), CAST(:network AS jsonb),
                :stdin, :driver, :status, :instance, :workspace, :token, :at)""")
        .param("id", s.id()).param("tenant", s.tenantId()).param("by", s.createdBy()).param("user", s.creatorUserId())
        .param("name", s.name()).param("command", s.command().toArray(String[]::new)).param("env", s.envNames().toArray(String[]::new))
        .param("playbook", s.playbookId().orElse(null)).param("limits", limitsJson(s.limits()).toString())
        .param("network", networkJson(s.network(), s.allow()).toString()).param("stdin", s.stdin()).param("driver", s.driver())
        .param("status", s.status().wire()).param("instance", s.instanceId()).param("workspace", s.workspace().orElse(null))
        .param("token", tokenHash).param("at", Timestamp.from(s.createdAt()))
        .update();
  }

  /** Takes the tenant's lock for quota checks; held until the transaction ends. */
  void lockTenant(String tenant) {
    jdbc.sql("SELECT pg_advisory_xact_lock(hashtext('agent_sessions:' || :tenant))").param("tenant", tenant).query().singleRow();
  }

  int activeInTenant(String tenant) {
    return jdbc.sql("SELECT count(*) FROM agent_sessions WHERE tenant_id = :t AND status IN ('pending', 'starting', 'running')")
        .param("t", tenant).query(Integer.class).single();
  }

  Optional<SessionRow> find(String tenant, UUID id) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM agent_sessions WHERE tenant_id = :t AND id = :id")
        .param("t", tenant).param("id", id).query(SessionStore::row).optional();
  }

  Optional<SessionRow> findAnyTenant(UUID id) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM agent_sessions WHERE id = :id").param("id", id).query(SessionStore::row).optional();
  }

  List<SessionRow> list(String tenant, Optional<SessionStatus> status, Optional<Instant> before, int limit) {
    return jdbc.sql("SELECT " + COLUMNS + """
             FROM agent_sessions WHERE tenant_id = :t
              AND (CAST(:status AS text) IS NULL OR status = :status)
              AND (CAST(:before AS timestamptz) IS NULL OR created_at < :before)
            ORDER BY created_at DESC, id LIMIT :limit""")
        .param("t", tenant).param("status", status.map(SessionStatus::wire).orElse(null))
        .param("before", before.map(Timestamp::from).orElse(null)).param("limit", limit)
        .query(SessionStore::row).list();
  }

  void starting(UUID id, Instant at) {
    jdbc.sql("UPDATE agent_sessions SET status = 'starting' WHERE id = :id AND status = 'pending'").param("id", id).update();
  }

  void running(UUID id, Instant at, Map<String, String> enforced) {
    jdbc.sql("UPDATE agent_sessions SET status = 'running', started_at = :at, enforced = CAST(:enforced AS jsonb) WHERE id = :id AND status IN ('pending', 'starting')")
        .param("id", id).param("at", Timestamp.from(at)).param("enforced", JSON.writeValueAsString(enforced)).update();
  }

  /** Records the end, once: a session that already ended keeps its first end. */
  boolean ended(UUID id, SessionStatus status, Optional<String> reason, Optional<Integer> exitCode, Instant at) {
    return jdbc.sql("""
            UPDATE agent_sessions SET status = :status, reason = :reason, exit_code = :code, ended_at = :at, token_hash = NULL
            WHERE id = :id AND status IN ('pending', 'starting', 'running')""")
        .param("id", id).param("status", status.wire()).param("reason", reason.orElse(null)).param("code", exitCode.orElse(null))
        .param("at", Timestamp.from(at)).update() == 1;
  }

  void requestStop(UUID id, String why) {
    jdbc.sql("UPDATE agent_sessions SET stop_requested = coalesce(stop_requested, :why) WHERE id = :id").param("id", id).param("why", why).update();
  }

  void output(UUID id, long bytes, boolean truncated, Optional<Instant> firstOutput) {
    jdbc.sql("""
            UPDATE agent_sessions SET output_bytes = :bytes, output_truncated = :truncated,
                first_output_at = coalesce(first_output_at, :first) WHERE id = :id""")
        .param("id", id).param("bytes", bytes).param("truncated", truncated).param("first", firstOutput.map(Timestamp::from).orElse(null))
        .update();
  }

  boolean delete(String tenant, UUID id) {
    return jdbc.sql("DELETE FROM agent_sessions WHERE tenant_id = :t AND id = :id AND status NOT IN ('pending', 'starting', 'running')")
        .param("t", tenant).param("id", id).update() == 1;
  }

  /** Appends transcript entries of many sessions in one statement. */
  void append(List<UUID> sessions, List<SessionEvent> events) {
    if (events.isEmpty()) return;
    int n = events.size();
    // every column goes as text[] (which the driver sends natively) and is cast on the server
    String[] ids = new String[n];
    String[] seqs = new String[n];
    String[] ats = new String[n];
    String[] kinds = new String[n];
    String[] data = new String[n];
    for (int i = 0; i < n; i++) {
      SessionEvent e = events.get(i);
      ids[i] = sessions.get(i).toString();
      seqs[i] = Long.toString(e.seq());
      ats[i] = e.at().toString();
      kinds[i] = e.kind();
      data[i] = e.data();
    }
    jdbc.sql("""
            INSERT INTO agent_session_events (session_id, seq, at, kind, data)
            SELECT t.* FROM unnest(CAST(CAST(:ids AS text[]) AS uuid[]), CAST(CAST(:seqs AS text[]) AS bigint[]),
                CAST(CAST(:ats AS text[]) AS timestamptz[]), CAST(:kinds AS text[]), CAST(:data AS text[])) AS t(session_id, seq, at, kind, data)
            WHERE EXISTS (SELECT 1 FROM agent_sessions s WHERE s.id = t.session_id)
            ON CONFLICT DO NOTHING""")
        .param("ids", ids).param("seqs", seqs).param("ats", ats).param("kinds", kinds).param("data", data).update();
  }

  List<SessionEvent> events(UUID session, long after, int limit) {
    return jdbc.sql("SELECT seq, at, kind, data FROM agent_session_events WHERE session_id = :id AND seq > :after ORDER BY seq LIMIT :limit")
        .param("id", session).param("after", after).param("limit", limit)
        .query((rs, i) -> new SessionEvent(rs.getLong("seq"), rs.getTimestamp("at").toInstant(), rs.getString("kind"), rs.getString("data")))
        .list();
  }

  long lastSeq(UUID session) {
    return jdbc.sql("SELECT coalesce(max(seq), 0) FROM agent_session_events WHERE session_id = :id").param("id", session)
        .query(Long.class).single();
  }

  /** The live session a token belongs to. */
  Optional<SessionRow> byToken(byte[] hash) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM agent_sessions WHERE token_hash = :h AND status IN ('pending', 'starting', 'running')")
        .param("h", hash).query(SessionStore::row).optional();
  }

  /** An instance that holds active sessions, as registered. */
  record Holder(UUID id, String hostname, long pid, boolean stopped, Instant lastSeen) {}

  List<Holder> holders() {
    return jdbc.sql("""
            SELECT DISTINCT s.instance_id, i.hostname, i.pid, i.stopped_at IS NOT NULL AS stopped, i.last_seen_at
            FROM agent_sessions s LEFT JOIN director_instances i ON i.id = s.instance_id
            WHERE s.status IN ('pending', 'starting', 'running')""")
        .query((rs, i) -> new Holder(rs.getObject("instance_id", UUID.class), rs.getString("hostname"), rs.getLong("pid"),
            rs.getBoolean("stopped"), Optional.ofNullable(rs.getTimestamp("last_seen_at")).map(Timestamp::toInstant).orElse(Instant.EPOCH)))
        .list();
  }

  /** Marks the active sessions of instances that are gone as lost, and answers them. */
  List<SessionRow> loseSessionsOf(List<UUID> instances, Instant now) {
    if (instances.isEmpty()) return List.of();
    return jdbc.sql("UPDATE agent_sessions SET status = 'lost', reason = 'instance_lost', ended_at = :now, token_hash = NULL "
            + "WHERE status IN ('pending', 'starting', 'running') AND instance_id = ANY(CAST(:ids AS uuid[])) RETURNING " + COLUMNS)
        .param("now", Timestamp.from(now)).param("ids", instances.stream().map(UUID::toString).toArray(String[]::new))
        .query(SessionStore::row).list();
  }

  /** Finished sessions older than the cutoff, for retention. */
  List<SessionRow> expired(Instant cutoff, int limit) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM agent_sessions WHERE status NOT IN ('pending', 'starting', 'running') AND ended_at < :cutoff LIMIT :limit")
        .param("cutoff", Timestamp.from(cutoff)).param("limit", limit).query(SessionStore::row).list();
  }

  /** Which of these sessions still exist. */
  java.util.Set<UUID> existing(List<UUID> ids) {
    if (ids.isEmpty()) return java.util.Set.of();
    return new java.util.HashSet<>(jdbc.sql("SELECT id FROM agent_sessions WHERE id = ANY(CAST(:ids AS uuid[]))")
        .param("ids", ids.stream().map(UUID::toString).toArray(String[]::new)).query(UUID.class).list());
  }

  void queueInput(UUID session, byte[] data, boolean close) {
    jdbc.sql("INSERT INTO agent_session_inputs (session_id, data, close) VALUES (:id, :data, :close)")
        .param("id", session).param("data", data).param("close", close).update();
  }

  /** Takes the queued input of a session, oldest first. */
  List<Object[]> takeInput(UUID session) {
    return jdbc.sql("DELETE FROM agent_session_inputs WHERE session_id = :id RETURNING id, data, close")
        .param("id", session).query((rs, i) -> new Object[] {rs.getLong("id"), rs.getBytes("data"), rs.getBoolean("close")}).list()
        .stream().sorted(java.util.Comparator.comparingLong(o -> (Long) o[0])).toList();
  }

  record TenantSettings(Optional<Integer> maxSessions, ObjectNode limits) {}

  TenantSettings tenantSettings(String tenant) {
    return jdbc.sql("SELECT max_sessions, limits::text AS limits FROM agent_session_tenant_settings WHERE tenant_id = :t")
        .param("t", tenant)
        .query((rs, i) -> {
          int max = rs.getInt("max_sessions");
          return new TenantSettings(rs.wasNull() ? Optional.empty() : Optional.of(max), (ObjectNode) JSON.readTree(rs.getString("limits")));
        })
        .optional().orElse(new TenantSettings(Optional.empty(), JSON.createObjectNode()));
  }

  void putTenantSettings(String tenant, Optional<Integer> maxSessions, ObjectNode limits, Instant at) {
    jdbc.sql("""
            INSERT INTO agent_session_tenant_settings (tenant_id, max_sessions, limits, updated_at)
            VALUES (:t, :max, CAST(:limits AS jsonb), :at)
            ON CONFLICT (tenant_id) DO UPDATE SET max_sessions = excluded.max_sessions, limits = excluded.limits, updated_at = excluded.updated_at""")
        .param("t", tenant).param("max", maxSessions.orElse(null)).param("limits", limits.toString()).param("at", Timestamp.from(at))
        .update();
  }

  static ObjectNode limitsJson(SessionLimits l) {
    ObjectNode n = JSON.createObjectNode();
    n.put("cpus", l.cpus()).put("memory_mb", l.memoryMb()).put("pids", l.pids()).put("timeout_s", l.timeoutSeconds()).put("output_mb", l.outputMb());
    return n;
  }

  static ObjectNode networkJson(NetworkMode mode, List<String> allow) {
    ObjectNode n = JSON.createObjectNode();
    n.put("mode", mode.wire());
    var a = n.putArray("allow");
    allow.forEach(a::add);
    return n;
  }

  private static SessionRow row(ResultSet rs, int i) throws SQLException {
    JsonNode limits = JSON.readTree(rs.getString("limits"));
    JsonNode network = JSON.readTree(rs.getString("network"));
    List<String> allow = new ArrayList<>();
    network.path("allow").forEach(a -> allow.add(a.asString()));
    Map<String, String> enforced = new LinkedHashMap<>();
    JSON.readTree(rs.getString("enforced")).properties().forEach(e -> enforced.put(e.getKey(), e.getValue().asString()));
    int code = rs.getInt("exit_code");
    Optional<Integer> exit = rs.wasNull() ? Optional.empty() : Optional.of(code);
    return new SessionRow(rs.getObject("id", UUID.class), rs.getString("tenant_id"), rs.getString("created_by"),
        rs.getObject("creator_user_id", UUID.class), rs.getString("name"), strings(rs.getArray("command")),
        strings(rs.getArray("env_names")), Optional.ofNullable(rs.getObject("playbook_id", UUID.class)),
        new SessionLimits(limits.path("cpus").asDouble(), limits.path("memory_mb").asLong(), limits.path("pids").asInt(),
            limits.path("timeout_s").asLong(), limits.path("output_mb").asLong()),
        NetworkMode.parse(network.path("mode").asString()), allow, rs.getBoolean("stdin"), rs.getString("driver"),
        SessionStatus.parse(rs.getString("status")), Optional.ofNullable(rs.getString("reason")), exit, enforced,
        rs.getObject("instance_id", UUID.class), Optional.ofNullable(rs.getString("workspace")), rs.getLong("output_bytes"),
        rs.getBoolean("output_truncated"), Optional.ofNullable(rs.getString("stop_requested")), instant(rs, "created_at").orElseThrow(),
        instant(rs, "started_at"), instant(rs, "first_output_at"), instant(rs, "ended_at"));
  }

  private static Optional<Instant> instant(ResultSet rs, String column) throws SQLException {
    Timestamp t = rs.getTimestamp(column);
    return Optional.ofNullable(t).map(Timestamp::toInstant);
  }

  private static List<String> strings(Array array) throws SQLException {
    if (array == null) return List.of();
    return List.of((String[]) array.getArray());
  }
}
