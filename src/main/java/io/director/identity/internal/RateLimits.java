package io.director.identity.internal;

import io.director.shared.DirectorException;
import io.director.shared.ProblemKind;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.distributed.proxy.optimization.DelayParameters;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.github.bucket4j.postgresql.PostgreSQLSelectForUpdateBasedProxyManager;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Token buckets kept in PostgreSQL (Bucket4j), so a limit holds across every Director instance on
 * the database. Each check consumes one token; an empty bucket is a 429 with Retry-After and the
 * IETF RateLimit-Policy / RateLimit headers.
 */
@Component
public class RateLimits implements io.director.identity.RequestLimiter {
  private static final int CACHED_PROXIES = 10_000;
  private static final long EXACT_BELOW = 200;
  private static final Duration SYNC_INTERVAL = Duration.ofMillis(100);
  private final PostgreSQLSelectForUpdateBasedProxyManager<String> buckets;
  private final Map<String, Bucket> proxies = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
      return size() > CACHED_PROXIES;
    }
  };

  RateLimits(DataSource dataSource) {
    this.buckets = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource)
        .primaryKeyMapper(PrimaryKeyMapper.STRING)
        .table("rate_limit_buckets")
        .idColumn("id")
        .stateColumn("state")
        .expiresAtColumn("expires_at")
        .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofMinutes(1)))
        .build();
  }

  /** A limit under a name: {@code capacity} requests per {@code window}, refilled gradually. */
  public record Limit(String policy, long capacity, Duration window) {}

  @Override
  public void consume(String bucket, String policy, long capacity, Duration window, java.util.Optional<HttpServletResponse> response) {
    consume(bucket, new Limit(policy, capacity, window), response.orElse(null));
  }

  /** Consumes one request from bucket {@code key}; throws a 429 problem when it is empty. */
  public void consume(String key, Limit limit, HttpServletResponse response) {
    BucketConfiguration config = BucketConfiguration.builder()
        .addLimit(b -> b.capacity(limit.capacity()).refillGreedy(limit.capacity(), limit.window()))
        .build();
    ConsumptionProbe probe = bucket(key, limit, config).tryConsumeAndReturnRemaining(1);
    long resetSeconds = Math.max(1, (probe.getNanosToWaitForReset() + 999_999_999L) / 1_000_000_000L);
    if (response != null) {
      response.setHeader("RateLimit-Policy", "\"" + limit.policy() + "\";q=" + limit.capacity() + ";w=" + limit.window().toSeconds());
      response.setHeader("RateLimit", "\"" + limit.policy() + "\";r=" + probe.getRemainingTokens() + ";t=" + resetSeconds);
    }
    if (!probe.isConsumed()) {
      long retryAfter = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
      if (response != null) response.setHeader("Retry-After", Long.toString(retryAfter));
      throw new DirectorException(ProblemKind.RATE_LIMITED, "identity.rate-limited",
          "rate limit '" + limit.policy() + "' exceeded; retry after " + retryAfter + " s");
    }
  }

  /**
   * Bucket proxies are kept so that Bucket4j can merge the consumptions of a hot bucket. Small
   * buckets (login attempts, a key limited to a few requests) stay exact: concurrent requests are
   * batched into one transaction each time. Large ones are consumed locally and synchronised with
   * PostgreSQL every 1% of their capacity or 100 ms, so across N instances a bucket can overshoot by
   * at most N × 1% — the price of not paying a database transaction per request.
   */
  private Bucket bucket(String key, Limit limit, BucketConfiguration config) {
    String cacheKey = key + "|" + limit.capacity() + "/" + limit.window().toMillis();
    synchronized (proxies) {
      return proxies.computeIfAbsent(cacheKey, k -> buckets.builder()
          .withOptimization(limit.capacity() < EXACT_BELOW ? Optimizations.batching()
              : Optimizations.delaying(new DelayParameters(Math.max(1, limit.capacity() / 100), SYNC_INTERVAL)))
          .build(key, () -> config));
    }
  }

  @Scheduled(fixedDelayString = "5m", initialDelayString = "1m")
  void removeExpired() {
    buckets.removeExpired(1000);
  }
}
