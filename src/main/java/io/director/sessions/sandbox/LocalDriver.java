package io.director.sessions.sandbox;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The part the bubblewrap and process drivers share: a small shell launcher puts itself into the
 * session's control groups and then execs the sandbox, so nothing of the session ever runs outside
 * them; output goes to files followed by {@link OutputFiles}; the end kills whatever is left.
 */
abstract class LocalDriver implements SandboxDriver {
  /** Joins each control group named before "--", then becomes the rest of its arguments. */
  private static final String LAUNCHER = "while [ \"$1\" != -- ]; do echo $$ > \"$1\" || exit 125; shift; done; shift; exec \"$@\"";
  /** Inside the sandbox: takes the session's environment from its file, then becomes the command. */
  static final String WITH_ENV = "set -a; . \"$0\"; set +a; exec \"$@\"";
  /** The only environment of what runs outside the sandbox (launcher, setpriv, prlimit, bwrap): never the session's. */
  private static final Map<String, String> HOST_ENV = Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL", "C");

  /** {@code setpriv} and {@code prlimit} by absolute path: nothing a session sets may choose what runs as Director. */
  static final String SETPRIV = system("setpriv");
  static final String PRLIMIT = system("prlimit");

  protected final Cgroups cgroups;
  protected final OutputFiles outputs;
  protected final LocalHost host;

  LocalDriver(Cgroups cgroups, OutputFiles outputs, LocalHost host) {
    this.cgroups = cgroups;
    this.outputs = outputs;
    this.host = host;
  }

  /**
   * The command line that runs the spec's command in this driver's isolation, with the session's
   * environment taken from {@code envFile} (as {@link #WITH_ENV} does) rather than inherited.
   */
  abstract List<String> isolate(LaunchSpec spec, Path envFile);

  /** How this driver isolates the network, for {@link Sandbox#enforced}. */
  abstract String networkEnforcement(LaunchSpec spec);

  /** Whether signals should skip the process Director started (bubblewrap ends the sandbox at once when signalled). */
  abstract boolean signalChildrenOnly();

