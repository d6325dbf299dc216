package io.director.gateway.mcp;

import io.director.shared.Crypto;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.JsonNode;

/**
 * Sessions of the legacy HTTP+SSE transport (protocol 2024-11-05): a GET stream that carries every
 * answer, and a message endpoint the client POSTs to. Streams are closed when Director shuts down,
 * so they never hold up a graceful stop.
 */
@Component
public class LegacySseSessions {
  private static final Logger log = LoggerFactory.getLogger(LegacySseSessions.class);
  private final Map<String, Stream> streams = new ConcurrentHashMap<>();

  /** One open event stream. */
  public static final class Stream {
    final String id;
    final UUID playbookId;
    final UUID principalId;
    final SseEmitter emitter;
    final ClientRequests requests = new ClientRequests();
    volatile JsonNode capabilities = JsonRpc.NODES.objectNode();

    Stream(String id, UUID playbookId, UUID principalId, SseEmitter emitter) {
      this.id = id;
      this.playbookId = playbookId;
      this.principalId = principalId;
      this.emitter = emitter;
    }

    public String id() {
      return id;
    }

    public SseEmitter emitterFor() {
      return emitter;
    }

    /** Remembers what the client declared in its initialize. */
    public void initialized(JsonNode clientCapabilities) {
      if (clientCapabilities != null && clientCapabilities.isObject()) capabilities = clientCapabilities;
    }

    /** A client's response to a request Director sent it; false when none is waiting for it. */
    public boolean answer(JsonNode response) {
      return requests.answer(response);
    }

    /** The client behind this stream, for what upstreams say back to it. */
    public Downstream downstream() {
      Stream self = this;
      return new Downstream() {
        @Override
        public JsonNode capabilities() {
          return capabilities;
        }

        @Override
        public boolean notify(JsonNode notification) {
          return self.send(notification);
        }

        @Override
        public java.util.concurrent.CompletableFuture<JsonNode> request(String method, JsonNode params, java.time.Duration timeout) {
          return requests.send(method, params, timeout, self::send);
        }
      };
    }

    /** Sends one JSON-RPC message as a {@code message} event; false when the client is gone. */
    public synchronized boolean send(JsonNode message) {
      try {
        emitter.send(SseEmitter.event().name("message").data(JsonRpc.JSON.writeValueAsString(message), org.springframework.http.MediaType.APPLICATION_JSON));
        return true;
      } catch (IOException | IllegalStateException e) {
        return false;
      }
    }
  }

  public Stream open(UUID playbookId, UUID principalId, String messagesPath) throws IOException {
    SseEmitter emitter = new SseEmitter(0L);
    String id = Crypto.randomToken(24);
    Stream stream = new Stream(id, playbookId, principalId, emitter);
    streams.put(id, stream);
    emitter.onCompletion(() -> {
      streams.remove(id);
      stream.requests.failAll("the client closed its stream");
    });
    emitter.onTimeout(() -> streams.remove(id));
    emitter.onError(e -> streams.remove(id));
    emitter.send(SseEmitter.event().name("endpoint").data(messagesPath + "?sessionId=" + id));
    return stream;
  }

  public Optional<Stream> find(String id, UUID playbookId, UUID principalId) {
    Stream s = id == null ? null : streams.get(id);
    return s != null && s.playbookId.equals(playbookId) && s.principalId.equals(principalId) ? Optional.of(s) : Optional.empty();
  }

  /** A comment every 20 s keeps proxies from closing idle streams and finds clients that left. */
  @Scheduled(fixedDelayString = "20s", initialDelayString = "20s")
  void keepAlive() {
    streams.values().forEach(s -> {
      synchronized (s) {
        try {
          s.emitter.send(SseEmitter.event().comment("keep-alive"));
        } catch (IOException | IllegalStateException e) {
          streams.remove(s.id);
        }
      }
    });
  }

  @EventListener(ContextClosedEvent.class)
  void closeAll() {
    log.info("closing {} legacy SSE stream(s)", streams.size());
    streams.values().forEach(s -> s.emitter.complete());
    streams.clear();
  }
}
