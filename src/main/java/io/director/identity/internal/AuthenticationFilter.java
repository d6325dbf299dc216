package io.director.identity.internal;

import io.director.identity.Principal;
import io.director.identity.Scope;
import io.director.platform.config.DirectorConfig;
import io.director.platform.web.Problems;
import io.director.shared.DirectorException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import org.slf4j.MDC;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates every request except health, the public auth endpoints and the management port:
 * {@code Authorization: Bearer <jwt|dk_…>} or {@code X-API-Key: dk_…}. Then applies the per-key or
 * per-user rate limit. Failures answer 401 with WWW-Authenticate, or 429.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 20)
public class AuthenticationFilter extends OncePerRequestFilter {
  public static final String PRINCIPAL_ATTRIBUTE = "director.principal";
  private static final Set<String> PUBLIC = Set.of(
      "/api/health", "/api/health/live", "/api/health/ready", "/auth/register", "/auth/login", "/auth/token/refresh",
      "/auth/token/revoke", "/robots.txt", "/error");

  private final Accounts accounts;
  private final ApiKeys keys;
  private final RateLimits rateLimits;
  private final DirectorConfig config;
  private final SecurityAudit audit;
  private final ClientAddresses addresses;
  private final java.util.List<io.director.identity.CredentialResolver> resolvers;

  AuthenticationFilter(Accounts accounts, ApiKeys keys, RateLimits rateLimits, DirectorConfig config, SecurityAudit audit,
      ClientAddresses addresses, java.util.List<io.director.identity.CredentialResolver> resolvers) {
    this.resolvers = java.util.List.copyOf(resolvers);
    this.audit = audit;
    this.addresses = addresses;
    this.accounts = accounts;
    this.keys = keys;
    this.rateLimits = rateLimits;
    this.config = config;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    if (PUBLIC.contains(request.getRequestURI())) return true;
    if (config.managementPort().isPresent() && request.getLocalPort() == config.managementPort().getAsInt()) return true;
    // CORS preflights carry no credentials; the CORS processor answers them
    return "OPTIONS".equals(request.getMethod()) && request.getHeader("Origin") != null
        && request.getHeader("Access-Control-Request-Method") != null;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Optional<String> credential = credential(request);
    if (credential.isEmpty()) {
      response.setHeader("WWW-Authenticate", "Bearer realm=\"director\"");
      Problems.write(response, request, 401, "identity.unauthenticated",
          "authentication required: send Authorization: Bearer <token or API key> or X-API-Key");
      return;
    }
    try {
      authenticateAndContinue(credential.get(), request, response, chain);
    } catch (DataAccessResourceFailureException e) {
      response.setHeader("Retry-After", "5");
      Problems.write(response, request, 503, "platform.database-unavailable", "The database is unavailable; retry shortly");
    }
  }

  private void authenticateAndContinue(String token, HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Principal principal;
    IdentityConfig.RateLimit limit;
    String bucket;
    Optional<io.director.identity.CredentialResolver> minted = resolvers.stream().filter(r -> token.startsWith(r.prefix())).findFirst();
    if (minted.isPresent()) {
      Optional<Principal> resolved = token.length() > 200 ? Optional.empty() : minted.get().resolve(token);
      if (resolved.isEmpty()) {
        invalid(request, response);
        return;
      }
      principal = resolved.get();
      limit = accounts.config().apiKeyLimit();
      bucket = principal.label();
    } else if (token.startsWith(ApiKeys.PREFIX)) {
      Optional<ApiKeys.Authenticated> key = keys.authenticate(token);
      if (key.isEmpty()) {
        invalid(request, response);
        return;
      }
      principal = key.get().principal();
      IdentityConfig.RateLimit base = accounts.config().apiKeyLimit();
      limit = key.get().rateLimit().map(n -> new IdentityConfig.RateLimit(n, base.window())).orElse(base);
      bucket = "key:" + principal.id();
    } else {
      Optional<Principal> user = accounts.authenticate(token);
      if (user.isEmpty()) {
        invalid(request, response);
        return;
      }
      principal = user.get();
      limit = accounts.config().userLimit();
      bucket = "user:" + principal.userId();
    }
    try {
      rateLimits.consume(bucket, new RateLimits.Limit(principal.kind() == Principal.Kind.USER ? "user" : "api-key",
          limit.capacity(), limit.window()), response);
    } catch (DirectorException e) {
      Problems.write(response, request, e.kind().status(), e.code(), e.getMessage());
      return;
    }
    if (isMetrics(request) && !principal.has(Scope.METRICS_READ)) {
      audit.record("permission_denied", principal.tenantId(), principal.label(), addresses.of(request),
          java.util.Map.of("code", "identity.missing-scope", "method", request.getMethod(), "path", request.getRequestURI()));
      Problems.write(response, request, 403, "identity.missing-scope", "this action needs the metrics:read scope");
      return;
    }
    request.setAttribute(PRINCIPAL_ATTRIBUTE, principal);
    MDC.put("tenant", principal.tenantId());
    MDC.put("principal", principal.label());
    chain.doFilter(request, response); // the request log filter clears the MDC after its line

  }

  private static boolean isMetrics(HttpServletRequest request) {
    String uri = request.getRequestURI();
    return uri.equals("/metrics") || uri.startsWith("/metrics/");
  }

  private static Optional<String> credential(HttpServletRequest request) {
    String authorization = request.getHeader("Authorization");
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String token = authorization.substring(7).trim();
      if (!token.isEmpty()) return Optional.of(token);
    }
    String apiKey = request.getHeader("X-API-Key");
    if (apiKey != null && !apiKey.isBlank()) return Optional.of(apiKey.trim());
    return Optional.empty();
  }

  private static void invalid(HttpServletRequest request, HttpServletResponse response) throws IOException {
    response.setHeader("WWW-Authenticate", "Bearer realm=\"director\", error=\"invalid_token\"");
    Problems.write(response, request, 401, "identity.invalid-credentials", "the token or API key is invalid, expired or revoked");
  }
}
