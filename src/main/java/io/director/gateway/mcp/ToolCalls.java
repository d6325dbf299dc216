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

  private record MeterKey(String playbook, String server, String tool, String outcome) {}

  private final Map<MeterKey, Counter> counters = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<MeterKey, Timer> timers = new java.util.concurrent.ConcurrentHashMap<>();

  public void record(Call call) {
    counters.computeIfAbsent(new MeterKey(call.playbook(), call.server(), call.tool(), call.outcome()), k -> Counter.builder("director.tool.calls")
        .tags("playbook", k.playbook(), "server", k.server(), "tool", k.tool(), "outcome", k.outcome()).register(meters)).increment();
    timers.computeIfAbsent(new MeterKey(call.playbook(), call.server(), call.tool(), ""), k -> Timer.builder("director.tool.call.duration")
        .tags("playbook", k.playbook(), "server", k.server(), "tool", k.tool()).publishPercentileHistogram().register(meters)).record(call.duration());
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
        // under load, gather a moment's worth of calls so that one statement records them all
        if (running.get() && queue.size() < 100) Thread.sleep(50);
        queue.drainTo(batch, 999);
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

  /** Records a batch with one statement: each column goes as an array and is unnested on the server. */
  private void write(List<Call> batch) {
    int n = batch.size();
    Object[] tenant = new Object[n], playbook = new Object[n], principal = new Object[n], server = new Object[n], tool = new Object[n];
    Object[] at = new Object[n], ms = new Object[n], outcome = new Object[n], in = new Object[n], out = new Object[n], args = new Object[n];
    for (int i = 0; i < n; i++) {
      Call c = batch.get(i);
      tenant[i] = c.tenantId();
      playbook[i] = c.playbookId();
      principal[i] = c.principal();
      server[i] = c.server();
      tool[i] = c.tool();
      at[i] = Timestamp.from(c.startedAt());
      ms[i] = c.duration().toNanos() / 1_000_000.0;
      outcome[i] = c.outcome();
      in[i] = c.bytesIn();
      out[i] = c.bytesOut();
      args[i] = c.arguments() == null ? null : JsonRpc.JSON.writeValueAsString(c.arguments()).replace("\\u0000", "");
    }
    jdbc.getJdbcTemplate().execute((java.sql.Connection con) -> {
      try (var st = con.prepareStatement("""
          INSERT INTO tool_calls (tenant_id, playbook_id, principal, server, tool, started_at, duration_ms, outcome, bytes_in, bytes_out, arguments)
          SELECT t.tenant, t.playbook, t.principal, t.server, t.tool, t.at, t.ms, t.outcome, t.bytes_in, t.bytes_out, CAST(t.args AS jsonb)
          FROM unnest(?::text[], ?::uuid[], ?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::float8[], ?::text[], ?::int[], ?::int[], ?::text[])
            AS t(tenant, playbook, principal, server, tool, at, ms, outcome, bytes_in, bytes_out, args)
          WHERE EXISTS (SELECT 1 FROM playbooks p WHERE p.id = t.playbook)""")) {
        st.setArray(1, con.createArrayOf("text", tenant));
        st.setArray(2, con.createArrayOf("uuid", playbook));
        st.setArray(3, con.createArrayOf("text", principal));
        st.setArray(4, con.createArrayOf("text", server));
        st.setArray(5, con.createArrayOf("text", tool));
        st.setArray(6, con.createArrayOf("timestamptz", at));
        st.setArray(7, con.createArrayOf("float8", ms));
        st.setArray(8, con.createArrayOf("text", outcome));
        st.setArray(9, con.createArrayOf("int4", in));
        st.setArray(10, con.createArrayOf("int4", out));
        st.setArray(11, con.createArrayOf("text", args));
        return st.executeUpdate();
      }
    });
  }

  @PreDestroy
  void stop() throws InterruptedException {
    running.set(false);
    writer.join(5_000);
  }
}
