package io.director.sessions.sandbox;

import io.director.sessions.NetworkMode;
import java.util.List;
import java.util.Optional;

/**
 * No sandbox: the command runs as a plain child process in its workspace, with control-group limits
 * where the host allows them. For development only; Director refuses it unless
 * DANGEROUSLY_ALLOW_UNSANDBOXED_SESSIONS is set, which production refuses.
 */
public final class ProcessDriver extends LocalDriver {
  public ProcessDriver(Cgroups cgroups, OutputFiles outputs, LocalHost host) {
    super(cgroups, outputs, host);
  }

  @Override
  public String name() {
    return "process";
  }

  @Override
  public Optional<String> refuse(NetworkMode mode) {
    return mode == NetworkMode.OPEN ? Optional.empty()
        : Optional.of("the process driver has no sandbox and cannot limit the network; use network mode open, or the bubblewrap driver");
  }

  @Override
  public Optional<String> unavailable() {
    return Optional.empty();
  }

  @Override
  List<String> isolate(LaunchSpec spec, java.nio.file.Path envFile) {
    List<String> a = new java.util.ArrayList<>(List.of("/bin/sh", "-c", WITH_ENV, envFile.toString()));
    a.addAll(spec.command());
    return a;
  }

  @Override
  String networkEnforcement(LaunchSpec spec) {
    return "none";
  }

  @Override
  boolean signalChildrenOnly() {
    return false;
  }
}
