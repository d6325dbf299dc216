package io.director;

import io.director.cli.AdminCommand;
import io.director.cli.ConfigCommand;
import io.director.cli.ConnectCommand;
import io.director.cli.HealthCommand;
import io.director.cli.KeysCommand;
import io.director.cli.LoginCommand;
import io.director.cli.McpBridgeCommand;
import io.director.cli.McpCommand;
import io.director.cli.NetRelayCommand;
import io.director.cli.PlaybookCommand;
import io.director.cli.MigrateCommand;
import io.director.cli.ServeCommand;
import io.director.cli.MemoryCommand;
import io.director.cli.SessionCommand;
import io.director.cli.VersionCommand;
import io.director.platform.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Director's command line: {@code serve} runs the server; the other commands manage it. */
@Command(
    name = "director",
    mixinStandardHelpOptions = true,
    versionProvider = Director.VersionProvider.class,
    description = "Self-hosted control plane for AI agents.",
    subcommands = {ServeCommand.class, MigrateCommand.class, ConfigCommand.class, HealthCommand.class, LoginCommand.class,
        KeysCommand.class, AdminCommand.class, PlaybookCommand.class, McpCommand.class, McpBridgeCommand.class, NetRelayCommand.class, SessionCommand.class, MemoryCommand.class, ConnectCommand.class, VersionCommand.class})
public final class Director implements Runnable {
  /** A command returns this to keep the JVM running (the server) instead of exiting. */
  public static final int KEEP_RUNNING = -1;

  public static void main(String[] args) {
    // the JDK keeps 5 idle connections per upstream by default; concurrent calls to one need more
    if (System.getProperty("http.maxConnections") == null) System.setProperty("http.maxConnections", "256");
    int code = commandLine().execute(args);
    if (code != KEEP_RUNNING) System.exit(code);
  }

  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Director());
    cli.setParameterExceptionHandler((e, args) -> {
      String message = e.getMessage() == null ? "invalid arguments" : e.getMessage().lines().findFirst().orElse("");
      if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()
          && !u.getUnmatched().get(0).startsWith("-") && !u.getCommandLine().getSubcommands().isEmpty()) {
        message = "unknown command '" + u.getUnmatched().get(0) + "'";
      }
      e.getCommandLine().getErr().println("director: " + message + " (try --help)");
      return 2;
    });
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      if (e instanceof io.director.shared.DirectorException d) {
        commandLine.getErr().println("director: " + d.getMessage());
        return 1;
      }
      commandLine.getErr().println("director: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
      return 1;
    });
    return cli;
  }

  @Override
  public void run() {
    CommandLine.usage(this, System.err);
    throw new CommandLine.ParameterException(new CommandLine(this), "missing command");
  }

  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"director " + Version.current()};
    }
  }
}
