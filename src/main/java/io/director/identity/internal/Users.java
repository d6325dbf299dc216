package io.director.identity.internal;

import io.director.identity.ClientInfo;
import io.director.identity.Principal;
import io.director.identity.Role;
import io.director.shared.DirectorException;
import io.director.shared.ProblemKind;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** User administration: tenant admins manage their tenant; admins manage every tenant. */
@Component
public class Users {
  private final UserStore store;
  private final Accounts accounts;
  private final SecurityAudit audit;
  private final Clock clock;
  private final ApiKeys keys;

  Users(UserStore store, Accounts accounts, SecurityAudit audit, Clock clock, ApiKeys keys) {
    this.keys = keys;
    this.store = store;
    this.accounts = accounts;
    this.audit = audit;
    this.clock = clock;
  }

  public List<Accounts.UserView> list(Principal principal, Optional<String> tenant, int limit, int offset) {
    requireTenantAdmin(principal);
    Optional<String> scope = principal.globalAdmin() ? tenant : Optional.of(principal.tenantId());
    return store.list(scope, limit, offset).stream().map(Accounts.UserView::of).toList();
  }

  public Accounts.UserView create(Principal principal, String username, String password, Optional<String> tenant, Role role, ClientInfo client) {
    requireTenantAdmin(principal);
    String tenantId = principal.globalAdmin() ? tenant.orElse(principal.tenantId()) : principal.tenantId();
    if (!principal.role().atLeast(role)) {
      throw new DirectorException(ProblemKind.FORBIDDEN, "identity.role-not-grantable", "you cannot grant the " + role.wire() + " role");
    }
    if (!principal.globalAdmin() && tenant.isPresent() && !tenant.get().equals(principal.tenantId())) {
      throw DirectorException.notFound("identity.tenant-not-found", "no such tenant");
    }
    return accounts.create(username, password, tenantId, role, principal.label(), client);
  }

  public Accounts.UserView update(Principal principal, UUID id, Optional<Role> role, Optional<Boolean> disabled, ClientInfo client) {
    requireTenantAdmin(principal);
    UserRecord user = (principal.globalAdmin() ? store.byIdForAuthentication(id) : store.byId(principal.tenantId(), id))
        .orElseThrow(() -> DirectorException.notFound("identity.user-not-found", "no such user"));
    Role newRole = role.orElse(user.role());
    if (!principal.role().atLeast(newRole) || !principal.role().atLeast(user.role())) {
      throw new DirectorException(ProblemKind.FORBIDDEN, "identity.role-not-grantable", "you cannot change a user to or from " + newRole.wire());
    }
    if (user.id().equals(principal.userId()) && (newRole != user.role() || disabled.orElse(false))) {
      throw new DirectorException(ProblemKind.CONFLICT, "identity.self-change", "you cannot change your own role or disable yourself");
    }
    boolean newDisabled = disabled.orElse(user.disabled());
    store.update(user.tenantId(), user.id(), newRole, newDisabled, clock.instant());
    keys.forget(); // the user's keys may now hold less
    if (newRole != user.role()) {
      audit.record("role_changed", user.tenantId(), principal.label(), client,
          Map.of("user", user.id().toString(), "from", user.role().wire(), "to", newRole.wire()));
    }
    if (newDisabled != user.disabled()) {
      audit.record(newDisabled ? "user_disabled" : "user_enabled", user.tenantId(), principal.label(), client, Map.of("user", user.id().toString()));
    }
    return new Accounts.UserView(user.id(), user.username(), user.tenantId(), newRole.wire(), newDisabled, user.createdAt());
  }

  static void requireTenantAdmin(Principal principal) {
    if (!principal.tenantAdmin()) {
      throw new DirectorException(ProblemKind.FORBIDDEN, "identity.tenant-admin-only", "this action needs the tenant_admin or admin role");
    }
  }
}
