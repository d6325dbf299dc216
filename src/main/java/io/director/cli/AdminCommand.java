package io.director.cli;

import io.director.identity.Role;
import io.director.identity.OfflineAdministration;
import io.director.platform.config.DirectorConfig;
import io.director.platform.config.EffectiveConfig;
import io.director.shared.DirectorException;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code director admin create}: creates a user straight in the database (the first admin of a closed deployment). */
@Command(name = "admin", mixinStandardHelpOptions = true, description = "Administer users directly in the database.",
    subcommands = AdminCommand.Create.class)
public final class AdminCommand implements Runnable {
  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "missing subcommand: create");
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Create a user; the password is read from the terminal or the first line of standard input.")
  static final class Create implements Callable<Integer> {
    @Option(names = "--username", required = true) String username;
    @Option(names = "--tenant", required = true, description = "Tenant id; created when it does not exist.") String tenant;
    @Option(names = "--role", defaultValue = "tenant_admin", description = "admin, tenant_admin, member or viewer (default: ${DEFAULT-VALUE}).")
    String role;
    @Mixin ConfigOption configOption;

    @Override
    public Integer call() throws Exception {
      EffectiveConfig effective = configOption.load();
      Optional<DirectorConfig> config = MigrateCommand.offlineConfig(effective);
      if (config.isEmpty()) return ExitCodes.CONFIG;
      Role parsedRole;
      try {
        parsedRole = Role.parse(role);
      } catch (DirectorException e) {
        System.err.println("director: " + e.getMessage());
        return ExitCodes.USAGE;
      }
      String password = Passwords.read("Password for " + username + ": ");
      try {
        OfflineAdministration.CreatedUser user = Databases.withMigratedDatabase(config.get(),
            (ds, migration) -> OfflineAdministration.createUser(ds, effective, config.get(), username, password, tenant, parsedRole));
        System.out.println("created " + user.role().wire() + " " + user.username() + " in tenant " + user.tenantId() + " (id " + user.id() + ")");
        return ExitCodes.OK;
      } catch (DirectorException e) {
        System.err.println("director: " + e.getMessage());
        return ExitCodes.FAILURE;
      }
    }
  }
}
