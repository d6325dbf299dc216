package io.director.sessions.internal;

import io.director.platform.Instances;
import io.director.sessions.Sessions;
import io.director.sessions.sandbox.SandboxDriver;
import io.director.shared.DirectorException;
import io.director.shared.ProblemKind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.springframework.stereotype.Component;

/**
 * Listing and reading a session's workspace on this host, without ever following a link its agent
 * made to somewhere else on the host.
 */
@Component
class WorkspaceFiles {
  private static final int MAX_LISTING = 10_000;

  private final SandboxDriver driver;
  private final SandboxHost host;
  private final Instances instances;

  WorkspaceFiles(SandboxDriver driver, SandboxHost host, Instances instances) {
    this.driver = driver;
    this.host = host;
    this.instances = instances;
  }

  List<Sessions.FileEntry> list(SessionRow row, String dir) {
    Path root = workspaceOf(row);
    Path start = resolve(root, dir);
    Optional<List<Sessions.FileEntry>> confined = confinedListing(row, root, start);
    if (confined.isPresent()) return confined.get();
    for (Path p = start; !p.equals(root); p = p.getParent()) {
      if (Files.isSymbolicLink(p)) throw DirectorException.notFound("sessions.file-not-found", "no such directory in the workspace (symbolic links are not followed)");
    }
    if (!Files.isDirectory(start, LinkOption.NOFOLLOW_LINKS)) {
      throw DirectorException.notFound("sessions.file-not-found", "no such directory in the workspace");
    }
    List<Sessions.FileEntry> out = new ArrayList<>();
    try (Stream<Path> all = Files.walk(start)) {
      for (Path p : (Iterable<Path>) all.skip(1)::iterator) {
        if (out.size() >= MAX_LISTING) break;
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String type = a.isSymbolicLink() ? "symlink" : a.isDirectory() ? "directory" : a.isRegularFile() ? "file" : "other";
        out.add(new Sessions.FileEntry(root.relativize(p).toString(), type, a.isRegularFile() ? a.size() : 0, a.lastModifiedTime().toInstant()));
      }
    } catch (IOException | java.io.UncheckedIOException e) {
      throw DirectorException.unavailable("sessions.workspace-unreadable", "the workspace could not be read");
    }
    return out;
  }

  /**
   * While the agent runs it may swap any path in its workspace for a link to the host, between our
   * check and our read. So a running session's workspace is read by a confined helper that sees
   * only the workspace (as the sandbox user): a swapped-in link leads nowhere. A finished session
   * has no process left to race with.
   */
  private Optional<List<Sessions.FileEntry>> confinedListing(SessionRow row, Path root, Path start) {
    if (!row.status().active()) return Optional.empty();
    String inside = "/w/" + root.relativize(start);
    try {
      // NUL-terminated records: a file name may hold tabs or newlines, never NUL
      Optional<Process> p = driver.confined(root, List.of("find", inside, "-mindepth", "1", "-printf", "%y\\t%s\\t%T@\\t%P\\0"));
      if (p.isEmpty()) return Optional.empty();
      List<Sessions.FileEntry> out = new ArrayList<>();
      String prefix = root.relativize(start).toString();
      try (var in = new java.io.BufferedInputStream(p.get().getInputStream())) {
        java.io.ByteArrayOutputStream record = new java.io.ByteArrayOutputStream();
        int b;
        while (out.size() < MAX_LISTING && (b = in.read()) != -1) {
          if (b != 0) {
            if (record.size() < 8192) record.write(b);
            continue;
          }
          String line = record.toString(java.nio.charset.StandardCharsets.UTF_8);
          record.reset();
          String[] f = line.split("\t", 4);
          if (f.length < 4 || !f[1].matches("\\d+") || !f[2].matches("\\d+(\\.\\d+)?")) continue;
          String type = switch (f[0]) {
            case "f" -> "file";
            case "d" -> "directory";
            case "l" -> "symlink";
            default -> "other";
          };
          String rel = prefix.isEmpty() ? f[3] : prefix + "/" + f[3];
          Instant modified = Instant.ofEpochMilli((long) (Double.parseDouble(f[2]) * 1000));
          out.add(new Sessions.FileEntry(rel, type, type.equals("file") ? Long.parseLong(f[1]) : 0, modified));
        }
      }
      if (out.size() >= MAX_LISTING) p.get().destroyForcibly(); // enough: do not wait for the rest
      if (!p.get().waitFor(30, TimeUnit.SECONDS)) {
        p.get().destroyForcibly();
        p.get().waitFor(5, TimeUnit.SECONDS);
      }
      if (!p.get().isAlive() && p.get().exitValue() != 0 && out.isEmpty()) {
        throw DirectorException.notFound("sessions.file-not-found", "no such directory in the workspace");
      }
      return Optional.of(out);
    } catch (IOException | RuntimeException e) {
      if (e instanceof DirectorException d) throw d;
      throw DirectorException.unavailable("sessions.workspace-unreadable", "the workspace could not be read");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw DirectorException.unavailable("sessions.workspace-unreadable", "interrupted");
    }
  }

