package io.director.gateway.mcp;

import io.director.platform.config.EffectiveConfig;
import io.director.shared.Crypto;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** Client sessions of the Streamable HTTP transport ({@code Mcp-Session-Id}), forgotten when idle. */
@Component
public class McpSessions {
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final Duration idle;

  McpSessions(EffectiveConfig effective, io.micrometer.core.instrument.MeterRegistry meters) {
    this.idle = McpConfig.from(effective).sessionIdle();
    io.micrometer.core.instrument.Gauge.builder("director.mcp.sessions.active", sessions, Map::size)
        .description("open MCP client sessions on this instance").register(meters);
  }

  /** One client session: bound to the playbook and the principal that opened it. */
  public static final class Session {
    final String id;
    final UUID playbookId;
    final UUID principalId;
    final String protocolVersion;
    volatile Instant lastSeen = Instant.now();

    Session(String id, UUID playbookId, UUID principalId, String protocolVersion) {
      this.id = id;
      this.playbookId = playbookId;
      this.principalId = principalId;
      this.protocolVersion = protocolVersion;
    }

    public String id() {
      return id;
    }

    public String protocolVersion() {
      return protocolVersion;
    }
  }

  public Session open(UUID playbookId, UUID principalId, String protocolVersion) {
    Session s = new Session(Crypto.randomToken(24), playbookId, principalId, protocolVersion);
    sessions.put(s.id, s);
    return s;
  }

  /** The session, only for the playbook and principal that opened it. */
  public Optional<Session> find(String id, UUID playbookId, UUID principalId) {
    Session s = id == null ? null : sessions.get(id);
    if (s == null || !s.playbookId.equals(playbookId) || !s.principalId.equals(principalId)) return Optional.empty();
    s.lastSeen = Instant.now();
    return Optional.of(s);
  }

  public boolean close(String id, UUID playbookId, UUID principalId) {
    return find(id, playbookId, principalId).map(s -> sessions.remove(s.id) != null).orElse(false);
  }

  public int active() {
    return sessions.size();
  }

  @Scheduled(fixedDelayString = "60s", initialDelayString = "60s")
  void expire() {
    Instant cutoff = Instant.now().minus(idle);
    sessions.values().removeIf(s -> s.lastSeen.isBefore(cutoff));
  }
}
