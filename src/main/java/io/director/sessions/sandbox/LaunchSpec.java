package io.director.sessions.sandbox;

import io.director.sessions.NetworkMode;
import io.director.sessions.SessionLimits;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Everything a driver needs to start one session.
 *
 * @param workspace host directory shown at {@code /workspace} (writable)
 * @param runDir host directory private to Director for this session (output files; {@code egress.sock}, the
 *     egress proxy of an allowlist session)
 * @param toolSocket host path of the session's Unix socket to Director, shown at {@code /run/director/mcp.sock}
 * @param allow hosts (host[:port]) an allowlist session may reach
 */
public record LaunchSpec(
    UUID sessionId, String tenantId, List<String> command, Map<String, String> env, Path workspace, Path runDir,
    SessionLimits limits, NetworkMode network, List<String> allow, boolean stdin, Optional<Path> toolSocket, OutputSink sink) {

  /** Where the tool socket appears inside a sandbox. */
  public static final String SANDBOX_SOCKET = "/run/director/mcp.sock";

  /** Where an allowlist session's egress proxy socket appears inside a sandbox. */
  public static final String SANDBOX_EGRESS_SOCKET = "/run/director/egress.sock";

  /** Where the workspace appears inside a sandbox. */
  public static final String SANDBOX_WORKSPACE = "/workspace";

  public LaunchSpec {
    command = List.copyOf(command);
    env = Map.copyOf(env);
    allow = List.copyOf(allow);
  }
}
