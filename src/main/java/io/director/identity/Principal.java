package io.director.identity;

import static java.util.Objects.requireNonNull;

import io.director.shared.DirectorException;
import io.director.shared.ProblemKind;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Who is calling: a logged-in user (JWT) or an API key acting for its tenant. Controllers receive
 * it as a parameter; data access takes its tenant, never a tenant from the request.
 */
public record Principal(
    Kind kind, UUID id, UUID userId, String name, String tenantId, Role role, Set<Scope> scopes, Optional<UUID> sessionId) {

  /** How the caller authenticated. */
  public enum Kind {
    USER,
    API_KEY
  }

  public Principal {
    requireNonNull(kind, "kind");
    requireNonNull(id, "id");
    requireNonNull(userId, "userId");
    requireNonNull(tenantId, "tenantId");
    requireNonNull(role, "role");
    scopes = Set.copyOf(scopes);
    requireNonNull(sessionId, "sessionId");
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
    return (kind == Kind.USER ? "user:" : "key:") + id;
  }
}
