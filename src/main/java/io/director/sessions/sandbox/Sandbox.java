package io.director.sessions.sandbox;

import java.io.OutputStream;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** A running sandbox: its exit, its stdin, and how to end it. */
public interface Sandbox {
  /** Completes once the session's main process has exited and the sandbox is torn down. */
  CompletableFuture<Exit> exit();

  /** The write end of the command's stdin, when the session asked for one. */
  Optional<OutputStream> stdin();

  /** Asks every process in the sandbox to end (SIGTERM). */
  void terminate();

  /** Ends every process in the sandbox now (SIGKILL). */
  void kill();

  /** Output past the session's limit is dropped from now on; a driver may stop storing it too. */
  default void discardOutput() {}

  /** Called about once a second while the session runs, for drivers that watch something. */
  default void tick() {}

  /** How each limit is enforced here ({@code cgroup-v1}, {@code rlimit}, {@code namespace} …), or {@code none}. */
  Map<String, String> enforced();

  /** How the main process ended; {@code limit} names a limit that was hit (memory_limit, pids_limit). */
  record Exit(int code, Optional<String> limit) {}
}
