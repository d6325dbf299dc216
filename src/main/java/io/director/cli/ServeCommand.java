package io.director.cli;

import io.director.Director;
import io.director.platform.Server;
import io.director.platform.config.DirectorConfig;
import io.director.platform.config.EffectiveConfig;
import io.director.platform.config.ProductionGuard;
import io.director.platform.db.EmbeddedDatabase;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import sun.misc.Signal;

/** {@code director serve}: runs the server until SIGTERM or SIGINT, then shuts down gracefully and exits 0. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the Director server.")
public final class ServeCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

  @Mixin ConfigOption configOption;

  @Override
  public Integer call() {
    EffectiveConfig effective = configOption.load();
    Optional<DirectorConfig> checked = Preflight.check(effective, true);
    if (checked.isEmpty()) return ProductionGuard.EXIT_CONFIG;
    DirectorConfig config = checked.get();

    Optional<EmbeddedDatabase> embedded = Optional.empty();
    try {
      if (config.database().isEmpty()) {
        log.info("no DATABASE_URL: starting the embedded PostgreSQL in {}", config.dataDir());
        embedded = Optional.of(EmbeddedDatabase.start(config.dataDir()));
      }
      Server.start(config, effective, embedded);
    } catch (RuntimeException e) {
      embedded.ifPresent(EmbeddedDatabase::close);
      System.err.println("director: cannot start: " + rootMessage(e));
      return ExitCodes.FAILURE;
    }
    exitZeroOn("TERM");
    exitZeroOn("INT");
    return Director.KEEP_RUNNING;
  }

  /** A stop signal runs the shutdown hooks (graceful Spring close) and then exits 0, not 128+signal. */
  private static void exitZeroOn(String name) {
    Signal.handle(new Signal(name), signal -> Thread.ofPlatform().name("shutdown-on-" + name).start(() -> {
      log.info("received SIG{}, shutting down", name);
      System.exit(0);
    }));
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    String message = root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    return message.lines().findFirst().orElse(message);
  }
}
