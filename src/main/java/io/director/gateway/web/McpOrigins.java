package io.director.gateway.web;

import io.director.gateway.mcp.JsonRpc;
import io.director.identity.Principal;
import io.director.identity.Scope;
import io.director.platform.config.DirectorConfig;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

/** Checks shared by every MCP transport: DNS-rebinding protection (Origin) and the mcp:connect scope. */
@Component
class McpOrigins {
  private final DirectorConfig config;

  McpOrigins(DirectorConfig config) {
    this.config = config;
  }

  Optional<ResponseEntity<String>> refuse(HttpServletRequest request, Principal principal) {
    String origin = request.getHeader("Origin");
    if (origin != null && !allowed(origin)) return Optional.of(error(HttpStatus.FORBIDDEN, "Origin not allowed"));
    if (!principal.has(Scope.MCP_CONNECT)) return Optional.of(error(HttpStatus.FORBIDDEN, "this credential lacks the mcp:connect scope"));
    return Optional.empty();
  }

  private boolean allowed(String origin) {
    String o = origin.endsWith("/") ? origin.substring(0, origin.length() - 1) : origin;
    if (config.allowedOrigins().contains(o) || config.allowedOrigins().contains("*")) return true;
    return config.baseUrl().map(u -> {
      String own = u.getScheme() + "://" + u.getHost() + (u.getPort() >= 0 ? ":" + u.getPort() : "");
      return own.equalsIgnoreCase(o);
    }).orElse(false);
  }

  static ResponseEntity<String> error(HttpStatus status, String message) {
    return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON)
        .body(JsonRpc.JSON.writeValueAsString(JsonRpc.error(null, JsonRpc.INVALID_REQUEST, message)));
  }

}
