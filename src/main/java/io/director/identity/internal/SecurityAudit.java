package io.director.identity.internal;

import io.director.identity.ClientInfo;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** Writes security events to the append-only audit log (and a log line). */
@Component
public class SecurityAudit {
  private static final Logger log = LoggerFactory.getLogger("io.director.audit");
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final JdbcClient jdbc;
  private final Clock clock;

  SecurityAudit(JdbcClient jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /** PostgreSQL text cannot hold NUL; hostile input must not turn an audit write into an error. */
  private static String clean(String s) {
    return s == null ? null : s.replace("\u0000", "");
  }

  public void record(String type, String tenantId, String actor, ClientInfo client, Map<String, ?> details) {
    jdbc.sql("""
            INSERT INTO audit_events (occurred_at, type, tenant_id, actor, ip, user_agent, details)
            VALUES (:at, :type, :tenant, :actor, :ip, :ua, CAST(:details AS jsonb))""")
        .param("at", Timestamp.from(clock.instant()))
        .param("type", type)
        .param("tenant", tenantId)
        .param("ip", client.ip())
        .param("ua", clean(client.userAgent()))
        .param("actor", clean(actor))
        .param("details", JSON.writeValueAsString(details).replace("\\u0000", ""))
        .update();
    log.atInfo().addKeyValue("audit", type).addKeyValue("tenant", String.valueOf(tenantId)).addKeyValue("actor", String.valueOf(actor))
        .log("audit {}", type);
  }
}
