package io.director.gateway.mcp;

import io.director.platform.Instances;
import io.director.platform.db.Notifications;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Hands a stateless client's retry to the instance that holds the call it continues. The retry is
 * written to {@code mcp_continuations} and announced on {@code director_continuations}; the owner
 * answers it as if it had arrived there, writes the answer into the row and announces it on
 * {@code director_continuation_answers}; the instance the client reached returns that answer. Only
 * the database is shared, so this works wherever the instances run.
 */
@Component
public class Continuations {
  private static final Logger log = LoggerFactory.getLogger(Continuations.class);

  /** A retry handed over to this instance: the client's whole message and who sent it. */
  public record Handover(JsonNode message, UUID principalId, UUID playbookId) {}

  private final JdbcClient jdbc;
  private final UUID self;
  private final Map<UUID, CompletableFuture<JsonNode>> waiting = new ConcurrentHashMap<>();
  private volatile Function<Handover, JsonNode> handler = h -> JsonRpc.error(h.message().get("id"), JsonRpc.INTERNAL_ERROR, "not ready");

  Continuations(JdbcClient jdbc, Notifications notifications, Instances instances) {
    this.jdbc = jdbc;
    this.self = instances.id();
    notifications.subscribe("director_continuations", new Notifications.Listener() {
      @Override
      public void notified(String payload) {
        int cut = payload.indexOf(':');
        if (cut > 0 && payload.substring(0, cut).equals(self.toString())) {
          Thread.ofVirtual().name("mcp-continuation").start(() -> answer(UUID.fromString(payload.substring(cut + 1))));
        }
      }

      @Override
      public void reset() {
        // retries handed over while not listening are answered when their sender looks at the row
      }
    });
    notifications.subscribe("director_continuation_answers", new Notifications.Listener() {
      @Override
      public void notified(String payload) {
        try {
          UUID id = UUID.fromString(payload);
          if (waiting.containsKey(id)) Thread.ofVirtual().start(() -> read(id).ifPresent(r -> complete(id, r)));
        } catch (IllegalArgumentException ignored) {
          // not ours
        }
      }

      @Override
      public void reset() {
        waiting.keySet().forEach(id -> Thread.ofVirtual().start(() -> read(id).ifPresent(r -> complete(id, r))));
      }
    });
  }

  public UUID instanceId() {
    return self;
  }

  /** How this instance answers a retry handed over to it. */
  public void answerWith(Function<Handover, JsonNode> handler) {
    this.handler = handler;
  }

  /** Hands a retry to {@code owner} and waits up to {@code wait} for its answer (a whole JSON-RPC response). */
  public JsonNode relay(UUID owner, JsonNode message, UUID principalId, UUID playbookId, Duration wait) {
    UUID id = UUID.randomUUID();
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    waiting.put(id, answer);
    try {
      jdbc.sql("INSERT INTO mcp_continuations (id, instance_id, principal_id, playbook_id, request) VALUES (:id, :owner, :p, :b, CAST(:r AS jsonb))")
          .param("id", id).param("owner", owner).param("p", principalId).param("b", playbookId)
          .param("r", JsonRpc.JSON.writeValueAsString(message)).update();
      jdbc.sql("SELECT pg_notify('director_continuations', :payload)").param("payload", owner + ":" + id).query().singleRow();
      try {
        return answer.get(wait.toMillis(), TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        return read(id).orElseGet(() -> JsonRpc.error(message.get("id"), JsonRpc.UPSTREAM_UNAVAILABLE,
            "the instance holding this call did not answer; it may have stopped — send the request again without requestState"));
      } catch (java.util.concurrent.ExecutionException | InterruptedException e) {
        if (e instanceof InterruptedException) Thread.currentThread().interrupt();
        return JsonRpc.error(message.get("id"), JsonRpc.INTERNAL_ERROR, "Internal error");
      }
    } finally {
      waiting.remove(id);
      jdbc.sql("DELETE FROM mcp_continuations WHERE id = :id").param("id", id).update();
    }
  }

  private void answer(UUID id) {
    try {
      Optional<Handover> handover = jdbc.sql("SELECT request::text AS request, principal_id, playbook_id FROM mcp_continuations WHERE id = :id AND response IS NULL")
          .param("id", id)
          .query((rs, i) -> new Handover(JsonRpc.JSON.readTree(rs.getString("request")), rs.getObject("principal_id", UUID.class),
              rs.getObject("playbook_id", UUID.class)))
          .optional();
      if (handover.isEmpty()) return;
      JsonNode response = handler.apply(handover.get());
      jdbc.sql("UPDATE mcp_continuations SET response = CAST(:r AS jsonb) WHERE id = :id")
          .param("r", JsonRpc.JSON.writeValueAsString(response)).param("id", id).update();
      jdbc.sql("SELECT pg_notify('director_continuation_answers', :id)").param("id", id.toString()).query().singleRow();
    } catch (RuntimeException e) {
      log.warn("could not answer a handed-over retry: {}", e.getMessage());
    }
  }

  private Optional<JsonNode> read(UUID id) {
    return jdbc.sql("SELECT response::text AS response FROM mcp_continuations WHERE id = :id AND response IS NOT NULL").param("id", id)
        .query((rs, i) -> JsonRpc.JSON.readTree(rs.getString("response"))).optional();
  }

  private void complete(UUID id, JsonNode response) {
    CompletableFuture<JsonNode> f = waiting.get(id);
    if (f != null) f.complete(response);
  }

  /** Rows whose sender gave up (it stopped while waiting). */
  @Scheduled(fixedDelayString = "5m", initialDelayString = "5m")
  void removeAbandoned() {
    jdbc.sql("DELETE FROM mcp_continuations WHERE created_at < now() - interval '30 minutes'").update();
  }
}
