package io.director.identity.internal;

import io.director.identity.ClientInfo;
import io.director.identity.Principal;
import io.director.identity.Role;
import io.director.identity.Scope;
import io.director.shared.Crypto;
import io.director.shared.DirectorException;
import io.director.shared.ProblemKind;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * API keys for machines and MCP clients: {@code dk_<random>}, shown once, stored as a SHA-256 hash.
 * A key's lookup is cached per instance, and dropped on every instance the moment anything that
 * governs it changes (revocation, scopes, limit, expiry, its creator's role or state): a database
 * trigger NOTIFYs {@code director_credentials}. While notifications are not being heard nothing is
 * cached, so a revocation takes effect at once everywhere. A key never holds more than its
 * creator's role allows, now or later.
 */
@Component
public class ApiKeys {
  public static final String PREFIX = "dk_";
  private static final Duration LAST_USED_GRANULARITY = Duration.ofMinutes(1);

  private static final long CACHE_MAX_AGE_NANOS = Duration.ofMinutes(1).toNanos();
  private static final int CACHE_MAX_ENTRIES = 10_000;

  private final JdbcClient jdbc;
  private final SecurityAudit audit;
  private final Clock clock;
  private final io.director.platform.db.Notifications notifications;
  private final java.util.Map<String, Cached> cache = new java.util.concurrent.ConcurrentHashMap<>();
  /** Bumped by every change notification: a lookup that saw a bump while it ran is not cached. */
  private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();

  /** A cached lookup: the key's principal, its expiry, and when its last use was last written. */
  private record Cached(Authenticated auth, Optional<Instant> expiresAt, long loadedAt, java.util.concurrent.atomic.AtomicReference<Instant> lastUsed) {}

  ApiKeys(JdbcClient jdbc, SecurityAudit audit, Clock clock, io.director.platform.db.Notifications notifications) {
    this.jdbc = jdbc;
    this.audit = audit;
    this.clock = clock;
    this.notifications = notifications;
    notifications.subscribe("director_credentials", new io.director.platform.db.Notifications.Listener() {
      @Override
      public void notified(String payload) {
        forget();
      }

      @Override
      public void reset() {
        forget();
      }
    });
  }

  /** Drops every cached lookup here at once; other instances drop theirs when the change's notification arrives. */
  void forget() {
    generation.incrementAndGet();
    cache.clear();
  }

  /** A key as listed: never the secret, only its first characters. */
  public record KeyView(UUID id, String name, String prefix, List<String> scopes, Integer rate_limit, Instant expires_at,
      Instant created_at, Instant last_used_at, UUID created_by, boolean revoked) {}

  /** The answer to a create: the only time the secret is shown. */
  public record CreatedKey(UUID id, String name, String key, String prefix, List<String> scopes, Integer rate_limit,
      Instant expires_at, Instant created_at) {}

  public CreatedKey create(Principal principal, String name, List<String> scopeNames, Optional<Instant> expiresAt,
      Optional<Integer> rateLimit, ClientInfo client) {
    if (principal.kind() != Principal.Kind.USER && !principal.globalAdmin()) {
      throw new DirectorException(ProblemKind.FORBIDDEN, "identity.keys-need-user", "API keys are created by users, not by other keys");
    }
    if (name == null || name.isBlank() || name.length() > 100) {
      throw DirectorException.invalid("identity.invalid-key-name", "name must be 1-100 characters");
    }
    if (scopeNames == null || scopeNames.isEmpty()) {
      throw DirectorException.invalid("identity.scopes-required", "scopes must list at least one scope");
    }
    Set<Scope> scopes = EnumSet.noneOf(Scope.class);
    for (String s : scopeNames) scopes.add(Scope.parse(s));
    for (Scope s : scopes) {
      if (!principal.has(s)) {
        throw new DirectorException(ProblemKind.FORBIDDEN, "identity.scope-not-held", "you cannot grant the " + s.wire() + " scope");
      }
    }
    Instant now = clock.instant();
    if (expiresAt.isPresent() && !expiresAt.get().isAfter(now)) {
      throw DirectorException.invalid("identity.invalid-expiry", "expires_at must be in the future");
    }
    if (rateLimit.isPresent() && (rateLimit.get() < 1 || rateLimit.get() > 1_000_000)) {
      throw DirectorException.invalid("identity.invalid-rate-limit", "rate_limit must be between 1 and 1000000 requests per window");
    }
    String secret = PREFIX + Crypto.randomToken(32);
    String prefix = secret.substring(0, 10);
    UUID id = UUID.randomUUID();
    List<String> wire = scopes.stream().map(Scope::wire).sorted().toList();
    jdbc.sql("""
            INSERT INTO api_keys (id, tenant_id, created_by, name, prefix, key_hash, scopes, rate_limit, expires_at, created_at)
            VALUES (:id, :tenant, :by, :name, :prefix, :hash, :scopes, :limit, :exp, :now)""")
        .param("id", id).param("tenant", principal.tenantId()).param("by", principal.userId()).param("name", name)
        .param("prefix", prefix).param("hash", Crypto.sha256(secret)).param("scopes", wire.toArray(String[]::new))
        .param("limit", rateLimit.orElse(null)).param("exp", expiresAt.map(Timestamp::from).orElse(null))
        .param("now", Timestamp.from(now))
        .update();
    audit.record("api_key_created", principal.tenantId(), principal.label(), client,
        Map.of("key", id.toString(), "name", name, "scopes", wire));
    return new CreatedKey(id, name, secret, prefix, wire, rateLimit.orElse(null), expiresAt.orElse(null), now);
  }

  /** Keys of the caller's tenant: all of them for tenant admins, otherwise the caller's own. */
  public List<KeyView> list(Principal principal) {
    return jdbc.sql("""
            SELECT * FROM api_keys WHERE tenant_id = :tenant AND revoked_at IS NULL AND (:all OR created_by = :user)
            ORDER BY created_at DESC, id""")
        .param("tenant", principal.tenantId()).param("all", principal.tenantAdmin()).param("user", principal.userId())
        .query(ApiKeys::view).list();
  }

  public void revoke(Principal principal, UUID id, ClientInfo client) {
    if (principal.kind() != Principal.Kind.USER && !principal.globalAdmin()) {
      throw new DirectorException(ProblemKind.FORBIDDEN, "identity.keys-need-user", "API keys are managed by users, not by other keys");
    }
    int n = jdbc.sql("""
            UPDATE api_keys SET revoked_at = :now
            WHERE id = :id AND (:global OR tenant_id = :tenant) AND revoked_at IS NULL AND (:all OR created_by = :user)""")
        .param("now", Timestamp.from(clock.instant())).param("id", id).param("tenant", principal.tenantId())
        .param("global", principal.globalAdmin()).param("all", principal.tenantAdmin()).param("user", principal.userId())
        .update();
    forget();
    if (n == 0) throw DirectorException.notFound("identity.key-not-found", "no such API key");
    audit.record("api_key_revoked", principal.tenantId(), principal.label(), client, Map.of("key", id.toString()));
  }

  /** The principal for a presented key, when it is known, live, and its creator is still active. */
  public Optional<Authenticated> authenticate(String presented) {
    if (presented == null || !presented.startsWith(PREFIX) || presented.length() > 100) return Optional.empty();
    Instant now = clock.instant();
    byte[] hash = Crypto.sha256(presented);
    String cacheKey = java.util.HexFormat.of().formatHex(hash);
    if (notifications.listening()) {
      Cached c = cache.get(cacheKey);
      if (c != null && System.nanoTime() - c.loadedAt() < CACHE_MAX_AGE_NANOS && c.expiresAt().map(now::isBefore).orElse(true)) {
        return Optional.of(use(c, now));
      }
    }
    long before = generation.get();
    Optional<Cached> loaded = jdbc.sql("""
            SELECT k.id, k.tenant_id, k.created_by, k.name, k.scopes, k.rate_limit, k.expires_at, k.last_used_at, k.key_hash,
                   u.role, u.disabled, u.tenant_id AS user_tenant
            FROM api_keys k JOIN users u ON u.id = k.created_by
            WHERE k.key_hash = :hash AND k.revoked_at IS NULL""")
        .param("hash", hash)
        .query((rs, i) -> live(rs, now))
        .optional()
        .flatMap(o -> o);
    if (loaded.isPresent() && notifications.listening() && generation.get() == before) {
      if (cache.size() >= CACHE_MAX_ENTRIES) cache.clear();
      cache.put(cacheKey, loaded.get());
    }
    return loaded.map(c -> use(c, now));
  }

  /** A key row as a cache entry, when the key is live and its creator active in the key's tenant. */
  private static Optional<Cached> live(ResultSet rs, Instant now) throws SQLException {
    Optional<Instant> expires = Optional.ofNullable(instant(rs.getTimestamp("expires_at")));
    if (rs.getBoolean("disabled") || expires.filter(e -> !e.isAfter(now)).isPresent()) return Optional.empty();
    if (!rs.getString("tenant_id").equals(rs.getString("user_tenant"))) return Optional.empty();
    Role role = Role.parse(rs.getString("role"));
    Set<Scope> scopes = EnumSet.noneOf(Scope.class);
    for (String s : strings(rs.getArray("scopes"))) {
      Scope scope = Scope.parse(s);
      if (role.scopes().contains(scope)) scopes.add(scope);
    }
    Principal principal = new Principal(Principal.Kind.API_KEY, rs.getObject("id", UUID.class), rs.getObject("created_by", UUID.class),
        rs.getString("name"), rs.getString("tenant_id"), role, scopes, Optional.empty());
    int limit = rs.getInt("rate_limit");
    Authenticated auth = new Authenticated(principal, rs.wasNull() ? Optional.empty() : Optional.of(limit));
    return Optional.of(new Cached(auth, expires, System.nanoTime(),
        new java.util.concurrent.atomic.AtomicReference<>(instant(rs.getTimestamp("last_used_at")))));
  }

  /** The key is being used: its last use is written at most once per LAST_USED_GRANULARITY (and once across racing requests). */
  private Authenticated use(Cached c, Instant now) {
    Instant last = c.lastUsed().get();
    if ((last == null || last.isBefore(now.minus(LAST_USED_GRANULARITY))) && c.lastUsed().compareAndSet(last, now)) {
      jdbc.sql("UPDATE api_keys SET last_used_at = :now WHERE id = :id").param("now", Timestamp.from(now)).param("id", c.auth().principal().id()).update();
    }
    return c.auth();
  }

  /** An authenticated key and its own rate limit. */
  public record Authenticated(Principal principal, Optional<Integer> rateLimit) {}

  private static KeyView view(ResultSet rs, int i) throws SQLException {
    int limit = rs.getInt("rate_limit");
    Integer rateLimit = rs.wasNull() ? null : limit;
    return new KeyView(rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("prefix"), strings(rs.getArray("scopes")),
        rateLimit, instant(rs.getTimestamp("expires_at")), instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("last_used_at")),
        rs.getObject("created_by", UUID.class), rs.getTimestamp("revoked_at") != null);
  }

  private static List<String> strings(Array array) throws SQLException {
    return array == null ? List.of() : Arrays.stream((Object[]) array.getArray()).map(String::valueOf).collect(Collectors.toList());
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }
}
