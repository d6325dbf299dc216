package io.director.identity;

import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * Token-bucket rate limits shared by every instance on the database, for modules that limit their
 * own operations (memory writes, searches) per key on top of the per-key request limit.
 */
public interface RequestLimiter {
  /**
   * Takes one request from bucket {@code bucket} ({@code capacity} per {@code window}); when it is
   * empty, throws a 429 {@link io.director.shared.DirectorException}. With a response, the
   * RateLimit headers are set on it.
   */
  void consume(String bucket, String policy, long capacity, Duration window, Optional<HttpServletResponse> response);
}
