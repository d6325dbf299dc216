package io.director.gateway.mcp;

import io.director.platform.config.EffectiveConfig;
import io.director.shared.Crypto;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/** Client sessions of the Streamable HTTP transport ({@code Mcp-Session-Id}), forgotten when idle. */
@Component
public class McpSessions {
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final Duration idle;

  McpSessions(EffectiveConfig effective, io.micrometer.core.instrument.MeterRegistry meters) {
    this.idle = McpConfig.from(effective).sessionIdle();
    io.micrometer.core.instrument.Gauge.builder("director.mcp.sessions.active", sessions, Map::size)
        .description("open MCP client sessions on this instance").register(meters);
  }

  /** One client session: bound to the playbook and the principal that opened it. */
  public static final class Session {
    final String id;
    final UUID playbookId;
    final UUID principalId;
    final String protocolVersion;
    final tools.jackson.databind.JsonNode capabilities;
    final ClientRequests requests = new ClientRequests();
    private volatile boolean logs;
    /** Resources the client subscribed to: their update notifications reach it. */
    final java.util.Set<String> subscriptions = ConcurrentHashMap.newKeySet();
    volatile Instant lastSeen = Instant.now();
    private org.springframework.web.servlet.mvc.method.annotation.SseEmitter stream;

    Session(String id, UUID playbookId, UUID principalId, String protocolVersion, tools.jackson.databind.JsonNode capabilities) {
      this.id = id;
      this.playbookId = playbookId;
      this.principalId = principalId;
      this.protocolVersion = protocolVersion;
      this.capabilities = capabilities != null && capabilities.isObject() ? capabilities : JsonRpc.NODES.objectNode();
    }

    /** The client, reached through {@code sender} (a POST's event stream) or, when that is closed, the GET stream. */
    public Downstream over(java.util.function.Predicate<tools.jackson.databind.JsonNode> sender) {
      Session session = this;
      return new Downstream() {
        @Override
        public tools.jackson.databind.JsonNode capabilities() {
          return capabilities;
        }

        @Override
        public boolean notify(tools.jackson.databind.JsonNode notification) {
          return sender.test(notification) || push(notification);
        }

        @Override
        public java.util.concurrent.CompletableFuture<tools.jackson.databind.JsonNode> request(String method,
            tools.jackson.databind.JsonNode params, Duration timeout) {
          return requests.send(method, params, timeout, m -> sender.test(m) || session.push(m));
        }
      };
    }

    public void subscribed(String uri) {
      subscriptions.add(uri);
    }

    public void unsubscribed(String uri) {
      subscriptions.remove(uri);
    }

    boolean subscribes(String uri) {
      return subscriptions.contains(uri);
    }

    /** The client asked for log messages (logging/setLevel): its calls may carry them. */
    public void wantsLogs() {
      logs = true;
    }

    /**
     * Whether an upstream may send this client something while working on {@code request}:
     * progress it asked for, log messages it asked for, or requests it declared it can answer.
     * Only then is the call answered in a way that can carry them (an event stream).
     */
    public boolean mayHear(tools.jackson.databind.JsonNode request) {
      return logs || request.path("params").path("_meta").has("progressToken") || Exchange.INTERACTIVE.stream().anyMatch(capabilities::has);
    }

    /** The client as reached through its GET stream only. */
    public Downstream downstream() {
      return over(m -> false);
    }

    /** A client's response to a request Director sent it; false when none is waiting for it. */
    public boolean answer(tools.jackson.databind.JsonNode response) {
      return requests.answer(response);
    }

    public String id() {
      return id;
    }

    public String protocolVersion() {
      return protocolVersion;
    }

    public UUID playbookId() {
      return playbookId;
    }

    /** What Director sends on the GET stream, kept for resumption. */
    private final EventStream getEvents = new EventStream("g");
    /** Recent POST answers sent as event streams, by key, kept for resumption. */
    private final java.util.LinkedHashMap<String, EventStream> posts = new java.util.LinkedHashMap<>();
    private long postCount;

    /** Whether this session's version primes each event stream with an id to resume from (2025-11-25 and later). */
    public boolean primes() {
      return protocolVersion.compareTo("2025-11-25") >= 0;
    }

    /** A new event stream for a POST's answer. */
    public synchronized EventStream openPost() {
      EventStream s = new EventStream("p" + (++postCount));
      posts.put(s.key(), s);
      if (posts.size() > 20) posts.remove(posts.keySet().iterator().next());
      return s;
    }

    /** A POST's answer that turned out plain JSON needs no keeping. */
    public synchronized void dropPost(EventStream s) {
      posts.remove(s.key());
    }

