package io.director.identity.internal;

import io.director.identity.Principal;
import io.director.platform.web.RequestRejected;
import java.util.Map;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Every 403 an authenticated caller receives is a permission_denied audit event. */
@Component
class AccessDeniedAuditor {
  private final SecurityAudit audit;
  private final ClientAddresses addresses;

  AccessDeniedAuditor(SecurityAudit audit, ClientAddresses addresses) {
    this.audit = audit;
    this.addresses = addresses;
  }

  @EventListener
  void on(RequestRejected rejected) {
    if (rejected.status() != 403) return;
    Object attribute = rejected.request().getAttribute(AuthenticationFilter.PRINCIPAL_ATTRIBUTE);
    if (!(attribute instanceof Principal principal)) return;
    audit.record("permission_denied", principal.tenantId(), principal.label(), addresses.of(rejected.request()),
        Map.of("code", rejected.code(), "method", rejected.request().getMethod(), "path", rejected.request().getRequestURI()));
  }
}
