package io.director.identity;

import io.director.identity.internal.AdminBootstrap;
import io.director.platform.config.DirectorConfig;
import io.director.platform.config.EffectiveConfig;
import java.util.UUID;
import javax.sql.DataSource;

/** User administration without a running server, for {@code director admin create}. */
public final class OfflineAdministration {
  private OfflineAdministration() {}

  /** A user that was created. */
  public record CreatedUser(UUID id, String username, String tenantId, Role role) {}

  /** Creates a user (and its tenant when missing) in an already migrated database. */
  public static CreatedUser createUser(DataSource dataSource, EffectiveConfig effective, DirectorConfig config,
      String username, String password, String tenantId, Role role) {
    var user = AdminBootstrap.createUser(dataSource, effective, config, username, password, tenantId, role);
    return new CreatedUser(user.id(), user.username(), user.tenant_id(), Role.parse(user.role()));
  }
}
