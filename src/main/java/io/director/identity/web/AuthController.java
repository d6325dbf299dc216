package io.director.identity.web;

import io.director.identity.ClientInfo;
import io.director.identity.Principal;
import io.director.identity.internal.Accounts;
import io.director.identity.internal.ClientAddresses;
import io.director.identity.internal.IdentityConfig;
import io.director.identity.internal.RateLimits;
import io.director.identity.internal.Tokens;
import io.director.shared.Crypto;
import io.director.shared.DirectorException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Registration, login and login sessions under {@code /auth}. */
@RestController
@RequestMapping(path = "/auth", produces = MediaType.APPLICATION_JSON_VALUE)
class AuthController {
  private final Accounts accounts;
  private final RateLimits rateLimits;
  private final ClientAddresses addresses;

  AuthController(Accounts accounts, RateLimits rateLimits, ClientAddresses addresses) {
    this.accounts = accounts;
    this.rateLimits = rateLimits;
    this.addresses = addresses;
  }

  record Register(String username, String password, String tenant_id) {}

  record Login(String username, String password) {}

  record RefreshToken(String refresh_token) {}

  @PostMapping(path = "/register", consumes = MediaType.APPLICATION_JSON_VALUE)
  @ResponseStatus(HttpStatus.CREATED)
  Accounts.UserView register(@RequestBody Register body, HttpServletRequest request, HttpServletResponse response) {
    ClientInfo client = addresses.of(request);
    limit("auth-ip", "auth-ip:" + client.ip(), response);
    required(body.username(), "username");
    required(body.password(), "password");
    required(body.tenant_id(), "tenant_id");
    return accounts.register(body.username(), body.password(), body.tenant_id(), client);
  }

  @PostMapping(path = "/login", consumes = MediaType.APPLICATION_JSON_VALUE)
  Tokens login(@RequestBody Login body, HttpServletRequest request, HttpServletResponse response) {
    ClientInfo client = addresses.of(request);
    limit("auth-ip", "auth-ip:" + client.ip(), response);
    required(body.username(), "username");
    required(body.password(), "password");
    // hashed: any text a client sends becomes a safe, fixed-size bucket key
    String user = java.util.HexFormat.of().formatHex(Crypto.sha256(body.username().toLowerCase(Locale.ROOT)));
    limit("auth-user", "auth-user:" + user, response);
    return accounts.login(body.username(), body.password(), client);
  }

  @PostMapping(path = "/token/refresh", consumes = MediaType.APPLICATION_JSON_VALUE)
  Tokens refresh(@RequestBody RefreshToken body, HttpServletRequest request, HttpServletResponse response) {
    ClientInfo client = addresses.of(request);
    limit("auth-refresh", "auth-refresh:" + client.ip(), response, 10);
    required(body.refresh_token(), "refresh_token");
    return accounts.refresh(body.refresh_token(), client);
  }

  @PostMapping(path = "/token/revoke", consumes = MediaType.APPLICATION_JSON_VALUE)
  Map<String, Object> revoke(@RequestBody RefreshToken body, HttpServletRequest request, HttpServletResponse response) {
    ClientInfo client = addresses.of(request);
    limit("auth-refresh", "auth-refresh:" + client.ip(), response, 10);
    required(body.refresh_token(), "refresh_token");
    accounts.revoke(body.refresh_token(), client);
    return Map.of("revoked", true);
  }

  @PostMapping("/logout-all")
  Map<String, Object> logoutAll(Principal principal, HttpServletRequest request) {
    requireUser(principal);
    return Map.of("revoked_sessions", accounts.logoutAll(principal, addresses.of(request)));
  }

  @GetMapping("/me")
  Map<String, Object> me(Principal principal) {
    return Map.of("id", principal.userId(), "name", principal.name(), "tenant_id", principal.tenantId(), "role", principal.role().wire(),
        "kind", principal.kind().name().toLowerCase(Locale.ROOT), "scopes", principal.scopes().stream().map(s -> s.wire()).sorted().toList());
  }

  @GetMapping("/sessions")
  List<Map<String, Object>> sessions(Principal principal) {
    requireUser(principal);
    return accounts.sessions(principal);
  }

  @DeleteMapping("/sessions/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  void revokeSession(Principal principal, @PathVariable UUID id, HttpServletRequest request) {
    requireUser(principal);
    accounts.revokeSession(principal, id, addresses.of(request));
  }

  private void limit(String policy, String key, HttpServletResponse response) {
    limit(policy, key, response, 1);
  }

  private void limit(String policy, String key, HttpServletResponse response, int factor) {
    IdentityConfig.RateLimit l = accounts.config().authLimit();
    rateLimits.consume(key, new RateLimits.Limit(policy, l.capacity() * factor, l.window()), response);
  }

  static void required(String value, String field) {
    if (value == null || value.isEmpty()) throw DirectorException.invalid("request.missing-field", field + " is required");
    if (value.length() > 4096) throw DirectorException.invalid("request.field-too-long", field + " is too long");
  }

  static void requireUser(Principal principal) {
    if (principal.kind() != Principal.Kind.USER) {
      throw new DirectorException(io.director.shared.ProblemKind.FORBIDDEN, "identity.user-only", "this endpoint is for logged-in users, not API keys");
    }
  }
}
