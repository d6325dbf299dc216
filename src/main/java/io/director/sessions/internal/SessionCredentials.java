package io.director.sessions.internal;

import io.director.identity.CredentialResolver;
import io.director.identity.Principal;
import io.director.identity.Role;
import io.director.identity.Scope;
import io.director.shared.Crypto;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * A session's own credential ({@code dss_…}): minted when the session is created, stored only as a
 * hash, valid while the session is live and only for its playbook's MCP endpoint. The sessions this
 * instance runs are answered from memory and forgotten the moment they end; others from the database.
 */
@Component
class SessionCredentials implements CredentialResolver {
  static final String PREFIX = "dss_";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final UUID NO_PLAYBOOK = new UUID(0, 0);

  private final SessionStore store;
  private final Map<String, Principal> local = new ConcurrentHashMap<>();
  private final Map<UUID, String> localBySession = new ConcurrentHashMap<>();

  SessionCredentials(SessionStore store) {
    this.store = store;
  }

  /** A new credential: the secret (for the sandbox only) and its hash (for the database). */
  record Minted(String secret, byte[] hash) {}

  static Minted mint() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    return new Minted(secret, Crypto.sha256(secret));
  }

  @Override
  public String prefix() {
    return PREFIX;
  }

  @Override
  public Optional<Principal> resolve(String presented) {
    byte[] hash = Crypto.sha256(presented);
    String key = HexFormat.of().formatHex(hash);
    Principal known = local.get(key);
    if (known != null) return Optional.of(known);
    return store.byToken(hash).map(SessionCredentials::principal);
  }

  /** Answers this session's credential from memory while it runs here. */
  void remember(SessionRow row, byte[] hash) {
    String key = HexFormat.of().formatHex(hash);
    local.put(key, principal(row));
    localBySession.put(row.id(), key);
  }

  void forget(UUID session) {
    String key = localBySession.remove(session);
    if (key != null) local.remove(key);
  }

  static Principal principal(SessionRow row) {
    Set<Scope> scopes = row.playbookId().isPresent() ? Set.of(Scope.MCP_CONNECT) : Set.of();
    return new Principal(Principal.Kind.AGENT_SESSION, row.id(), row.creatorUserId(), row.name(), row.tenantId(), Role.MEMBER, scopes,
        Optional.empty(), Optional.of(row.playbookId().orElse(NO_PLAYBOOK)));
  }
}
