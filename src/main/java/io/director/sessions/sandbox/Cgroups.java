package io.director.sessions.sandbox;

import io.director.sessions.SessionLimits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Control groups for sessions: memory, CPU and process limits that hold for a whole process tree.
 * Uses the unified hierarchy (v2) where the host has it, else the v1 memory, cpu and pids
 * controllers. Each session gets {@code director/<session id>} under each controller; the launcher
 * writes its own pid into {@link Group#procs} before it execs the sandbox, so that every process of
 * the session is in the group from its first instruction. Where groups cannot be made (no
 * permission, no controller), {@link #create} answers empty and the driver falls back to rlimits.
 */
public final class Cgroups {
  private static final Logger log = LoggerFactory.getLogger(Cgroups.class);
  private static final Path ROOT = Path.of("/sys/fs/cgroup");
  private static final long CPU_PERIOD_US = 100_000;

  /** Which hierarchy the host offers, as seen from here. */
  public enum Version {
    V1,
    V2,
    NONE
  }

  private final Path root;
  private final Version version;
  private Path v2Parent;

  public Cgroups() {
    this(ROOT);
  }

  Cgroups(Path root) {
    this.root = root;
    if (Files.exists(root.resolve("cgroup.controllers"))) version = Version.V2;
    else if (Files.isDirectory(root.resolve("memory")) && Files.isDirectory(root.resolve("pids"))) version = Version.V1;
    else version = Version.NONE;
  }

  /** Makes the session's groups with its limits, or nothing when this host does not let us. */
  public Optional<Group> create(UUID session, SessionLimits limits) {
    try {
      return switch (version) {
        case V1 -> Optional.of(createV1(session, limits));
        case V2 -> Optional.of(createV2(session, limits));
        case NONE -> Optional.empty();
      };
    } catch (IOException | RuntimeException e) {
      log.debug("no control group for session {}: {}", session, e.toString());
      return Optional.empty();
    }
  }

  /** The session's groups if they exist (after a restart, to end what is left in them). */
  public Optional<Group> existing(UUID session) {
    List<Path> dirs;
    try {
      dirs = dirs(session).stream().filter(Files::isDirectory).toList();
    } catch (IOException e) {
      return Optional.empty();
    }
    return dirs.isEmpty() ? Optional.empty() : Optional.of(new Group(version, dirs, Map.of()));
  }

  private List<Path> dirs(UUID session) throws IOException {
    return switch (version) {
      case V1 -> List.of(root.resolve("memory/director").resolve(session.toString()),
          root.resolve("cpu/director").resolve(session.toString()), root.resolve("pids/director").resolve(session.toString()));
      case V2 -> List.of(v2Parent().resolve(session.toString()));
      case NONE -> List.of();
    };
  }

  /**
   * Where session groups go on the unified hierarchy: {@code /director} when Director may write
   * there (root), else the subtree systemd delegated to Director's service ({@code Delegate=}). There
   * Director first moves itself into a leaf of its own ({@code director-main}), because a v2 group
   * with processes cannot hand controllers to its children, and then makes {@code sessions/}.
   */
  private synchronized Path v2Parent() throws IOException {
    if (v2Parent != null) return v2Parent;
    Path top = root.resolve("director");
    try {
      Files.createDirectories(top);
      enableControllers(root);
      enableControllers(top);
      v2Parent = top;
      return top;
    } catch (IOException | RuntimeException e) {
      log.debug("no {} ({}); trying the delegated subtree", top, e.toString());
    }
    Path own = ownGroup();
    if (!Files.isWritable(own.resolve("cgroup.subtree_control")) || !Files.isWritable(own.resolve("cgroup.procs"))) {
      throw new IOException("no writable cgroup v2 subtree: run Director as root, or under systemd with Delegate=memory cpu pids");
    }
    Path leaf = own.resolve("director-main");
    Files.createDirectories(leaf);
    write(leaf.resolve("cgroup.procs"), Long.toString(ProcessHandle.current().pid()));
    enableControllers(own);
    Path sessions = own.resolve("sessions");
    Files.createDirectories(sessions);
    enableControllers(sessions);
    v2Parent = sessions;
    return sessions;
  }

  /** This process's own group on the unified hierarchy, from {@code /proc/self/cgroup} ({@code 0::/path}). */
  private Path ownGroup() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
      if (line.startsWith("0::")) return root.resolve(line.substring(3).replaceFirst("^/", ""));
    }
    throw new IOException("this process has no cgroup v2 group");
  }

  private Group createV1(UUID session, SessionLimits limits) throws IOException {
    List<Path> dirs = dirs(session);
    List<Path> made = new ArrayList<>();
    try {
      for (Path dir : dirs) {
        Files.createDirectories(dir);
        made.add(dir);
      }
      Path memory = dirs.get(0);
      Path cpu = dirs.get(1);
      Path pids = dirs.get(2);
      write(memory.resolve("memory.limit_in_bytes"), Long.toString(limits.memoryBytes()));
      Map<String, String> enforced = new LinkedHashMap<>();
      // without a memory+swap limit the kernel swaps instead of enforcing the limit
      Path memsw = memory.resolve("memory.memsw.limit_in_bytes");
      if (Files.exists(memsw)) write(memsw, Long.toString(limits.memoryBytes()));
      enforced.put("memory", "cgroup-v1");
      write(cpu.resolve("cpu.cfs_period_us"), Long.toString(CPU_PERIOD_US));
      write(cpu.resolve("cpu.cfs_quota_us"), Long.toString(Math.max(1000, Math.round(limits.cpus() * CPU_PERIOD_US))));
      enforced.put("cpus", "cgroup-v1");
      write(pids.resolve("pids.max"), Integer.toString(limits.pids()));
      enforced.put("pids", "cgroup-v1");
      return new Group(Version.V1, dirs, enforced);
    } catch (IOException | RuntimeException e) {
      new Group(Version.V1, made, Map.of()).destroy();
      throw e;
    }
  }

  private Group createV2(UUID session, SessionLimits limits) throws IOException {
    Path dir = dirs(session).get(0);
    Files.createDirectories(dir);
    Map<String, String> enforced = new LinkedHashMap<>();
    try {
      if (Files.exists(dir.resolve("memory.max"))) {
        write(dir.resolve("memory.max"), Long.toString(limits.memoryBytes()));
        if (Files.exists(dir.resolve("memory.swap.max"))) write(dir.resolve("memory.swap.max"), "0");
        enforced.put("memory", "cgroup-v2");
      }
      if (Files.exists(dir.resolve("cpu.max"))) {
        write(dir.resolve("cpu.max"), Math.max(1000, Math.round(limits.cpus() * CPU_PERIOD_US)) + " " + CPU_PERIOD_US);
        enforced.put("cpus", "cgroup-v2");
      }
      if (Files.exists(dir.resolve("pids.max"))) {
        write(dir.resolve("pids.max"), Integer.toString(limits.pids()));
        enforced.put("pids", "cgroup-v2");
      }
    } catch (IOException | RuntimeException e) {
      new Group(Version.V2, List.of(dir), Map.of()).destroy();
      throw e;
    }
    return new Group(Version.V2, List.of(dir), enforced);
  }

  private static void enableControllers(Path dir) {
    for (String c : List.of("memory", "cpu", "pids")) {
      try {
        write(dir.resolve("cgroup.subtree_control"), "+" + c);
      } catch (IOException | RuntimeException e) {
        log.debug("cannot enable {} in {}: {}", c, dir, e.toString());
      }
    }
  }

  private static void write(Path file, String value) throws IOException {
    Files.writeString(file, value, StandardCharsets.US_ASCII);
  }

  /** One session's groups. */
  public static final class Group {
    private final Version version;
    private final List<Path> dirs;
    private final Map<String, String> enforced;

    Group(Version version, List<Path> dirs, Map<String, String> enforced) {
      this.version = version;
      this.dirs = List.copyOf(dirs);
      this.enforced = Map.copyOf(enforced);
    }

    /** The files a process writes its pid to, to join every group of the session. */
    public List<Path> procs() {
      return dirs.stream().map(d -> d.resolve("cgroup.procs")).toList();
    }

    public Map<String, String> enforced() {
      return enforced;
    }

    /** Every process now in the session's groups. */
    public List<Long> pids() {
      List<Long> pids = new ArrayList<>();
      for (Path d : dirs) {
        try {
          for (String line : Files.readAllLines(d.resolve("cgroup.procs"))) {
            if (!line.isBlank()) pids.add(Long.parseLong(line.trim()));
          }
          break; // every group of the session holds the same processes
        } catch (IOException | RuntimeException e) {
          // gone already
        }
      }
      return pids;
    }

    /** The limit the kernel enforced by ending or refusing something: memory_limit, pids_limit, or nothing. */
    public Optional<String> limitHit() {
      if (counter(version == Version.V1 ? "memory.oom_control" : "memory.events", "oom_kill") > 0) return Optional.of("memory_limit");
      if (version == Version.V1 && counter("memory.oom_control", "under_oom") > 0) return Optional.of("memory_limit");
      if (counter("pids.events", "max") > 0) return Optional.of("pids_limit");
      return Optional.empty();
    }

    private long counter(String file, String key) {
      for (Path d : dirs) {
        Path f = d.resolve(file);
        if (!Files.exists(f)) continue;
        try {
          for (String line : Files.readAllLines(f)) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 2 && parts[0].toLowerCase(Locale.ROOT).equals(key)) return Long.parseLong(parts[1]);
          }
        } catch (IOException | RuntimeException e) {
          return 0;
        }
      }
      return 0;
    }

    /** SIGKILLs whatever is still in the groups. */
    public void killAll() {
      if (version == Version.V2) {
        Path kill = dirs.get(0).resolve("cgroup.kill");
        if (Files.exists(kill)) {
          try {
            write(kill, "1");
            return;
          } catch (IOException | RuntimeException e) {
            // fall back to one signal each
          }
        }
      }
      for (int round = 0; round < 5; round++) {
        List<Long> pids = pids();
        if (pids.isEmpty()) return;
        pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
      }
    }

    /** Kills what is left and removes the groups (a group can only go once it is empty). */
    public void destroy() {
      killAll();
      for (Path d : dirs) {
        for (int attempt = 0; attempt < 50 && Files.exists(d); attempt++) {
          try {
            Files.delete(d);
          } catch (IOException e) {
            try {
              Thread.sleep(20);
            } catch (InterruptedException ie) {
              Thread.currentThread().interrupt();
              return;
            }
          }
        }
        if (Files.exists(d)) log.warn("control group {} could not be removed", d);
      }
    }
  }
}