  @Override
  public Sandbox launch(LaunchSpec spec) throws IOException {
    Optional<Cgroups.Group> group = cgroups.create(spec.sessionId(), spec.limits());
    List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", LAUNCHER, "director-launch"));
    group.ifPresent(g -> g.procs().forEach(p -> argv.add(p.toString())));
    argv.add("--");
    Map<String, String> enforced = new LinkedHashMap<>();
    if (group.isPresent()) {
      enforced.putAll(group.get().enforced());
    } else {
      // no control groups here: a per-process data limit is the best left; CPU and process counts go unenforced
      argv.addAll(List.of(PRLIMIT, "--data=" + spec.limits().memoryBytes(), "--core=0", "--"));
      enforced.put("memory", "rlimit-data");
    }
    enforced.putIfAbsent("cpus", "none");
    enforced.putIfAbsent("pids", "none");
    enforced.put("network", networkEnforcement(spec));
    enforced.put("timeout", "director");
    enforced.put("output", "director");
    host.sandboxUid().ifPresent(uid -> argv.addAll(List.of(SETPRIV, "--reuid=" + uid, "--regid=" + uid, "--clear-groups", "--")));
    Path envFile = writeEnvironment(spec);
    argv.addAll(isolate(spec, envFile));
    ProcessBuilder pb = new ProcessBuilder(argv);
    pb.environment().clear();
    pb.environment().putAll(HOST_ENV);
    Path stdout = spec.runDir().resolve("stdout");
    Path stderr = spec.runDir().resolve("stderr");
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(stdout.toFile()));
    pb.redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()));
    pb.redirectInput(spec.stdin() ? ProcessBuilder.Redirect.PIPE : ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.directory(spec.workspace().toFile());
    // watch before the first byte can be written, so that it wakes the reader at once
    OutputFiles.Followed followed = outputs.follow(spec.runDir(), stdout, stderr, spec.sink());
    Process process;
    try {
      process = pb.start();
    } catch (IOException | RuntimeException e) {
      followed.finish();
      group.ifPresent(Cgroups.Group::destroy);
      throw e;
    }
    return new LocalSandbox(process, group, followed, Map.copyOf(enforced), spec.stdin(), signalChildrenOnly());
  }

  /**
   * The session's environment as a file the sandbox sources ({@code export NAME='value'}): values
   * never pass through the environment of what runs outside the sandbox, nor through a command line
   * other host users could read. Readable only by the sandbox's user.
   */
  private Path writeEnvironment(LaunchSpec spec) throws IOException {
    StringBuilder b = new StringBuilder();
    for (var e : spec.env().entrySet()) {
      b.append(e.getKey()).append("='").append(e.getValue().replace("'", "'\\''")).append("'\n");
    }
    Path file = spec.runDir().resolve("env");
    java.nio.file.Files.deleteIfExists(file);
    java.nio.file.Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
    java.nio.file.Files.writeString(file, b, java.nio.charset.StandardCharsets.UTF_8);
    if (host.sandboxUid().isPresent()) java.nio.file.Files.setAttribute(file, "unix:uid", host.sandboxUid().get());
    return file;
  }

  private static String system(String name) {
    for (String dir : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
      Path p = Path.of(dir, name);
      if (java.nio.file.Files.isExecutable(p)) return p.toString();
    }
    return "/usr/bin/" + name;
  }

  @Override
  public boolean reap(UUID sessionId) {
    Optional<Cgroups.Group> group = cgroups.existing(sessionId);
    group.ifPresent(Cgroups.Group::destroy);
    return group.isPresent();
  }

  /** A process tree on this host. */
  static final class LocalSandbox implements Sandbox {
    private final Process process;
    private final Optional<Cgroups.Group> group;
    private final OutputFiles.Followed output;
    private final Map<String, String> enforced;
    private final Optional<OutputStream> stdin;
    private final boolean childrenOnly;
    private final CompletableFuture<Exit> exit = new CompletableFuture<>();
    /** Every process seen in the tree, so that none escapes the end when there is no control group. */
    private final Map<Long, Instant> seen = new ConcurrentHashMap<>();

    LocalSandbox(Process process, Optional<Cgroups.Group> group, OutputFiles.Followed output, Map<String, String> enforced,
        boolean stdin, boolean childrenOnly) {
      this.process = process;
      this.group = group;
      this.output = output;
      this.enforced = enforced;
      this.childrenOnly = childrenOnly;
      this.stdin = stdin ? Optional.of(process.getOutputStream()) : Optional.empty();
      process.onExit().whenComplete((p, t) -> finish());
    }

    private void finish() {
      int code = process.exitValue();
      Optional<String> limit = group.flatMap(Cgroups.Group::limitHit);
      // the main process is gone: nothing else of the session may outlive it
      group.ifPresent(Cgroups.Group::killAll);
      seen.forEach((pid, start) -> ProcessHandle.of(pid)
          .filter(h -> h.info().startInstant().map(start::equals).orElse(false)).ifPresent(ProcessHandle::destroyForcibly));
      group.ifPresent(Cgroups.Group::destroy);
      output.finish();
      stdin.ifPresent(s -> {
        try {
          s.close();
        } catch (IOException e) {
          // the process is gone
        }
      });
      exit.complete(new Exit(code, limit));
    }

    @Override
    public void discardOutput() {
      output.discard();
    }

    @Override
    public void tick() {
      remember();
    }

    /** Remembers the tree's processes (called now and then while the session runs). */
    void remember() {
      process.descendants().forEach(h -> h.info().startInstant().ifPresent(s -> seen.put(h.pid(), s)));
    }

    @Override
    public CompletableFuture<Exit> exit() {
      return exit;
    }

    @Override
    public Optional<OutputStream> stdin() {
      return stdin;
    }

    @Override
    public void terminate() {
      remember();
      List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
      if (group.isPresent()) {
        for (long pid : group.get().pids()) ProcessHandle.of(pid).filter(h -> !tree.contains(h)).ifPresent(tree::add);
      }
      if (!childrenOnly) tree.add(process.toHandle());
      tree.forEach(ProcessHandle::destroy);
      if (tree.isEmpty() && childrenOnly) process.destroy();
    }

    @Override
    public void kill() {
      remember();
      group.ifPresent(Cgroups.Group::killAll);
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }

    @Override
    public Map<String, String> enforced() {
      return enforced;
    }

    @Override
    public String toString() {
      return "local sandbox pid " + process.pid();
    }
  }
}