    /** The POST stream an event id of this session belongs to, for resuming it. */
    public synchronized Optional<EventStream> post(String lastEventId) {
      return EventStream.parse(lastEventId).map(p -> posts.get(p.stream()));
    }

    /** Where in its stream an event id is (-1 when it names none of Director's). */
    public static long position(String lastEventId) {
      return EventStream.parse(lastEventId).map(EventStream.Position::seq).orElse(-1L);
    }

    /**
     * Opens the session's server-to-client stream (GET); a new one replaces the old. With the id
     * of the last event the client saw on an earlier GET stream, what it missed comes first.
     */
    public synchronized org.springframework.web.servlet.mvc.method.annotation.SseEmitter openStream(Optional<String> lastEventId) {
      if (stream != null) stream.complete();
      var emitter = new org.springframework.web.servlet.mvc.method.annotation.SseEmitter(0L);
      EventStream.Sink sink = sink(emitter);
      emitter.onCompletion(() -> dropStream(emitter, sink));
      emitter.onTimeout(() -> dropStream(emitter, sink));
      emitter.onError(e -> dropStream(emitter, sink));
      stream = emitter;
      if (primes()) prime(emitter, getEvents.primingId());
      long after = lastEventId.flatMap(EventStream::parse).filter(p -> p.stream().equals(getEvents.key()))
          .map(EventStream.Position::seq).orElse(getEvents.position());
      getEvents.attach(sink, after);
      return emitter;
    }

    /** Sends events to an emitter with their ids. */
    public static EventStream.Sink sink(org.springframework.web.servlet.mvc.method.annotation.SseEmitter emitter) {
      return (id, data) -> {
        try {
          emitter.send(org.springframework.web.servlet.mvc.method.annotation.SseEmitter.event().id(id).name("message")
              .data(data, org.springframework.http.MediaType.APPLICATION_JSON));
          return true;
        } catch (java.io.IOException | IllegalStateException e) {
          return false;
        }
      };
    }

    /** An event with an id and no data: the client can resume from it before anything else was sent. */
    public static void prime(org.springframework.web.servlet.mvc.method.annotation.SseEmitter emitter, String id) {
      try {
        emitter.send(org.springframework.web.servlet.mvc.method.annotation.SseEmitter.event().id(id).reconnectTime(1000).data(""));
      } catch (java.io.IOException | IllegalStateException e) {
        // the client already left; it resumes or not
      }
    }

    private synchronized void dropStream(org.springframework.web.servlet.mvc.method.annotation.SseEmitter emitter, EventStream.Sink sink) {
      if (stream == emitter) stream = null;
      getEvents.detach(sink);
    }

    /** Sends a message on the GET stream; false when none is open or the client left (it is kept for resumption either way). */
    public synchronized boolean push(tools.jackson.databind.JsonNode message) {
      boolean sent = getEvents.add(message);
      if (!sent) stream = null;
      return sent;
    }

    /** A comment that keeps proxies from closing an idle stream and finds clients that left. */
    synchronized void keepAlive() {
      if (stream == null) return;
      try {
        stream.send(org.springframework.web.servlet.mvc.method.annotation.SseEmitter.event().comment("keep-alive"));
      } catch (java.io.IOException | IllegalStateException e) {
        stream = null;
      }
    }

    synchronized void closeStream() {
      if (stream != null) stream.complete();
      stream = null;
    }
  }

  /**
   * A {@code subscriptions/listen} stream of the stateless revision (2026-07-28): the list changes
   * the client asked for, each tagged with the id of its listen request.
   */
  public static final class Listen {
    final UUID playbookId;
    final JsonNode subscriptionId;
    final java.util.Set<String> wanted;
    final org.springframework.web.servlet.mvc.method.annotation.SseEmitter emitter = new org.springframework.web.servlet.mvc.method.annotation.SseEmitter(0L);

    Listen(UUID playbookId, JsonNode subscriptionId, java.util.Set<String> wanted) {
      this.playbookId = playbookId;
      this.subscriptionId = subscriptionId;
      this.wanted = java.util.Set.copyOf(wanted);
    }

    public org.springframework.web.servlet.mvc.method.annotation.SseEmitter emitter() {
      return emitter;
    }

    /** Sends a notification if the client asked for it; false when the client left. */
    public synchronized boolean push(JsonNode notification) {
      String method = notification.path("method").asString("");
      if (!method.equals("notifications/subscriptions/acknowledged") && !wanted.contains(method)) return true;
      tools.jackson.databind.node.ObjectNode tagged = ((tools.jackson.databind.node.ObjectNode) notification).deepCopy();
      JsonNode params = tagged.get("params");
      tools.jackson.databind.node.ObjectNode p = params instanceof tools.jackson.databind.node.ObjectNode o ? o : tagged.putObject("params");
      p.withObject("_meta").set("io.modelcontextprotocol/subscriptionId", subscriptionId);
      try {
        emitter.send(org.springframework.web.servlet.mvc.method.annotation.SseEmitter.event().name("message")
            .data(JsonRpc.JSON.writeValueAsString(tagged), org.springframework.http.MediaType.APPLICATION_JSON));
        return true;
      } catch (java.io.IOException | IllegalStateException e) {
        return false;
      }
    }

