package io.director.sessions.sandbox;

import io.director.sessions.NetworkMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Sessions in bubblewrap: new user, PID, IPC, UTS, cgroup and (unless the network is open) network
 * namespaces; a root of its own where the system directories are read-only, only a short list of
 * /etc is shown, and only the workspace and a private /tmp are writable. Host home directories,
 * /root, Director's data dir, other workspaces and host processes are simply not there. The
 * sandbox dies with Director ({@code --die-with-parent}).
 */
public final class BubblewrapDriver extends LocalDriver {
  /** What of /etc a sandbox sees: name resolution, users, TLS roots, the dynamic linker and time zones. */
  static final List<String> ETC = List.of("alternatives", "ca-certificates", "ca-certificates.conf", "ssl", "pki", "ld.so.cache",
      "ld.so.conf", "ld.so.conf.d", "localtime", "timezone", "nsswitch.conf", "passwd", "group", "hosts", "resolv.conf",
      "host.conf", "gai.conf", "os-release", "mime.types", "protocols", "services", "profile", "bash.bashrc", "inputrc",
      "gitconfig", "magic", "npmrc");
  private static final List<String> SYSTEM = List.of("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32");

  private final String bwrap;
  private volatile Optional<String> unavailable;

  public BubblewrapDriver(Cgroups cgroups, OutputFiles outputs, LocalHost host) {
    super(cgroups, outputs, host);
    this.bwrap = findOnPath("bwrap").orElse("bwrap");
  }

  @Override
  public String name() {
    return "bubblewrap";
  }

  @Override
  public Optional<String> refuse(NetworkMode mode) {
    return mode == NetworkMode.ALLOWLIST && host.relayScript().isEmpty()
        ? Optional.of("network mode allowlist needs Director to run from its jar (for the egress relay in the sandbox)")
        : Optional.empty();
  }

  /** Tries a trivial sandbox once; the answer is kept. */
  @Override
  public Optional<String> unavailable() {
    Optional<String> known = unavailable;
    if (known != null) return known;
    Optional<String> result;
    List<String> argv = new ArrayList<>();
    host.sandboxUid().ifPresent(uid -> argv.addAll(List.of(SETPRIV, "--reuid=" + uid, "--regid=" + uid, "--clear-groups", "--")));
    argv.addAll(List.of(bwrap, "--unshare-all", "--die-with-parent", "--ro-bind", "/usr", "/usr"));
    argv.addAll(system());
    argv.addAll(List.of("--proc", "/proc", "--dev", "/dev", "true"));
    try {
      Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        result = Optional.of("bubblewrap did not start a sandbox within 10 s");
      } else if (p.exitValue() != 0) {
        String out = new String(p.getInputStream().readAllBytes()).strip();
        result = Optional.of("bubblewrap cannot make a sandbox here (exit " + p.exitValue() + "): " + out.lines().findFirst().orElse(""));
      } else {
        result = Optional.empty();
      }
    } catch (IOException e) {
      result = Optional.of("bubblewrap is not installed (Debian/Ubuntu: apt-get install bubblewrap): " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted");
    }
    unavailable = result;
    return result;
  }

  @Override
  public Optional<Process> confined(Path workspace, List<String> command) throws IOException {
    List<String> a = new ArrayList<>();
    host.sandboxUid().ifPresent(uid -> a.addAll(List.of(SETPRIV, "--reuid=" + uid, "--regid=" + uid, "--clear-groups", "--")));
    a.addAll(List.of(bwrap, "--unshare-all", "--die-with-parent", "--new-session", "--ro-bind", "/usr", "/usr"));
    a.addAll(system());
    a.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--ro-bind", workspace.toString(), "/w", "--chdir", "/w", "--"));
    a.addAll(command);
    ProcessBuilder pb = new ProcessBuilder(a).redirectError(ProcessBuilder.Redirect.DISCARD)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.environment().clear();
    pb.environment().put("PATH", "/usr/bin:/bin");
    pb.environment().put("LC_ALL", "C");
    return Optional.of(pb.start());
  }

