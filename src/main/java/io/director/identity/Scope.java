package io.director.identity;

import io.director.shared.DirectorException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** What a principal may do. API keys carry a subset of their creator's scopes; roles imply a set. */
public enum Scope {
  PLAYBOOKS_READ("playbooks:read"),
  PLAYBOOKS_WRITE("playbooks:write"),
  MCP_CONNECT("mcp:connect"),
  SESSIONS_READ("sessions:read"),
  SESSIONS_WRITE("sessions:write"),
  MEMORY_READ("memory:read"),
  MEMORY_WRITE("memory:write"),
  MEMORY_SECRET("memory:secret"),
  METRICS_READ("metrics:read"),
  ADMIN("admin");

  private final String wire;

  Scope(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  public static Scope parse(String text) {
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(s -> s.wire.equals(t)).findFirst()
        .orElseThrow(() -> DirectorException.invalid("identity.unknown-scope",
            "unknown scope '" + abbreviate(text) + "'; known scopes: " + Arrays.stream(values()).map(Scope::wire).toList()));
  }

  public static Set<Scope> all() {
    return EnumSet.allOf(Scope.class);
  }

  private static String abbreviate(String s) {
    if (s == null) return "";
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }
}
