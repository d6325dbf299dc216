package io.director.cli;

import io.director.platform.config.EffectiveConfig;
import io.director.platform.config.ProductionGuard;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code director config validate|show}: the effective configuration, secrets masked. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Inspect the configuration.",
    subcommands = {ConfigCommand.Validate.class, ConfigCommand.Show.class})
public final class ConfigCommand implements Runnable {
  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "missing subcommand: validate or show");
  }

  @Command(name = "validate", mixinStandardHelpOptions = true,
      description = "Print the effective configuration and check it; exit 1 with one line per problem.")
  static final class Validate implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Override
    public Integer call() {
      EffectiveConfig effective = config.load();
      effective.describe().forEach(System.out::println);
      List<String> problems = new ArrayList<>(effective.problems());
      ProductionGuard.violations(effective).forEach(v -> problems.add("production: " + v));
      if (problems.isEmpty()) {
        System.out.println("configuration is valid");
        return ExitCodes.OK;
      }
      problems.forEach(p -> System.err.println("invalid: " + p));
      return ExitCodes.FAILURE;
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "Print the effective configuration with each value's source; secrets masked.")
  static final class Show implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Override
    public Integer call() {
      EffectiveConfig effective = config.load();
      effective.describe().forEach(System.out::println);
      effective.problems().forEach(p -> System.err.println("invalid: " + p));
      return ExitCodes.OK;
    }
  }
}
