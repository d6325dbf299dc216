package io.director.sessions.internal;

import io.director.sessions.SessionStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/**
 * {@code director_sessions{status}}: this instance's sessions by live status;
 * {@code director_session_start_seconds}: from create to a running process;
 * {@code director_session_exits_total{status,reason}}: how sessions ended.
 */
@Component
class SessionMetrics {
  private final MeterRegistry meters;
  private final Map<SessionStatus, AtomicInteger> live = new EnumMap<>(SessionStatus.class);
  private final Timer start;

  SessionMetrics(MeterRegistry meters) {
    this.meters = meters;
    for (SessionStatus s : SessionStatus.values()) {
      if (!s.active()) continue;
      AtomicInteger n = new AtomicInteger();
      live.put(s, n);
      Gauge.builder("director.sessions", n, AtomicInteger::get).tag("status", s.wire())
          .description("Agent sessions on this instance by status").register(meters);
    }
    start = Timer.builder("director.session.start").description("From session create to a running sandboxed process")
        .publishPercentileHistogram().register(meters);
  }

  void moved(Optional<SessionStatus> from, Optional<SessionStatus> to) {
    from.filter(SessionStatus::active).ifPresent(s -> live.get(s).decrementAndGet());
    to.filter(SessionStatus::active).ifPresent(s -> live.get(s).incrementAndGet());
  }

  void started(Duration sinceCreate) {
    start.record(sinceCreate);
  }

  void ended(SessionStatus status, Optional<String> reason) {
    Counter.builder("director.session.exits").description("Agent sessions ended, by status and reason")
        .tags("status", status.wire(), "reason", reason.orElse("none")).register(meters).increment();
  }
}
