package io.director.cli;

import io.director.platform.config.ConfigLoader;
import io.director.platform.config.EffectiveConfig;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The {@code --config FILE} option shared by commands that read configuration. */
public final class ConfigOption {
  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "Config file (default: config/director.yml and config/director-<env>.yml when present).")
  Path file;

  EffectiveConfig load() {
    return ConfigLoader.load(System.getenv(), Optional.ofNullable(file), Path.of("").toAbsolutePath());
  }
}