  Sessions.Download download(SessionRow row, String path) {
    Path root = workspaceOf(row);
    Path file = resolve(root, path);
    if (file.equals(root)) throw DirectorException.notFound("sessions.file-not-found", "not a file");
    if (row.status().active()) {
      Optional<Sessions.Download> confined = confinedDownload(root, file);
      if (confined.isPresent()) return confined.get();
    }
    try {
      // never follow a link the agent made: it could point anywhere on this host
      for (Path p = file; !p.equals(root); p = p.getParent()) {
        if (Files.isSymbolicLink(p)) throw DirectorException.notFound("sessions.file-not-found", "no such file in the workspace (symbolic links are not served)");
      }
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!a.isRegularFile()) throw DirectorException.notFound("sessions.file-not-found", "not a file");
      InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS);
      return new Sessions.Download(file.getFileName().toString(), a.size(), in);
    } catch (java.nio.file.NoSuchFileException e) {
      throw DirectorException.notFound("sessions.file-not-found", "no such file in the workspace");
    } catch (IOException e) {
      throw DirectorException.unavailable("sessions.workspace-unreadable", "the file could not be read");
    }
  }

  /** A running session's file, read by a confined helper (see {@link #confinedListing}). */
  private Optional<Sessions.Download> confinedDownload(Path root, Path file) {
    String inside = "/w/" + root.relativize(file);
    try {
      Optional<Process> size = driver.confined(root, List.of("sh", "-c",
          "[ -f \"$1\" ] && [ ! -L \"$1\" ] && exec stat -c %s -- \"$1\"", "size", inside));
      if (size.isEmpty()) return Optional.empty();
      String text = new String(size.get().getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
      if (!size.get().waitFor(30, TimeUnit.SECONDS) || size.get().exitValue() != 0 || !text.matches("\\d+")) {
        throw DirectorException.notFound("sessions.file-not-found", "no such file in the workspace (symbolic links are not served)");
      }
      // at most the size seen, and not forever: the agent may swap in a pipe or /dev/zero meanwhile
      Process cat = driver.confined(root, List.of("timeout", "120", "head", "-c", text, "--", inside)).orElseThrow();
      // the agent may still be writing it: stream what is there, without promising a length
      return Optional.of(new Sessions.Download(file.getFileName().toString(), -1, cat.getInputStream()));
    } catch (IOException e) {
      throw DirectorException.unavailable("sessions.workspace-unreadable", "the file could not be read");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw DirectorException.unavailable("sessions.workspace-unreadable", "interrupted");
    }
  }

  private Path workspaceOf(SessionRow row) {
    if (!host.hasWorkspace(row.id())) {
      if (row.driver().equals("kubernetes")) {
        throw new DirectorException(ProblemKind.CONFLICT, "sessions.workspace-in-pod", "this session's workspace lives in its Pod, not on a Director host");
      }
      if (!row.instanceId().equals(instances.id())) {
        throw new DirectorException(ProblemKind.CONFLICT, "sessions.workspace-elsewhere",
            "this session's workspace is on the host of instance " + row.instanceId() + "; ask that instance, or share SANDBOX_WORKSPACE_DIR");
      }
      throw DirectorException.notFound("sessions.file-not-found", "the workspace is gone");
    }
    return host.workspace(row.id()).toAbsolutePath().normalize();
  }

  private static Path resolve(Path root, String relative) {
    String r = relative == null ? "" : relative;
    while (r.startsWith("/")) r = r.substring(1);
    if (r.indexOf('\0') >= 0) throw DirectorException.invalid("sessions.invalid-path", "invalid path");
    Path p = root.resolve(r).normalize();
    if (!p.startsWith(root)) throw DirectorException.invalid("sessions.invalid-path", "the path leaves the workspace");
    return p;
  }

}
