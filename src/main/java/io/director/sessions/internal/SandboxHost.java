package io.director.sessions.internal;

import io.director.platform.config.DirectorConfig;
import io.director.sessions.sandbox.LocalHost;
import io.director.sessions.sandbox.SandboxDriver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;

/**
 * The host side of local sessions: where workspaces and run directories live, who owns them, the
 * {@code director-mcp} launcher shown in sandboxes, and the port Director listens on. Layout:
 * {@code <SANDBOX_WORKSPACE_DIR>/<session>/} (traversable, not listable) holds {@code workspace/}
 * (the sandbox user's), {@code stdout}, {@code stderr} and {@code mcp.sock}.
 */
public final class SandboxHost {
  private static final Logger log = LoggerFactory.getLogger(SandboxHost.class);
  private static final Set<PosixFilePermission> TRAVERSE_ONLY = PosixFilePermissions.fromString("rwx--x--x");

  private final SessionsConfig config;
  private final DirectorConfig director;
  private final Path base;
  private final Optional<Integer> sandboxUid;
  private final Optional<Path> jar;
  private final Path javaHome;
  private volatile int port;
  private Optional<Path> bridgeScript = Optional.empty();
  private Optional<Path> relayScript = Optional.empty();

  SandboxHost(SessionsConfig config, DirectorConfig director) {
    this.config = config;
    this.director = director;
    this.base = config.workspaceDir();
    this.sandboxUid = runningAsRoot() ? Optional.of(config.sandboxUid()) : Optional.empty();
    this.jar = ownJar();
    this.javaHome = Path.of(System.getProperty("java.home")).toAbsolutePath().normalize();
    this.port = director.port();
  }

