package io.director.identity.internal;

import io.director.identity.ClientInfo;
import io.director.identity.Principal;
import io.director.identity.Role;
import io.director.platform.config.DirectorConfig;
import io.director.shared.Crypto;
import io.director.shared.DirectorException;
import io.director.shared.ProblemKind;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Users' accounts and login sessions: registration, login, refresh-token rotation with reuse
 * detection, revocation, and turning an access token back into a {@link Principal}.
 */
@Component
public class Accounts {
  static final String REFRESH_PREFIX = "drt_";

  private final UserStore users;
  private final SessionStore sessions;
  private final SecurityAudit audit;
  private final TransactionTemplate tx;
  private final Clock clock;
  private final IdentityConfig config;
  private final Passwords passwords;
  private final Jwt jwt;

  Accounts(UserStore users, SessionStore sessions, SecurityAudit audit, TransactionTemplate tx, Clock clock,
      IdentityConfig config, DirectorConfig directorConfig) {
    this.users = users;
    this.sessions = sessions;
    this.audit = audit;
    this.tx = tx;
    this.clock = clock;
    this.config = config;
    this.passwords = new Passwords(config.passwordHashCost(), config.passwordMinLength());
    this.jwt = new Jwt(directorConfig.secret().orElseThrow(), config.issuer(), clock);
  }

  public IdentityConfig config() {
    return config;
  }

  /** A user as the API shows it. */
  public record UserView(UUID id, String username, String tenant_id, String role, boolean disabled, Instant created_at) {
    static UserView of(UserRecord u) {
      return new UserView(u.id(), u.username(), u.tenantId(), u.role().wire(), u.disabled(), u.createdAt());
    }
  }

  /** Self-service registration: creates a tenant and its first user, the tenant_admin. */
  public UserView register(String username, String password, String tenantId, ClientInfo client) {
    if (!config.registrationOpen()) {
      throw new DirectorException(ProblemKind.FORBIDDEN, "identity.registration-closed",
          "registration is closed; ask an administrator to create your account");
    }
    Usernames.check(username);
    Tenants.check(tenantId);
    String hash = passwords.hash(password);
    UserRecord user = new UserRecord(UUID.randomUUID(), tenantId, username, hash, Role.TENANT_ADMIN, false, clock.instant());
    tx.executeWithoutResult(status -> {
      Instant now = clock.instant();
      if (!users.createTenantIfMissing(tenantId, now)) {
        throw new DirectorException(ProblemKind.CONFLICT, "identity.tenant-exists",
            "tenant '" + tenantId + "' already exists; its tenant admin can add you");
      }
      if (!users.insert(user, now)) {
        throw new DirectorException(ProblemKind.CONFLICT, "identity.username-taken", "username is taken");
      }
    });
    audit.record("user_registered", tenantId, "user:" + user.id(), client, Map.of("username", username, "role", user.role().wire()));
    return UserView.of(user);
  }

  /** Creates a user directly (CLI and tenant administrators), creating the tenant when needed. */
  public UserView create(String username, String password, String tenantId, Role role, String actor, ClientInfo client) {
    Usernames.check(username);
    Tenants.check(tenantId);
    String hash = passwords.hash(password);
    UserRecord user = new UserRecord(UUID.randomUUID(), tenantId, username, hash, role, false, clock.instant());
    tx.executeWithoutResult(status -> {
      users.createTenantIfMissing(tenantId, clock.instant());
      if (!users.insert(user, clock.instant())) {
        throw new DirectorException(ProblemKind.CONFLICT, "identity.username-taken", "username is taken");
      }
    });
    audit.record("user_created", tenantId, actor, client, Map.of("username", username, "role", role.wire(), "user", user.id().toString()));
    return UserView.of(user);
  }

  public Tokens login(String username, String password, ClientInfo client) {
    Optional<UserRecord> found = Usernames.valid(username) ? users.byUsername(username) : Optional.empty();
    boolean ok = passwords.matches(password, found.map(UserRecord::passwordHash).orElse(null));
    if (!ok || found.get().disabled()) {
      audit.record("login_failed", found.map(UserRecord::tenantId).orElse(null), found.map(u -> "user:" + u.id()).orElse(null), client,
          Map.of("username", username == null ? "" : username.length() > 64 ? username.substring(0, 64) : username,
              "reason", found.isEmpty() ? "unknown_user" : !ok ? "wrong_password" : "disabled"));
      throw new DirectorException(ProblemKind.UNAUTHENTICATED, "identity.invalid-credentials", "invalid username or password");
    }
    UserRecord user = found.get();
    UUID sessionId = UUID.randomUUID();
    String refresh = REFRESH_PREFIX + Crypto.randomToken(32);
    Instant now = clock.instant();
    int evicted = tx.execute(status -> {
      sessions.lockUser(user.id());
      int n = sessions.evictBeyond(user.id(), config.maxSessions() - 1, now);
      sessions.create(sessionId, user.id(), user.tenantId(), now, now.plus(config.sessionTimeout()), client);
      sessions.addRefreshToken(Crypto.sha256(refresh), sessionId, now, now.plus(config.sessionTimeout()));
      return n;
    });
    audit.record("login_succeeded", user.tenantId(), "user:" + user.id(), client,
        Map.of("session", sessionId.toString(), "evicted_sessions", evicted));
    return tokens(user, sessionId, refresh);
  }

