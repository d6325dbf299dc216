package io.director.gateway.internal;

import io.director.gateway.Playbook;
import io.director.platform.db.Notifications;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Playbooks as the MCP endpoint serves them, cached in memory and dropped the moment any instance
 * changes them: a trigger NOTIFYs {@code director_playbooks} with the playbook id, and every
 * instance LISTENs ({@link Notifications}). While that connection is down nothing is cached, so a
 * stale playbook is never served.
 */
@Component
public class PlaybookCache {
  private static final String CHANNEL = "director_playbooks";

  private final PlaybookStore store;
  private final Notifications notifications;
  private final Map<UUID, Playbook> cache = new ConcurrentHashMap<>();
  /** Bumped by every notification: a load that saw a bump in between is not cached. */
  private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();

  private final org.springframework.context.ApplicationEventPublisher events;

  /** A playbook was created, edited or deleted, on this instance or another. */
  public record PlaybookChanged(UUID playbookId) {}

  PlaybookCache(PlaybookStore store, Notifications notifications, org.springframework.context.ApplicationEventPublisher events) {
    this.store = store;
    this.notifications = notifications;
    this.events = events;
    notifications.subscribe(CHANNEL, new Notifications.Listener() {
      @Override
      public void notified(String payload) {
        generation.incrementAndGet();
        try {
          UUID id = UUID.fromString(payload);
          cache.remove(id);
          events.publishEvent(new PlaybookChanged(id));
        } catch (IllegalArgumentException e) {
          cache.clear();
        }
      }

      @Override
      public void reset() {
        generation.incrementAndGet();
        cache.clear();
      }
    });
  }

  /** The playbook if it belongs to {@code tenant}. */
  public Optional<Playbook> find(String tenant, UUID id) {
    if (!notifications.listening()) return store.find(tenant, id);
    Playbook cached = cache.get(id);
    if (cached == null) {
      long before = generation.get();
      Optional<Playbook> loaded = store.find(tenant, id);
      // cache only when no change was announced while loading, so a stale copy cannot stick
      if (loaded.isPresent() && notifications.listening() && generation.get() == before) cache.putIfAbsent(id, loaded.get());
      return loaded;
    }
    return cached.tenantId().equals(tenant) ? Optional.of(cached) : Optional.empty();
  }

  /** The cached copy, whatever its tenant: for internal routing only, never for answering a caller. */
  public Optional<Playbook> peek(UUID id) {
    return Optional.ofNullable(cache.get(id));
  }

  /** The cached playbook that has the upstream server {@code serverId}, for internal routing only. */
  public Optional<UUID> servedBy(UUID serverId) {
    return cache.values().stream().filter(p -> p.servers().stream().anyMatch(s -> s.id().equals(serverId))).map(Playbook::id).findFirst();
  }
}
