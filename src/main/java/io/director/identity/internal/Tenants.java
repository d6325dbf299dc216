package io.director.identity.internal;

import io.director.shared.DirectorException;
import java.util.regex.Pattern;

/** Tenant ids: lower-case slugs, so they are safe in URLs, logs and namespaces. */
final class Tenants {
  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

  private Tenants() {}

  static String check(String tenantId) {
    if (tenantId == null || !ID.matcher(tenantId).matches()) {
      throw DirectorException.invalid("identity.invalid-tenant",
          "tenant_id must be 1-63 lower-case letters, digits or dashes, starting with a letter or digit");
    }
    return tenantId;
  }
}
