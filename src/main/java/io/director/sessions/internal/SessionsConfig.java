package io.director.sessions.internal;

import io.director.platform.config.DirectorConfig;
import io.director.platform.config.Durations;
import io.director.platform.config.EffectiveConfig;
import io.director.platform.config.Sizes;
import io.director.sessions.SessionLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/** The agent-session settings, typed. */
public record SessionsConfig(
    String driver, int maxSessions, int maxPerTenant, Duration stopGrace, SessionLimits defaults, Duration retention,
    Path workspaceDir, List<Path> readOnlyPaths, int sandboxUid, boolean allowUnsandboxed, boolean allowOpenNetwork,
    boolean egressAllowLocal) {

  static SessionsConfig from(EffectiveConfig c, DirectorConfig config) {
    Duration timeout = Durations.parse(c.raw("AGENT_SESSION_TIMEOUT").orElse("1h"));
    SessionLimits defaults = new SessionLimits(Double.parseDouble(c.raw("AGENT_SESSION_CPUS").orElse("1")),
        Sizes.parse(c.raw("AGENT_SESSION_MEMORY").orElse("1GiB")) / (1024 * 1024),
        Integer.parseInt(c.raw("AGENT_SESSION_PIDS").orElse("512")), timeout.toSeconds(),
        Math.max(1, Sizes.parse(c.raw("AGENT_SESSION_OUTPUT").orElse("16MiB")) / (1024 * 1024)));
    Path workspaces = c.raw("SANDBOX_WORKSPACE_DIR").map(Path::of).orElse(config.dataDir().resolve("sessions")).toAbsolutePath().normalize();
    List<Path> readOnly = c.raw("SANDBOX_READONLY_PATHS").map(s -> Arrays.stream(s.split(",")).map(String::trim)
        .filter(p -> !p.isEmpty()).map(p -> Path.of(p).toAbsolutePath().normalize()).toList()).orElse(List.of());
    return new SessionsConfig(c.raw("DIRECTOR_SANDBOX").orElse("bubblewrap"), Integer.parseInt(c.raw("MAX_AGENT_SESSIONS").orElse("200")),
        Integer.parseInt(c.raw("MAX_AGENT_SESSIONS_PER_TENANT").orElse("50")),
        Durations.parse(c.raw("AGENT_SESSION_STOP_GRACE").orElse("10s")), defaults,
        Durations.parse(c.raw("AGENT_SESSION_RETENTION").orElse("7d")), workspaces, readOnly,
        Integer.parseInt(c.raw("SANDBOX_UID").orElse("65534")),
        c.raw("DANGEROUSLY_ALLOW_UNSANDBOXED_SESSIONS").map(io.director.platform.config.Booleans::parse).orElse(false),
        c.raw("SANDBOX_ALLOW_OPEN_NETWORK").map(io.director.platform.config.Booleans::parse).orElse(false),
        c.raw("SANDBOX_EGRESS_ALLOW_LOCAL").map(io.director.platform.config.Booleans::parse).orElse(false));
  }
}
