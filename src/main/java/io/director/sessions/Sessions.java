package io.director.sessions;

import io.director.gateway.Playbooks;
import io.director.identity.Audit;
import io.director.identity.ClientInfo;
import io.director.identity.Principal;
import io.director.identity.Scope;
import io.director.sessions.internal.SessionLifecycle;
import io.director.shared.DirectorException;
import io.director.shared.ProblemKind;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * The session facade: create, watch, feed, stop, inspect and delete agent sessions, always inside
 * the caller's tenant (another tenant's session is simply not found).
 */
@Component
public class Sessions {
  private final SessionLifecycle support;
  private final Playbooks playbooks;
  private final Audit audit;

  Sessions(SessionLifecycle support, Playbooks playbooks, Audit audit) {
    this.support = support;
    this.playbooks = playbooks;
    this.audit = audit;
  }

  public SessionView create(Principal principal, JsonNode body, ClientInfo client) {
    principal.require(Scope.SESSIONS_WRITE);
    SessionView view = support.create(principal, body, id -> playbooks.exists(principal, id));
    audit.record("session_created", principal, client, Map.of("session", view.id().toString(), "name", view.name(),
        "command", view.command().get(0), "driver", view.driver(), "network", view.network().get("mode"),
        "playbook", String.valueOf(view.playbook_id())));
    return view;
  }

  public List<SessionView> list(Principal principal, Optional<SessionStatus> status, Optional<Instant> before, int limit) {
    return support.list(principal.require(Scope.SESSIONS_READ).tenantId(), status, before, Math.max(1, Math.min(limit, 500)));
  }

  public SessionView get(Principal principal, UUID id) {
    return support.get(principal.require(Scope.SESSIONS_READ).tenantId(), id);
  }

  /** Where {@link #follow} sends entries; false from {@code send} means the reader is gone. */
  public interface EventSink {
    boolean send(SessionEvent event) throws IOException;

    boolean keepAlive() throws IOException;
  }

  /**
   * Sends the transcript after {@code after}, then (with {@code live}) follows the session until its
   * exit entry or the reader leaves.
   */
  public void follow(Principal principal, UUID id, long after, boolean live, EventSink sink) throws IOException {
    support.follow(principal.require(Scope.SESSIONS_READ).tenantId(), id, after, live, sink);
  }

  public void input(Principal principal, UUID id, byte[] data, boolean close) {
    support.input(principal.require(Scope.SESSIONS_WRITE).tenantId(), id, data, close);
  }

  public SessionView stop(Principal principal, UUID id, ClientInfo client) {
    SessionView view = support.stop(principal.require(Scope.SESSIONS_WRITE).tenantId(), id);
    audit.record("session_stopped", principal, client, Map.of("session", id.toString(), "status", view.status()));
    return view;
  }

  public void delete(Principal principal, UUID id, ClientInfo client) {
    support.delete(principal.require(Scope.SESSIONS_WRITE).tenantId(), id);
    audit.record("session_deleted", principal, client, Map.of("session", id.toString()));
  }

  /** One entry of a workspace listing. */
  public record FileEntry(String path, String type, long size, Instant modified_at) {}

  public List<FileEntry> files(Principal principal, UUID id, String dir) {
    return support.files(principal.require(Scope.SESSIONS_READ).tenantId(), id, dir);
  }

  /** A workspace file to download ({@code size} -1 when it may still be growing). */
  public record Download(String name, long size, InputStream content) {}

  public Download download(Principal principal, UUID id, String path) {
    return support.download(principal.require(Scope.SESSIONS_READ).tenantId(), id, path);
  }

  /** The tenant's session quota and default limits. */
  public record TenantSettings(Integer max_sessions, int effective_max_sessions, Map<String, Object> limits) {}

  public TenantSettings tenantSettings(Principal principal, Optional<String> tenant) {
    return support.tenantSettings(targetTenant(principal, tenant, false));
  }

  /** Tenant admins set their tenant's default limits; only global admins change a quota. */
  public TenantSettings putTenantSettings(Principal principal, Optional<String> tenant, JsonNode body, ClientInfo client) {
    String target = targetTenant(principal, tenant, true);
    TenantSettings result = support.putTenantSettings(target, body, principal.globalAdmin());
    audit.record("session_settings_changed", principal, client, Map.of("tenant", target, "max_sessions", String.valueOf(result.max_sessions()),
        "limits", result.limits()));
    return result;
  }

  private static String targetTenant(Principal principal, Optional<String> tenant, boolean write) {
    if (tenant.isPresent() && !tenant.get().equals(principal.tenantId()) && !principal.globalAdmin()) {
      throw DirectorException.notFound("sessions.tenant-not-found", "no such tenant");
    }
    if (write && !principal.tenantAdmin()) {
      throw new DirectorException(ProblemKind.FORBIDDEN, "identity.missing-role", "only tenant admins change session settings");
    }
    if (!write) principal.require(Scope.SESSIONS_READ);
    return tenant.orElse(principal.tenantId());
  }
}
