package io.director.memory.internal;

import io.director.identity.Principal;
import io.director.identity.RequestLimiter;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** Per-key limits on memory writes, searches and context bundles, over REST and MCP alike (429 / a tool error). */
@Component
public class MemoryLimits {
  private final RequestLimiter limiter;
  private final MemoryConfig config;

  MemoryLimits(RequestLimiter limiter, MemoryConfig config) {
    this.limiter = limiter;
    this.config = config;
  }

  public void write(Principal p, Optional<HttpServletResponse> response) {
    limiter.consume("memory-write:" + p.label(), "memory-writes", config.writesPerMinute(), Duration.ofMinutes(1), response);
  }

  public void search(Principal p, Optional<HttpServletResponse> response) {
    limiter.consume("memory-search:" + p.label(), "memory-search", config.searchesPerMinute(), Duration.ofMinutes(1), response);
  }

  public void context(Principal p, Optional<HttpServletResponse> response) {
    limiter.consume("memory-context:" + p.label(), "memory-context", config.contextsPerMinute(), Duration.ofMinutes(1), response);
  }
}