  @Override
  List<String> isolate(LaunchSpec spec, Path envFile) {
    List<String> a = new ArrayList<>(List.of(bwrap, "--clearenv", "--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
        "--unshare-cgroup-try"));
    if (spec.network() != NetworkMode.OPEN) a.add("--unshare-net");
    a.addAll(List.of("--disable-userns", "--die-with-parent", "--new-session", "--hostname", "sandbox"));
    a.addAll(List.of("--ro-bind", "/usr", "/usr"));
    a.addAll(system());
    a.addAll(List.of("--dir", "/etc"));
    for (String name : ETC) {
      Path p = Path.of("/etc", name);
      if (Files.exists(p)) a.addAll(List.of("--ro-bind", p.toString(), p.toString()));
    }
    a.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--dir", "/run", "--dir", "/var/tmp"));
    String director = LocalHost.SANDBOX_DIRECTOR;
    if (!host.javaHome().startsWith("/usr")) a.addAll(List.of("--ro-bind", host.javaHome().toString(), director + "/jdk"));
    else a.addAll(List.of("--symlink", host.javaHome().toString(), director + "/jdk"));
    host.jar().ifPresent(j -> a.addAll(List.of("--ro-bind", j.toString(), director + "/director.jar")));
    host.bridgeScript().ifPresent(b -> a.addAll(List.of("--ro-bind", b.toString(), director + "/bin/director-mcp")));
    spec.toolSocket().ifPresent(s -> a.addAll(List.of("--bind", s.toString(), LaunchSpec.SANDBOX_SOCKET)));
    a.addAll(List.of("--ro-bind", envFile.toString(), "/run/director/env"));
    boolean relay = spec.network() == NetworkMode.ALLOWLIST && host.relayScript().isPresent();
    if (relay) {
      a.addAll(List.of("--bind", spec.runDir().resolve("egress.sock").toString(), LaunchSpec.SANDBOX_EGRESS_SOCKET,
          "--ro-bind", host.relayScript().get().toString(), director + "/bin/director-run"));
    }
    for (Path p : host.readOnlyPaths()) {
      if (Files.exists(p)) a.addAll(List.of("--ro-bind", p.toString(), p.toString()));
    }
    a.addAll(List.of("--bind", spec.workspace().toString(), LaunchSpec.SANDBOX_WORKSPACE, "--chdir", LaunchSpec.SANDBOX_WORKSPACE));
    a.addAll(List.of("--remount-ro", "/")); // the sandbox's own root: only the workspace and /tmp stay writable
    a.add("--");
    a.addAll(List.of("/bin/sh", "-c", WITH_ENV, "/run/director/env"));
    if (relay) a.add(director + "/bin/director-run"); // the relay to the egress proxy, then the command
    a.addAll(spec.command());
    return a;
  }

  @Override
  String networkEnforcement(LaunchSpec spec) {
    return switch (spec.network()) {
      case OPEN -> "none";
      case ALLOWLIST -> "namespace+egress-proxy";
      default -> "namespace";
    };
  }

  @Override
  boolean signalChildrenOnly() {
    return true;
  }

  /** The top-level system directories: symlinks (merged /usr) stay symlinks, real ones are bound read-only. */
  private static List<String> system() {
    List<String> a = new ArrayList<>();
    for (String dir : SYSTEM) {
      if (dir.equals("/usr")) continue;
      Path p = Path.of(dir);
      try {
        if (Files.isSymbolicLink(p)) a.addAll(List.of("--symlink", Files.readSymbolicLink(p).toString(), dir));
        else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) a.addAll(List.of("--ro-bind", dir, dir));
      } catch (IOException e) {
        // not there
      }
    }
    return a;
  }

  static Optional<String> findOnPath(String name) {
    String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
    for (String dir : path.split(":")) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isExecutable(p)) return Optional.of(p.toString());
    }
    return Optional.empty();
  }
}
