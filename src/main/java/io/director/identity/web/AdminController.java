package io.director.identity.web;

import io.director.identity.Principal;
import io.director.identity.Role;
import io.director.identity.internal.Accounts;
import io.director.identity.internal.AuditLog;
import io.director.identity.internal.ClientAddresses;
import io.director.identity.internal.Users;
import io.director.shared.DirectorException;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/users} and {@code /api/audit}, for tenant admins and admins. */
@RestController
class AdminController {
  private final Users users;
  private final AuditLog audit;
  private final ClientAddresses addresses;

  AdminController(Users users, AuditLog audit, ClientAddresses addresses) {
    this.users = users;
    this.audit = audit;
    this.addresses = addresses;
  }

  record CreateUser(String username, String password, String role, String tenant_id) {}

  record UpdateUser(String role, Boolean disabled) {}

  @GetMapping(path = "/api/users", produces = MediaType.APPLICATION_JSON_VALUE)
  List<Accounts.UserView> list(Principal principal, @RequestParam Optional<String> tenant,
      @RequestParam(defaultValue = "100") int limit, @RequestParam(defaultValue = "0") int offset) {
    return users.list(principal, tenant, clamp(limit), Math.max(0, offset));
  }

  @PostMapping(path = "/api/users", consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
  @ResponseStatus(HttpStatus.CREATED)
  Accounts.UserView create(Principal principal, @RequestBody CreateUser body, HttpServletRequest request) {
    AuthController.required(body.username(), "username");
    AuthController.required(body.password(), "password");
    Role role = body.role() == null ? Role.MEMBER : Role.parse(body.role());
    return users.create(principal, body.username(), body.password(), Optional.ofNullable(body.tenant_id()), role, addresses.of(request));
  }

  @PatchMapping(path = "/api/users/{id}", consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
  Accounts.UserView update(Principal principal, @PathVariable UUID id, @RequestBody UpdateUser body, HttpServletRequest request) {
    return users.update(principal, id, Optional.ofNullable(body.role()).map(Role::parse), Optional.ofNullable(body.disabled()),
        addresses.of(request));
  }

  @GetMapping(path = "/api/audit", produces = MediaType.APPLICATION_JSON_VALUE)
  Map<String, Object> audit(Principal principal, @RequestParam Optional<String> tenant, @RequestParam Optional<String> type,
      @RequestParam Optional<String> since, @RequestParam Optional<String> until, @RequestParam Optional<Long> before,
      @RequestParam(defaultValue = "100") int limit) {
    List<AuditLog.Event> events = audit.query(principal, tenant, type, since.map(AdminController::instant),
        until.map(AdminController::instant), before, clamp(limit));
    Long next = events.size() == clamp(limit) ? events.get(events.size() - 1).id() : null;
    java.util.LinkedHashMap<String, Object> page = new java.util.LinkedHashMap<>();
    page.put("events", events);
    page.put("next_before", next);
    return page;
  }

  private static int clamp(int limit) {
    return Math.max(1, Math.min(500, limit));
  }

  private static Instant instant(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw DirectorException.invalid("request.invalid-parameter", "times must be ISO-8601 instants such as 2026-01-01T00:00:00Z");
    }
  }
}
