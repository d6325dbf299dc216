package io.director.gateway.mcp;

import io.director.gateway.internal.PlaybookCache;
import java.util.List;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Tells clients with an open stream that a list changed — every list after a playbook edit, or the
 * one an upstream announced — and passes on what an upstream says outside any one call (log messages).
 */
@Component
class McpNotifier {
  private static final List<String> ALL = List.of("notifications/tools/list_changed", "notifications/prompts/list_changed",
      "notifications/resources/list_changed");
  private final McpSessions sessions;
  private final PlaybookCache playbooks;

  McpNotifier(McpSessions sessions, PlaybookCache playbooks) {
    this.sessions = sessions;
    this.playbooks = playbooks;
  }

  @EventListener
  void playbookChanged(PlaybookCache.PlaybookChanged changed) {
    for (McpSessions.Session s : sessions.ofPlaybook(changed.playbookId())) {
      ALL.forEach(n -> s.push(JsonRpc.notification(n, null)));
    }
    for (McpSessions.Listen l : sessions.listening(changed.playbookId())) {
      ALL.forEach(n -> l.push(JsonRpc.notification(n, null)));
    }
  }

  @EventListener
  void upstreamChanged(Upstreams.UpstreamListChanged changed) {
    pushToServed(changed.serverId(), JsonRpc.notification(changed.notification(), null));
  }

  /** A log message or other notification that belongs to no one call: every open stream of a playbook with that server. */
  @EventListener
  void upstreamSaid(Upstreams.UpstreamNotification said) {
    pushToServed(said.serverId(), said.message());
  }

  private static boolean concerns(McpSessions.Session s, tools.jackson.databind.JsonNode message) {
    if (!"notifications/resources/updated".equals(message.path("method").asString(""))) return true;
    return s.subscribes(message.path("params").path("uri").asString(""));
  }

  private void pushToServed(java.util.UUID serverId, tools.jackson.databind.JsonNode message) {
    if (message.path("method").asString("").endsWith("/list_changed")) {
      playbooks.servedBy(serverId).ifPresent(playbookId -> sessions.listening(playbookId).forEach(l -> l.push(message)));
    }
    for (McpSessions.Session s : sessions.streaming()) {
      boolean serves = playbooks.peek(s.playbookId())
          .map(p -> p.servers().stream().anyMatch(server -> server.id().equals(serverId))).orElse(false);
      if (serves && concerns(s, message)) s.push(message);
    }
  }
}