  /** Creates the workspace root and the bridge launcher; called once the driver is known. */
  LocalHost init(boolean ownFilesystem) {
    try {
      Files.createDirectories(base);
      if (sandboxUid.isPresent()) {
        Files.setPosixFilePermissions(base, TRAVERSE_ONLY);
        makeTraversable(base.getParent());
      }
      if (jar.isPresent()) {
        Path bin = base.resolve(".bin");
        Files.createDirectories(bin);
        Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path script = bin.resolve("director-mcp");
        String java = ownFilesystem ? LocalHost.SANDBOX_DIRECTOR + "/jdk/bin/java" : javaHome.resolve("bin/java").toString();
        String jarPath = ownFilesystem ? LocalHost.SANDBOX_DIRECTOR + "/director.jar" : jar.get().toString();
        Files.writeString(script, """
            #!/bin/sh
            # Director's MCP bridge: a stdio MCP server that carries messages to this session's tools.
            exec %s -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k -Xmx64m -XX:-UsePerfData -jar %s mcp-bridge "$@"
            """.formatted(java, jarPath), StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        bridgeScript = Optional.of(script);
        Path run = bin.resolve("director-run");
        // 0C38 is port 3128: wait (up to 4 s) until the relay listens, so the command's first request finds it
        Files.writeString(run, """
            #!/bin/sh
            # Director's start of an allowlist session: the relay to the egress proxy, then the command.
            %s -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss256k -Xmx24m -XX:-UsePerfData -jar %s net-relay >/dev/null 2>&1 &
            i=0
            while [ $i -lt 200 ] && ! grep -q ':0C38 00000000:0000 0A' /proc/net/tcp 2>/dev/null; do sleep 0.02; i=$((i+1)); done
            exec "$@"
            """.formatted(java, jarPath), StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxr-xr-x"));
        relayScript = Optional.of(run);
      }
    } catch (IOException e) {
      log.warn("cannot prepare the session directory {}: {}", base, e.getMessage());
    }
    return new LocalHost(sandboxUid, config.readOnlyPaths(), javaHome, jar, bridgeScript, relayScript);
  }

  /** A sandbox user must be able to pass through every directory above the workspaces (never to list them). */
  private static void makeTraversable(Path dir) throws IOException {
    for (Path d = dir; d != null; d = d.getParent()) {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(d);
      if (!perms.contains(PosixFilePermission.OTHERS_EXECUTE)) {
        Set<PosixFilePermission> more = EnumSet.copyOf(perms);
        more.add(PosixFilePermission.OTHERS_EXECUTE);
        more.add(PosixFilePermission.GROUP_EXECUTE);
        Files.setPosixFilePermissions(d, more);
        log.info("made {} traversable (not listable) so that sandboxes can mount their workspaces", d);
      }
    }
  }

  @EventListener
  void serving(WebServerInitializedEvent event) {
    if (port == 0 && event.getWebServer().getPort() > 0) port = event.getWebServer().getPort(); // PORT=0: the one chosen
  }

  int port() {
    return port;
  }

  Optional<Integer> sandboxUid() {
    return sandboxUid;
  }

  boolean ownFilesystem(SandboxDriver driver) {
    return !driver.name().equals("process");
  }

  Optional<String> bridgeCommand(SandboxDriver driver) {
    if (bridgeScript.isEmpty() || driver.name().equals("kubernetes")) return Optional.empty();
    return Optional.of(ownFilesystem(driver) ? LocalHost.SANDBOX_DIRECTOR + "/bin/director-mcp" : bridgeScript.get().toString());
  }

  Optional<String> publicMcpUrl(UUID playbook) {
    return director.baseUrl().map(u -> u.toString().replaceAll("/+$", "") + "/playbooks/" + playbook + "/mcp");
  }

  Path runDir(UUID session) {
    return base.resolve(session.toString());
  }

  Path workspace(UUID session) {
    return runDir(session).resolve("workspace");
  }

  /** Makes the session's directories and writes its files; everything in the workspace belongs to the sandbox user. */
  Path prepare(UUID session, Map<String, String> files) throws IOException {
    Path run = runDir(session);
    Files.createDirectories(run);
    Files.setPosixFilePermissions(run, TRAVERSE_ONLY);
    Path ws = workspace(session);
    Files.createDirectories(ws);
    Files.setPosixFilePermissions(ws, PosixFilePermissions.fromString("rwx------"));
    for (var f : files.entrySet()) {
      Path target = ws.resolve(f.getKey()).normalize();
      if (!target.startsWith(ws)) throw new IOException("workspace file outside the workspace: " + f.getKey());
      Files.createDirectories(target.getParent());
      Files.writeString(target, f.getValue(), StandardCharsets.UTF_8);
    }
    for (String out : new String[] {"stdout", "stderr"}) {
      Path p = run.resolve(out);
      Files.deleteIfExists(p);
      Files.createFile(p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    if (sandboxUid.isPresent()) {
      int uid = sandboxUid.get();
      try (Stream<Path> all = Files.walk(ws)) {
        for (Path p : all.toList()) {
          Files.setAttribute(p, "unix:uid", uid, java.nio.file.LinkOption.NOFOLLOW_LINKS);
          Files.setAttribute(p, "unix:gid", uid, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        }
      }
    }
    return ws;
  }

  /** After the end: the output files are in the transcript now; the workspace stays until the session is deleted. */
  void finished(UUID session) {
    for (String out : new String[] {"stdout", "stderr", "mcp.sock", "egress.sock", "env"}) {
      try {
        Files.deleteIfExists(runDir(session).resolve(out));
      } catch (IOException e) {
        log.debug("cannot remove {} of session {}: {}", out, session, e.getMessage());
      }
    }
  }

  /** Removes everything of the session on this host. Symbolic links the agent left are removed, never followed. */
  void remove(UUID session) {
    Path run = runDir(session);
    if (!Files.exists(run, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
    try {
      Files.walkFileTree(run, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.deleteIfExists(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
          // the sandbox user may have left a directory we cannot enter; make it ours to delete
          if (sandboxUid.isPresent()) Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
          Files.deleteIfExists(dir);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      log.warn("cannot remove the workspace of session {}: {}", session, e.getMessage());
    }
  }

  /** Session directories on this host older than {@code age}, by session id. */
  List<UUID> localSessions(java.time.Duration age) {
    List<UUID> ids = new java.util.ArrayList<>();
    try (Stream<Path> dirs = Files.list(base)) {
      for (Path d : dirs.toList()) {
        try {
          UUID id = UUID.fromString(d.getFileName().toString());
          if (Files.getLastModifiedTime(d, java.nio.file.LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(java.time.Instant.now().minus(age))) ids.add(id);
        } catch (IllegalArgumentException | IOException e) {
          // not a session's directory
        }
      }
    } catch (IOException e) {
      log.debug("cannot list {}: {}", base, e.getMessage());
    }
    return ids;
  }

  /** Whether this host has the session's workspace (another instance's is elsewhere). */
  boolean hasWorkspace(UUID session) {
    return Files.isDirectory(workspace(session), java.nio.file.LinkOption.NOFOLLOW_LINKS);
  }

  private static boolean runningAsRoot() {
    try {
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** The jar Director runs from ({@code java -jar director.jar}), if it does. */
  private static Optional<Path> ownJar() {
    String cp = System.getProperty("java.class.path", "");
    if (cp.contains(java.io.File.pathSeparator) || !cp.endsWith(".jar")) return Optional.empty();
    Path p = Path.of(cp).toAbsolutePath().normalize();
    return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
  }

}
