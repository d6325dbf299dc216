package io.director.sessions.sandbox;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What local drivers need to know about this host.
 *
 * @param sandboxUid the unprivileged user sandboxes run as when Director is root; empty otherwise
 * @param readOnlyPaths extra host paths every sandbox sees read-only
 * @param javaHome the JDK Director runs on, shown read-only in sandboxes for the MCP bridge
 * @param jar Director's own jar, shown read-only in sandboxes for the MCP bridge, when it runs from one
 * @param bridgeScript the {@code director-mcp} launcher shown in sandboxes
 * @param relayScript the {@code director-run} launcher of allowlist sessions (egress relay, then the command)
 */
public record LocalHost(Optional<Integer> sandboxUid, List<Path> readOnlyPaths, Path javaHome, Optional<Path> jar,
    Optional<Path> bridgeScript, Optional<Path> relayScript) {
  public LocalHost {
    readOnlyPaths = List.copyOf(readOnlyPaths);
  }

  /** Where Director's JDK, jar and bridge appear inside a sandbox. */
  public static final String SANDBOX_DIRECTOR = "/opt/director";
}