  /** Rotates a refresh token. Presenting one that was already rotated revokes its whole session. */
  public Tokens refresh(String refreshToken, ClientInfo client) {
    if (refreshToken == null || !refreshToken.startsWith(REFRESH_PREFIX) || refreshToken.length() > 200) throw invalidRefresh();
    byte[] hash = Crypto.sha256(refreshToken);
    String next = REFRESH_PREFIX + Crypto.randomToken(32);
    Instant now = clock.instant();
    record Outcome(UserRecord user, UUID sessionId, boolean reused) {}
    Outcome outcome = tx.execute(status -> {
      Optional<SessionStore.RefreshRow> row = sessions.lockRefreshToken(hash);
      if (row.isEmpty()) return null;
      SessionStore.SessionRow session = sessions.lock(row.get().sessionId()).orElse(null);
      if (session == null) return null;
      UserRecord user = users.byIdForAuthentication(session.userId()).orElse(null);
      if (user == null) return null;
      if (row.get().rotatedAt().isPresent()) {
        sessions.revoke(session.id(), session.userId(), "refresh_token_reused", now);
        return new Outcome(user, session.id(), true);
      }
      if (session.revokedAt().isPresent() || session.expiresAt().isBefore(now) || row.get().expiresAt().isBefore(now) || user.disabled()) {
        return null;
      }
      sessions.markRotated(hash, now);
      Instant expires = now.plus(config.sessionTimeout());
      sessions.addRefreshToken(Crypto.sha256(next), session.id(), now, expires);
      sessions.touch(session.id(), now, expires);
      return new Outcome(user, session.id(), false);
    });
    if (outcome == null) throw invalidRefresh();
    if (outcome.reused()) {
      audit.record("refresh_token_reused", outcome.user().tenantId(), "user:" + outcome.user().id(), client,
          Map.of("session", outcome.sessionId().toString()));
      throw invalidRefresh();
    }
    return tokens(outcome.user(), outcome.sessionId(), next);
  }

  /** Ends the session a refresh token belongs to. Unknown tokens are ignored (RFC 7009). */
  public void revoke(String refreshToken, ClientInfo client) {
    if (refreshToken == null || !refreshToken.startsWith(REFRESH_PREFIX) || refreshToken.length() > 200) return;
    byte[] hash = Crypto.sha256(refreshToken);
    tx.executeWithoutResult(status -> sessions.lockRefreshToken(hash)
        .flatMap(row -> sessions.find(row.sessionId()))
        .ifPresent(s -> {
          if (sessions.revoke(s.id(), s.userId(), "revoked", clock.instant())) {
            audit.record("session_revoked", s.tenantId(), "user:" + s.userId(), client, Map.of("session", s.id().toString()));
          }
        }));
  }

  public int logoutAll(Principal principal, ClientInfo client) {
    int n = sessions.revokeAll(principal.userId(), "logout_all", clock.instant());
    audit.record("logout_all", principal.tenantId(), principal.label(), client, Map.of("sessions", n));
    return n;
  }

  public List<Map<String, Object>> sessions(Principal principal) {
    return sessions.active(principal.userId(), clock.instant()).stream().map(s -> SessionStore.view(s, principal.sessionId())).toList();
  }

  public void revokeSession(Principal principal, UUID sessionId, ClientInfo client) {
    if (!sessions.revoke(sessionId, principal.userId(), "revoked", clock.instant())) {
      throw DirectorException.notFound("identity.session-not-found", "no such session");
    }
    audit.record("session_revoked", principal.tenantId(), principal.label(), client, Map.of("session", sessionId.toString()));
  }

  /** The principal behind a valid access token whose session is still live. */
  public Optional<Principal> authenticate(String accessToken) {
    Optional<Jwt.Claims> claims = jwt.verify(accessToken);
    if (claims.isEmpty()) return Optional.empty();
    UUID userId;
    UUID sessionId;
    try {
      userId = UUID.fromString(claims.get().subject());
      sessionId = UUID.fromString(claims.get().sessionId());
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    return sessions.liveUser(sessionId, userId, clock.instant())
        .map(u -> new Principal(Principal.Kind.USER, u.id(), u.id(), u.username(), u.tenantId(), u.role(), u.role().scopes(),
            Optional.of(sessionId)));
  }

  private Tokens tokens(UserRecord user, UUID sessionId, String refresh) {
    Instant expires = clock.instant().plus(config.accessTokenTtl());
    String access = jwt.issue(user.id().toString(), user.tenantId(), List.of(user.role().wire()), UUID.randomUUID().toString(),
        sessionId.toString(), expires);
    return new Tokens(access, refresh, "Bearer", config.accessTokenTtl().toSeconds());
  }

  private static DirectorException invalidRefresh() {
    return new DirectorException(ProblemKind.UNAUTHENTICATED, "identity.invalid-refresh-token", "the refresh token is invalid, expired or revoked");
  }
}
