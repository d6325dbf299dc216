package io.director.gateway.mcp;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PreDestroy;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Records tool calls: Prometheus counters and timers at once, and a row per call in PostgreSQL
 * written in batches off the request path, so recording never slows a call down.
 */
@Component
public class ToolCalls {
  private static final Logger log = LoggerFactory.getLogger(ToolCalls.class);
  private static final int QUEUE = 10_000;

  private final MeterRegistry meters;
  private final NamedParameterJdbcTemplate jdbc;
  private final JdbcClient reader;
  private final BlockingQueue<Call> queue = new LinkedBlockingQueue<>(QUEUE);
  private final Counter dropped;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread writer;

  ToolCalls(MeterRegistry meters, NamedParameterJdbcTemplate jdbc, JdbcClient reader) {
    this.meters = meters;
    this.jdbc = jdbc;
    this.reader = reader;
    this.dropped = Counter.builder("director.tool.call.records.dropped").description("tool call records dropped because the writer fell behind")
        .register(meters);
    this.writer = Thread.ofPlatform().daemon().name("tool-call-writer").start(this::drain);
  }

  /** One finished call. */
  public record Call(String tenantId, UUID playbookId, String playbook, String principal, String server, String tool, Instant startedAt,
      Duration duration, String outcome, int bytesIn, int bytesOut, JsonNode arguments) {}

  public void record(Call call) {
    Counter.builder("director.tool.calls").tags("playbook", call.playbook(), "server", call.server(), "tool", call.tool(), "outcome", call.outcome())
        .register(meters).increment();
    Timer.builder("director.tool.call.duration").tags("playbook", call.playbook(), "server", call.server(), "tool", call.tool())
        .publishPercentileHistogram().register(meters).record(call.duration());
    if (!queue.offer(call)) dropped.increment();
  }

  /** Recorded calls of a playbook, newest first. */
  public List<Map<String, Object>> list(String tenantId, UUID playbookId, int limit, Long before) {
    return reader.sql("""
            SELECT id, principal, server, tool, started_at, duration_ms, outcome, bytes_in, bytes_out, arguments::text AS arguments
            FROM tool_calls WHERE tenant_id = :t AND playbook_id = :p AND (CAST(:before AS bigint) IS NULL OR id < :before)
            ORDER BY id DESC LIMIT :limit""")
        .param("t", tenantId).param("p", playbookId).param("before", before).param("limit", limit)
        .query((rs, i) -> {
          Map<String, Object> row = new java.util.LinkedHashMap<>();
          row.put("id", rs.getLong("id"));
          row.put("principal", rs.getString("principal"));
          row.put("server", rs.getString("server"));
          row.put("tool", rs.getString("tool"));
          row.put("started_at", rs.getTimestamp("started_at").toInstant().toString());
          row.put("duration_ms", rs.getDouble("duration_ms"));
          row.put("outcome", rs.getString("outcome"));
          row.put("bytes_in", rs.getInt("bytes_in"));
          row.put("bytes_out", rs.getInt("bytes_out"));
          String args = rs.getString("arguments");
          row.put("arguments", args == null ? null : JsonRpc.JSON.readTree(args));
          return row;
        })
        .list();
  }

  private void drain() {
    List<Call> batch = new ArrayList<>();
    while (running.get() || !queue.isEmpty()) {
      try {
        Call first = queue.poll(250, TimeUnit.MILLISECONDS);
        if (first == null) continue;
        batch.add(first);
        queue.drainTo(batch, 499);
        write(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        log.warn("could not record {} tool call(s): {}", batch.size(), e.getMessage());
      } finally {
        batch.clear();
      }
    }
  }

  private void write(List<Call> batch) {
    MapSqlParameterSource[] rows = batch.stream().map(c -> new MapSqlParameterSource()
        .addValue("tenant", c.tenantId()).addValue("playbook", c.playbookId()).addValue("principal", c.principal())
        .addValue("server", c.server()).addValue("tool", c.tool()).addValue("at", Timestamp.from(c.startedAt()))
        .addValue("ms", c.duration().toNanos() / 1_000_000.0).addValue("outcome", c.outcome())
        .addValue("in", c.bytesIn()).addValue("out", c.bytesOut())
        .addValue("args", c.arguments() == null ? null : JsonRpc.JSON.writeValueAsString(c.arguments()).replace("\\u0000", "")))
        .toArray(MapSqlParameterSource[]::new);
    jdbc.batchUpdate("""
        INSERT INTO tool_calls (tenant_id, playbook_id, principal, server, tool, started_at, duration_ms, outcome, bytes_in, bytes_out, arguments)
        SELECT :tenant, :playbook, :principal, :server, :tool, :at, :ms, :outcome, :in, :out, CAST(:args AS jsonb)
        WHERE EXISTS (SELECT 1 FROM playbooks WHERE id = :playbook)""", rows);
  }

  @PreDestroy
  void stop() throws InterruptedException {
    running.set(false);
    writer.join(5_000);
  }
}