    /** Ends the stream the way the revision says: an empty result carrying the subscription id. */
    synchronized void finish() {
      tools.jackson.databind.node.ObjectNode result = JsonRpc.NODES.objectNode();
      result.putObject("_meta").set("io.modelcontextprotocol/subscriptionId", subscriptionId);
      try {
        emitter.send(org.springframework.web.servlet.mvc.method.annotation.SseEmitter.event().name("message")
            .data(JsonRpc.JSON.writeValueAsString(JsonRpc.result(subscriptionId, result)), org.springframework.http.MediaType.APPLICATION_JSON));
      } catch (java.io.IOException | IllegalStateException e) {
        // the client already left
      }
      emitter.complete();
    }

    synchronized void keepAlive() throws java.io.IOException {
      emitter.send(org.springframework.web.servlet.mvc.method.annotation.SseEmitter.event().comment("keep-alive"));
    }
  }

  private final java.util.Set<Listen> listens = ConcurrentHashMap.newKeySet();

  /** Opens a listen stream for the notifications named in {@code wanted} (notification methods). */
  public Listen listen(UUID playbookId, JsonNode subscriptionId, java.util.Set<String> wanted) {
    Listen l = new Listen(playbookId, subscriptionId, wanted);
    listens.add(l);
    l.emitter.onCompletion(() -> listens.remove(l));
    l.emitter.onTimeout(() -> listens.remove(l));
    l.emitter.onError(e -> listens.remove(l));
    return l;
  }

  /** Listen streams of a playbook. */
  public java.util.List<Listen> listening(UUID playbookId) {
    return listens.stream().filter(l -> l.playbookId.equals(playbookId)).toList();
  }

  /** Sessions of a playbook, for notifications. */
  public java.util.List<Session> ofPlaybook(UUID playbookId) {
    return sessions.values().stream().filter(s -> s.playbookId.equals(playbookId)).toList();
  }

  /** Whether any session of the playbook on this instance is subscribed to the resource. */
  public boolean subscribed(UUID playbookId, String uri) {
    return sessions.values().stream().anyMatch(s -> s.playbookId.equals(playbookId) && s.subscribes(uri));
  }

  /** Sessions with an open stream, for notifications that concern any playbook. */
  public java.util.List<Session> streaming() {
    return sessions.values().stream().filter(s -> s.stream != null).toList();
  }

  @org.springframework.context.event.EventListener(org.springframework.context.event.ContextClosedEvent.class)
  void closeStreams() {
    sessions.values().forEach(Session::closeStream);
    listens.forEach(Listen::finish);
  }

  public Session open(UUID playbookId, UUID principalId, String protocolVersion, tools.jackson.databind.JsonNode capabilities) {
    Session s = new Session(Crypto.randomToken(24), playbookId, principalId, protocolVersion, capabilities);
    sessions.put(s.id, s);
    return s;
  }

  /** The session, only for the playbook and principal that opened it. */
  public Optional<Session> find(String id, UUID playbookId, UUID principalId) {
    Session s = id == null ? null : sessions.get(id);
    if (s == null || !s.playbookId.equals(playbookId) || !s.principalId.equals(principalId)) return Optional.empty();
    s.lastSeen = Instant.now();
    return Optional.of(s);
  }

  public boolean close(String id, UUID playbookId, UUID principalId) {
    return find(id, playbookId, principalId).map(s -> {
      s.closeStream();
      s.requests.failAll("the session ended");
      return sessions.remove(s.id) != null;
    }).orElse(false);
  }

  @Scheduled(fixedDelayString = "20s", initialDelayString = "20s")
  void keepAlive() {
    streaming().forEach(Session::keepAlive);
    listens.removeIf(l -> {
      try {
        l.keepAlive();
        return false;
      } catch (java.io.IOException | IllegalStateException e) {
        return true;
      }
    });
  }

  @Scheduled(fixedDelayString = "60s", initialDelayString = "60s")
  void expire() {
    Instant cutoff = Instant.now().minus(idle);
    sessions.values().removeIf(s -> {
      if (!s.lastSeen.isBefore(cutoff) || s.stream != null) return false;
      s.requests.failAll("the session expired");
      return true;
    });
  }
}
