package io.director.identity.internal;

import io.director.identity.ClientInfo;
import io.director.identity.Role;
import io.director.platform.config.DirectorConfig;
import io.director.platform.config.EffectiveConfig;
import io.director.shared.DirectorException;
import io.director.shared.ProblemKind;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Creates users straight in the database, without a running server: how the first admin of a
 * closed deployment comes to exist ({@code director admin create}).
 */
public final class AdminBootstrap {
  private AdminBootstrap() {}

  public static Accounts.UserView createUser(DataSource dataSource, EffectiveConfig effective, DirectorConfig config,
      String username, String password, String tenantId, Role role) {
    IdentityConfig identity = IdentityConfig.from(effective, config);
    Usernames.check(username);
    Tenants.check(tenantId);
    String hash = new Passwords(identity.passwordHashCost(), identity.passwordMinLength()).hash(password);
    JdbcClient jdbc = JdbcClient.create(dataSource);
    Clock clock = Clock.systemUTC();
    UserStore users = new UserStore(jdbc);
    UserRecord user = new UserRecord(UUID.randomUUID(), tenantId, username, hash, role, false, clock.instant());
    new TransactionTemplate(new DataSourceTransactionManager(dataSource)).executeWithoutResult(status -> {
      users.createTenantIfMissing(tenantId, clock.instant());
      if (!users.insert(user, clock.instant())) {
        throw new DirectorException(ProblemKind.CONFLICT, "identity.username-taken", "username '" + username + "' is taken");
      }
    });
    new SecurityAudit(jdbc, clock).record("user_created", tenantId, "cli", new ClientInfo("local", "director admin create"),
        Map.of("username", username, "role", role.wire(), "user", user.id().toString()));
    return Accounts.UserView.of(user);
  }
}
