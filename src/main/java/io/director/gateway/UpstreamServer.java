package io.director.gateway;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.UUID;

/**
 * One upstream MCP server of a playbook. Its tools are served as {@code <prefix>__<tool>}, where the
 * prefix is the server name unless set ({@code ""} turns namespacing off).
 */
public record UpstreamServer(UUID id, String name, UpstreamTransport transport, Optional<String> prefix, boolean disabled, ToolPolicy tools) {
  public static final String SEPARATOR = "__";

  public UpstreamServer {
    requireNonNull(id, "id");
    requireNonNull(name, "name");
    requireNonNull(transport, "transport");
    requireNonNull(prefix, "prefix");
    requireNonNull(tools, "tools");
  }

  /** The name a client sees for an upstream tool (after the tool policy's rename). */
  public String namespaced(String upstreamName) {
    return prefixed(tools.exposedName(upstreamName));
  }

  /** The name a client sees for an upstream prompt: the server's prefix only. */
  public String prefixed(String upstreamName) {
    String p = prefix.orElse(name);
    return p.isEmpty() ? upstreamName : p + SEPARATOR + upstreamName;
  }
}
