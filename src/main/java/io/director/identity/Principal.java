package io.director.identity;

import static java.util.Objects.requireNonNull;

import io.director.shared.DirectorException;
import io.director.shared.ProblemKind;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Who is calling: a logged-in user (JWT), an API key acting for its tenant, or an agent session's
 * own credential. Controllers receive it as a parameter; data access takes its tenant, never a
 * tenant from the request. {@code playbookOnly} narrows a principal to one playbook.
 */
public record Principal(
    Kind kind, UUID id, UUID userId, String name, String tenantId, Role role, Set<Scope> scopes, Optional<UUID> sessionId,
    Optional<UUID> playbookOnly) {

  /** How the caller authenticated. */
  public enum Kind {
    USER,
    API_KEY,
    AGENT_SESSION
  }

  public Principal(Kind kind, UUID id, UUID userId, String name, String tenantId, Role role, Set<Scope> scopes,
      Optional<UUID> sessionId) {
    this(kind, id, userId, name, tenantId, role, scopes, sessionId, Optional.empty());
  }

  public Principal {
    requireNonNull(kind, "kind");
    requireNonNull(id, "id");
    requireNonNull(userId, "userId");
    requireNonNull(tenantId, "tenantId");
    requireNonNull(role, "role");
    scopes = Set.copyOf(scopes);
    requireNonNull(sessionId, "sessionId");
    requireNonNull(playbookOnly, "playbookOnly");
  }

  /** Whether this principal may use the playbook at all (an agent session only its own). */
  public boolean mayUsePlaybook(UUID playbookId) {
    return playbookOnly.map(playbookId::equals).orElse(true);
  }

  public boolean has(Scope scope) {
    return scopes.contains(scope);
  }

  /** A global administrator: a user with role admin, or an admin's key with the admin scope. */
  public boolean globalAdmin() {
    return role == Role.ADMIN && scopes.contains(Scope.ADMIN);
  }

  public boolean tenantAdmin() {
    return globalAdmin() || role == Role.TENANT_ADMIN && kind == Kind.USER;
  }

  /** Fails with 403 unless the principal holds the scope. */
  public Principal require(Scope scope) {
    if (!has(scope)) {
      throw new DirectorException(ProblemKind.FORBIDDEN, "identity.missing-scope", "this action needs the " + scope.wire() + " scope");
    }
    return this;
  }

  /** The label written to logs and the audit log. */
  public String label() {
    return switch (kind) {
      case USER -> "user:" + id;
      case API_KEY -> "key:" + id;
      case AGENT_SESSION -> "session:" + id;
    };
  }
}
