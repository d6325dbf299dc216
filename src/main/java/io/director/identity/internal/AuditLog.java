package io.director.identity.internal;

import io.director.identity.Principal;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Reads the audit log: tenant admins their tenant's events, admins everyone's. Newest first, paged by id. */
@Component
public class AuditLog {
  private final JdbcClient jdbc;

  AuditLog(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** One audit event. */
  public record Event(long id, Instant occurred_at, String type, String tenant_id, String actor, String ip, String user_agent,
      Map<String, Object> details) {}

  public List<Event> query(Principal principal, Optional<String> tenant, Optional<String> type, Optional<Instant> since,
      Optional<Instant> until, Optional<Long> before, int limit) {
    Users.requireTenantAdmin(principal);
    Optional<String> scope = principal.globalAdmin() ? tenant : Optional.of(principal.tenantId());
    tools.jackson.databind.json.JsonMapper json = tools.jackson.databind.json.JsonMapper.builder().build();
    return jdbc.sql("""
            SELECT id, occurred_at, type, tenant_id, actor, ip, user_agent, details::text AS details FROM audit_events
            WHERE (CAST(:tenant AS text) IS NULL OR tenant_id = :tenant)
              AND (CAST(:type AS text) IS NULL OR type = :type)
              AND (CAST(:since AS timestamptz) IS NULL OR occurred_at >= :since)
              AND (CAST(:until AS timestamptz) IS NULL OR occurred_at < :until)
              AND (CAST(:before AS bigint) IS NULL OR id < :before)
            ORDER BY id DESC LIMIT :limit""")
        .param("tenant", scope.orElse(null)).param("type", type.orElse(null))
        .param("since", since.map(Timestamp::from).orElse(null)).param("until", until.map(Timestamp::from).orElse(null))
        .param("before", before.orElse(null)).param("limit", limit)
        .query((rs, i) -> new Event(rs.getLong("id"), rs.getTimestamp("occurred_at").toInstant(), rs.getString("type"),
            rs.getString("tenant_id"), rs.getString("actor"), rs.getString("ip"), rs.getString("user_agent"),
            json.readValue(rs.getString("details"), new tools.jackson.core.type.TypeReference<Map<String, Object>>() {})))
        .list();
  }
}
