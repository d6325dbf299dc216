package io.director.platform.web;

import io.director.platform.config.DirectorConfig;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerMapping;

/**
 * The outermost filter: gives each request an id (the caller's {@code X-Request-Id} when it is
 * sane), returns it, puts it in the log context, sets the security headers, and logs the request
 * once when it completes with method, route template, status and duration.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestLoggingFilter extends OncePerRequestFilter {
  static final String REQUEST_ID_ATTRIBUTE = "director.requestId";
  static final String HEADER = "X-Request-Id";
  private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private static final Logger log = LoggerFactory.getLogger("io.director.http");

  private final boolean hsts;

  RequestLoggingFilter(DirectorConfig config) {
    this.hsts = config.baseUrl().map(u -> "https".equalsIgnoreCase(u.getScheme())).orElse(false);
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String offered = request.getHeader(HEADER);
    String requestId = offered != null && SANE_ID.matcher(offered).matches() ? offered : UUID.randomUUID().toString();
    request.setAttribute(REQUEST_ID_ATTRIBUTE, requestId);
    response.setHeader(HEADER, requestId);
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("Content-Security-Policy", "frame-ancestors 'none'");
    response.setHeader("X-Frame-Options", "DENY");
    response.setHeader("Referrer-Policy", "no-referrer");
    if (hsts) response.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    MDC.put("requestId", requestId);
    long started = System.nanoTime();
    try {
      chain.doFilter(request, response);
    } finally {
      long micros = (System.nanoTime() - started) / 1_000;
      Object pattern = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
      int status = response.getStatus();
      String route = pattern != null ? pattern.toString() : status == 404 ? "NOT_FOUND" : "UNKNOWN";
      log.atInfo()
          .addKeyValue("method", request.getMethod())
          .addKeyValue("route", route)
          .addKeyValue("status", status)
          .addKeyValue("durationMs", micros / 1000.0)
          .log("{} {} {}", request.getMethod(), route, status);
      MDC.clear();
    }
  }

  @Override
  protected boolean shouldNotFilterAsyncDispatch() {
    return true;
  }
}
