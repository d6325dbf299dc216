package io.director.identity.internal;

import io.director.identity.Role;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Users and tenants in PostgreSQL. Reads of other users are always filtered by tenant. */
@Repository
class UserStore {
  private final JdbcClient jdbc;

  UserStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Creates the tenant unless it exists; true when this call created it. */
  boolean createTenantIfMissing(String tenantId, Instant now) {
    return jdbc.sql("INSERT INTO tenants (id, created_at) VALUES (:id, :now) ON CONFLICT (id) DO NOTHING")
        .param("id", tenantId).param("now", Timestamp.from(now)).update() == 1;
  }

  boolean tenantExists(String tenantId) {
    return jdbc.sql("SELECT 1 FROM tenants WHERE id = :id").param("id", tenantId).query().optionalValue().isPresent();
  }

  /** Inserts the user; false when the username is taken. */
  boolean insert(UserRecord user, Instant now) {
    return jdbc.sql("""
            INSERT INTO users (id, tenant_id, username, password_hash, role, disabled, created_at, updated_at)
            VALUES (:id, :tenant, :username, :hash, :role, false, :now, :now)
            ON CONFLICT ((lower(username))) DO NOTHING""")
        .param("id", user.id()).param("tenant", user.tenantId()).param("username", user.username())
        .param("hash", user.passwordHash()).param("role", user.role().wire()).param("now", Timestamp.from(now))
        .update() == 1;
  }

  long countInTenant(String tenantId) {
    return jdbc.sql("SELECT count(*) FROM users WHERE tenant_id = :t").param("t", tenantId).query(Long.class).single();
  }

  Optional<UserRecord> byUsername(String username) {
    return jdbc.sql("SELECT * FROM users WHERE lower(username) = lower(:u)").param("u", username).query(UserStore::map).optional();
  }

  /** Any tenant's user by id: only for authentication, which has no tenant yet. */
  Optional<UserRecord> byIdForAuthentication(UUID id) {
    return jdbc.sql("SELECT * FROM users WHERE id = :id").param("id", id).query(UserStore::map).optional();
  }

  Optional<UserRecord> byId(String tenantId, UUID id) {
    return jdbc.sql("SELECT * FROM users WHERE id = :id AND tenant_id = :t").param("id", id).param("t", tenantId)
        .query(UserStore::map).optional();
  }

  List<UserRecord> list(Optional<String> tenantId, int limit, int offset) {
    return jdbc.sql("SELECT * FROM users WHERE (CAST(:t AS text) IS NULL OR tenant_id = :t) ORDER BY created_at, id LIMIT :l OFFSET :o")
        .param("t", tenantId.orElse(null)).param("l", limit).param("o", offset).query(UserStore::map).list();
  }

  void update(String tenantId, UUID id, Role role, boolean disabled, Instant now) {
    jdbc.sql("UPDATE users SET role = :r, disabled = :d, updated_at = :now WHERE id = :id AND tenant_id = :t")
        .param("r", role.wire()).param("d", disabled).param("now", Timestamp.from(now)).param("id", id).param("t", tenantId)
        .update();
  }

  static UserRecord map(ResultSet rs, int row) throws SQLException {
    return new UserRecord(rs.getObject("id", UUID.class), rs.getString("tenant_id"), rs.getString("username"),
        rs.getString("password_hash"), Role.parse(rs.getString("role")), rs.getBoolean("disabled"),
        rs.getTimestamp("created_at").toInstant());
  }
}
