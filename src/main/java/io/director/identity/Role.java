package io.director.identity;

import io.director.shared.DirectorException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** A user's role. {@code admin} spans all tenants; the others act within the user's own tenant. */
public enum Role {
  VIEWER("viewer", EnumSet.of(Scope.PLAYBOOKS_READ, Scope.SESSIONS_READ, Scope.MEMORY_READ)),
  MEMBER("member", EnumSet.of(Scope.PLAYBOOKS_READ, Scope.PLAYBOOKS_WRITE, Scope.MCP_CONNECT, Scope.SESSIONS_READ,
      Scope.SESSIONS_WRITE, Scope.MEMORY_READ, Scope.MEMORY_WRITE)),
  TENANT_ADMIN("tenant_admin", EnumSet.of(Scope.PLAYBOOKS_READ, Scope.PLAYBOOKS_WRITE, Scope.MCP_CONNECT, Scope.SESSIONS_READ,
      Scope.SESSIONS_WRITE, Scope.MEMORY_READ, Scope.MEMORY_WRITE, Scope.MEMORY_SECRET, Scope.METRICS_READ)),
  ADMIN("admin", EnumSet.allOf(Scope.class));

  private final String wire;
  private final Set<Scope> scopes;

  Role(String wire, Set<Scope> scopes) {
    this.wire = wire;
    this.scopes = Set.copyOf(scopes);
  }

  public String wire() {
    return wire;
  }

  public Set<Scope> scopes() {
    return scopes;
  }

  /** Whether this role may grant {@code other} to someone (never above itself). */
  public boolean atLeast(Role other) {
    return ordinal() >= other.ordinal();
  }

  public static Role parse(String text) {
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(r -> r.wire.equals(t)).findFirst()
        .orElseThrow(() -> DirectorException.invalid("identity.unknown-role",
            "unknown role; use one of admin, tenant_admin, member, viewer"));
  }
}
