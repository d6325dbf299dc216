package io.director.sessions.sandbox;

import io.director.sessions.NetworkMode;
import java.io.IOException;
import java.util.Optional;

/**
 * Runs a session's command in isolation. One driver per instance, chosen by DIRECTOR_SANDBOX. A
 * driver checks a plan before anything is stored ({@link #refuse}), then launches it.
 */
public interface SandboxDriver {
  /** The name used in DIRECTOR_SANDBOX and in a session's {@code driver}. */
  String name();

  /** Why this driver cannot run the plan (such as a network mode it cannot enforce), if it cannot. */
  default Optional<String> refuse(NetworkMode mode) {
    return Optional.empty();
  }

  /** Whether this driver can run at all here, and if not, why not. */
  Optional<String> unavailable();

  /** Starts the command. Output goes to the spec's sink from now on, until the sandbox exits. */
  Sandbox launch(LaunchSpec spec) throws IOException;

  /**
   * Runs a short command that sees nothing but a read-only view of {@code workspace} at {@code /w}
   * (and {@code /usr}), as the sandbox user: how Director reads the workspace of a session that is
   * still running, whose agent could swap any path for a link to the host. Empty when the driver
   * has no such confinement.
   */
  default Optional<Process> confined(java.nio.file.Path workspace, java.util.List<String> command) throws IOException {
    return Optional.empty();
  }

  /**
   * Ends whatever is left of a session this driver launched under an instance that is gone: a Pod, a
   * control group with processes. Returns whether anything was found.
   */
  default boolean reap(java.util.UUID sessionId) {
    return false;
  }
}
