package io.director.platform.health;

import io.director.platform.config.DirectorConfig;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.stereotype.Component;

/** Free space where Director writes (the data dir). Advisory: low space warns but does not take Director down. */
@Component
class DiskHealthCheck implements HealthCheck {
  private static final long MIN_FREE = 256L * 1024 * 1024;
  private final Path dataDir;

  DiskHealthCheck(DirectorConfig config) {
    this.dataDir = config.dataDir();
  }

  @Override
  public String name() {
    return "disk";
  }

  @Override
  public boolean required() {
    return false;
  }

  @Override
  public Result check() throws Exception {
    Path probe = dataDir;
    while (probe != null && !Files.exists(probe)) probe = probe.getParent();
    if (probe == null) return Result.unhealthy("data dir not found");
    FileStore store = Files.getFileStore(probe);
    long free = store.getUsableSpace();
    String message = (free / (1024 * 1024)) + " MiB free";
    return free >= MIN_FREE ? Result.healthy(message) : Result.unhealthy(message + " (below 256 MiB)");
  }
}
