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

  /** The name a client sees for an upstream tool, prompt or resource template name. */
  public String namespaced(String upstreamName) {
    String exposed = tools.exposedName(upstreamName);
    String p = prefix.orElse(name);
    return p.isEmpty() ? exposed : p + SEPARATOR + exposed;
  }
}
