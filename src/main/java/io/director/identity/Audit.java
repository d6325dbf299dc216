package io.director.identity;

import io.director.identity.internal.SecurityAudit;
import java.util.Map;
import org.springframework.stereotype.Component;

/** The audit log as other modules write to it: who did what, in which tenant, from where. */
@Component
public class Audit {
  private final SecurityAudit audit;

  Audit(SecurityAudit audit) {
    this.audit = audit;
  }

  public void record(String type, Principal principal, ClientInfo client, Map<String, ?> details) {
    audit.record(type, principal.tenantId(), principal.label(), client, details);
  }

  /** An event with no caller, such as a session Director itself ended. */
  public void record(String type, String tenantId, String actor, Map<String, ?> details) {
    audit.record(type, tenantId, actor, new ClientInfo(null, null), details);
  }
}
