package io.director.sessions.sandbox.kubernetes;

import io.director.shared.DirectorException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** One file of a session's workspace, on its way into the session's Secret. */
record SeedFile(String path, byte[] content, boolean executable) {
  /** A Secret holds at most 1 MiB; what is left over is room for the environment. */
  static final long MAX_TOTAL_BYTES = 900 * 1024;

  /** The regular files under {@code dir}, by relative path; symbolic links and empty directories are not carried. */
  static List<SeedFile> read(Path dir) throws IOException {
    List<SeedFile> files = new ArrayList<>();
    long total = 0;
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path file : paths.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).sorted(Comparator.naturalOrder()).toList()) {
        byte[] content = Files.readAllBytes(file);
        total += content.length;
        if (total > MAX_TOTAL_BYTES) {
          throw DirectorException.invalid("sessions.workspace-too-large",
              "the kubernetes driver carries at most " + MAX_TOTAL_BYTES / 1024 + " KiB of workspace files");
        }
        String relative = dir.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
        files.add(new SeedFile(relative, content, Files.isExecutable(file)));
      }
    }
    return files;
  }
}
