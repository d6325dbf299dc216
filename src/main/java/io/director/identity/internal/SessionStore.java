package io.director.identity.internal;

import io.director.identity.ClientInfo;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Login sessions and their refresh tokens (stored as SHA-256 hashes). */
@Repository
class SessionStore {
  private final JdbcClient jdbc;

  SessionStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** A session row as the refresh and authentication paths need it. */
  record SessionRow(UUID id, UUID userId, String tenantId, Instant createdAt, Instant lastUsedAt, Instant expiresAt,
      Optional<Instant> revokedAt, String ip, String userAgent) {}

  /** A refresh token row joined with its session, locked for rotation. */
  record RefreshRow(byte[] hash, UUID sessionId, Instant expiresAt, Optional<Instant> rotatedAt) {}

  void create(UUID id, UUID userId, String tenantId, Instant now, Instant expiresAt, ClientInfo client) {
    jdbc.sql("""
            INSERT INTO auth_sessions (id, user_id, tenant_id, created_at, last_used_at, expires_at, ip, user_agent)
            VALUES (:id, :user, :tenant, :now, :now, :exp, :ip, :ua)""")
        .param("id", id).param("user", userId).param("tenant", tenantId).param("now", ts(now)).param("exp", ts(expiresAt))
        .param("ip", client.ip()).param("ua", client.userAgent()).update();
  }

  void addRefreshToken(byte[] hash, UUID sessionId, Instant now, Instant expiresAt) {
    jdbc.sql("INSERT INTO refresh_tokens (token_hash, session_id, created_at, expires_at) VALUES (:h, :s, :now, :exp)")
        .param("h", hash).param("s", sessionId).param("now", ts(now)).param("exp", ts(expiresAt)).update();
  }

  Optional<RefreshRow> lockRefreshToken(byte[] hash) {
    return jdbc.sql("SELECT token_hash, session_id, expires_at, rotated_at FROM refresh_tokens WHERE token_hash = :h FOR UPDATE")
        .param("h", hash)
        .query((rs, i) -> new RefreshRow(rs.getBytes(1), rs.getObject(2, UUID.class), rs.getTimestamp(3).toInstant(),
            Optional.ofNullable(rs.getTimestamp(4)).map(Timestamp::toInstant)))
        .optional();
  }

  void markRotated(byte[] hash, Instant now) {
    jdbc.sql("UPDATE refresh_tokens SET rotated_at = :now WHERE token_hash = :h").param("now", ts(now)).param("h", hash).update();
  }

  Optional<SessionRow> lock(UUID id) {
    return jdbc.sql("SELECT * FROM auth_sessions WHERE id = :id FOR UPDATE").param("id", id).query(SessionStore::map).optional();
  }

  Optional<SessionRow> find(UUID id) {
    return jdbc.sql("SELECT * FROM auth_sessions WHERE id = :id").param("id", id).query(SessionStore::map).optional();
  }

  /** The user of a live session in one round trip: what every JWT-authenticated request needs. */
  Optional<UserRecord> liveUser(UUID sessionId, UUID userId, Instant now) {
    return jdbc.sql("""
            SELECT u.* FROM auth_sessions s JOIN users u ON u.id = s.user_id
            WHERE s.id = :sid AND s.user_id = :uid AND s.revoked_at IS NULL AND s.expires_at > :now AND NOT u.disabled""")
        .param("sid", sessionId).param("uid", userId).param("now", ts(now))
        .query(UserStore::map).optional();
  }

  void touch(UUID id, Instant now, Instant expiresAt) {
    jdbc.sql("UPDATE auth_sessions SET last_used_at = :now, expires_at = :exp WHERE id = :id")
        .param("now", ts(now)).param("exp", ts(expiresAt)).param("id", id).update();
  }

  boolean revoke(UUID id, UUID userId, String reason, Instant now) {
    return jdbc.sql("UPDATE auth_sessions SET revoked_at = :now, revoked_reason = :r WHERE id = :id AND user_id = :u AND revoked_at IS NULL")
        .param("now", ts(now)).param("r", reason).param("id", id).param("u", userId).update() == 1;
  }

  int revokeAll(UUID userId, String reason, Instant now) {
    return jdbc.sql("UPDATE auth_sessions SET revoked_at = :now, revoked_reason = :r WHERE user_id = :u AND revoked_at IS NULL")
        .param("now", ts(now)).param("r", reason).param("u", userId).update();
  }

  /** Active sessions of a user, newest first. */
  List<SessionRow> active(UUID userId, Instant now) {
    return jdbc.sql("SELECT * FROM auth_sessions WHERE user_id = :u AND revoked_at IS NULL AND expires_at > :now ORDER BY created_at DESC, id")
        .param("u", userId).param("now", ts(now)).query(SessionStore::map).list();
  }

  /** Ends the oldest active sessions so that at most {@code keep} remain. */
  int evictBeyond(UUID userId, int keep, Instant now) {
    return jdbc.sql("""
            UPDATE auth_sessions SET revoked_at = :now, revoked_reason = 'evicted'
            WHERE id IN (SELECT id FROM auth_sessions WHERE user_id = :u AND revoked_at IS NULL AND expires_at > :now
                         ORDER BY created_at DESC, id OFFSET :keep)""")
        .param("now", ts(now)).param("u", userId).param("keep", keep).update();
  }

  /** Serialises logins of one user so that MAX_SESSIONS holds under concurrency, on every instance. */
  void lockUser(UUID userId) {
    jdbc.sql("SELECT 1 FROM users WHERE id = :u FOR UPDATE").param("u", userId).query().optionalValue();
  }

  static Map<String, Object> view(SessionRow s, Optional<UUID> current) {
    return Map.of("id", s.id(), "created_at", s.createdAt(), "last_used_at", s.lastUsedAt(), "expires_at", s.expiresAt(),
        "ip", s.ip() == null ? "" : s.ip(), "user_agent", s.userAgent() == null ? "" : s.userAgent(),
        "current", current.map(s.id()::equals).orElse(false));
  }

  private static SessionRow map(java.sql.ResultSet rs, int i) throws java.sql.SQLException {
    return new SessionRow(rs.getObject("id", UUID.class), rs.getObject("user_id", UUID.class), rs.getString("tenant_id"),
        rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("last_used_at").toInstant(), rs.getTimestamp("expires_at").toInstant(),
        Optional.ofNullable(rs.getTimestamp("revoked_at")).map(Timestamp::toInstant), rs.getString("ip"), rs.getString("user_agent"));
  }

  private static Timestamp ts(Instant i) {
    return Timestamp.from(i);
  }
}
