package io.director.memory.internal;

import io.director.identity.Principal;
import io.director.identity.Scope;
import io.director.memory.Decision;
import io.director.memory.Memory;
import io.director.memory.MemoryEvent;
import io.director.platform.config.DirectorConfig;
import io.director.shared.DirectorException;
import io.director.shared.ProblemKind;
import io.director.shared.SecretBox;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Writing and reading events, memories and decisions: checks, secret redaction or sealing, the
 * row and its index entry in one transaction.
 */
@Component
public class MemoryItems {
  public static final Set<String> EVENT_KINDS = Set.of("message", "tool_call", "tool_result", "decision", "task_update", "artifact", "note");
  public static final Set<String> SENSITIVITIES = Set.of("none", "low", "high", "secret");
  private static final Set<String> ACTOR_TYPES = Set.of("human", "agent", "tool");
  private static final Set<String> CHANNELS = Set.of("private", "team", "public");
  private static final Set<String> EVENT_FIELDS = Set.of("namespace", "kind", "actor", "channel", "content", "content_json", "tags", "refs",
      "sensitivity", "session_id", "created_at");
  private static final Set<String> MEMORY_FIELDS = Set.of("namespace", "text", "tags", "importance", "source_refs", "valid_from", "valid_to",
      "sensitivity");
  private static final Set<String> PATCH_FIELDS = Set.of("text", "tags", "importance", "valid_from", "valid_to");
  private static final Set<String> DECISION_FIELDS = Set.of("namespace", "title", "decision", "rationale", "alternatives", "scope", "tags",
      "supersedes");
  public static final int MAX_BATCH = 100;

  private final MemoryStore store;
  private final Indexer indexer;
  private final TransactionTemplate tx;
  private final SecretBox box;
  private final MemoryConfig config;
  private final Clock clock;
  private final MemoryMetrics metrics;

  MemoryItems(MemoryStore store, Indexer indexer, TransactionTemplate tx, DirectorConfig director, MemoryConfig config, Clock clock,
      MemoryMetrics metrics) {
    this.metrics = metrics;
    this.store = store;
    this.indexer = indexer;
    this.tx = tx;
    this.box = new SecretBox(director.secret().orElseThrow());
    this.config = config;
    this.clock = clock;
  }

  // ---- events

  /** Appends events (one request's batch) to the log; all or none are stored. */
  public List<MemoryEvent> record(Principal p, String defaultNamespace, List<JsonNode> docs) {
    if (docs.isEmpty()) throw DirectorException.field("memory.invalid", "events", "must hold at least one event");
    if (docs.size() > MAX_BATCH) throw DirectorException.field("memory.invalid", "events", "must hold at most " + MAX_BATCH + " events");
    Instant now = clock.instant();
    List<MemoryEvent> events = new ArrayList<>();
    List<String> sealed = new ArrayList<>();
    List<Indexer.Item> items = new ArrayList<>();
    for (JsonNode doc : docs) {
      Fields.object(doc, "event", EVENT_FIELDS);
      String ns = Fields.namespace(Fields.text(doc, "namespace").orElse(defaultNamespace), "namespace");
      String kind = Fields.choice(doc, "kind", EVENT_KINDS).orElse("note");
      JsonNode actorDoc = doc.get("actor");
      MemoryEvent.Actor actor = new MemoryEvent.Actor("agent", p.label());
      if (actorDoc != null && !actorDoc.isNull()) {
        Fields.object(actorDoc, "actor", Set.of("type", "id"));
        String type = Fields.choice(actorDoc, "type", ACTOR_TYPES).orElse("agent");
        String id = Fields.text(actorDoc, "id").orElse(p.label());
        if (id.isBlank() || id.length() > 200) throw DirectorException.field("memory.invalid", "actor.id", "must be 1 to 200 characters");
        actor = new MemoryEvent.Actor(type, id);
      }
      String channel = Fields.choice(doc, "channel", CHANNELS).orElse("team");
      String content = Fields.content(doc, "content", config.maxContentBytes());
      JsonNode json = Fields.json(doc, "content_json", config.maxContentBytes()).orElse(null);
      String sensitivity = sensitivity(p, doc);
      Instant created = Fields.instant(doc, "created_at").orElse(now);
      UUID id = UUID.randomUUID();
      boolean secret = sensitivity.equals("secret");
      SecretScanner.Result scanned = secret ? new SecretScanner.Result(content, List.of()) : SecretScanner.scan(content);
      if (json != null && !secret && SecretScanner.scan(json.toString()).redacted()) {
        throw DirectorException.field("memory.secret-in-json", "content_json",
            "looks like it holds a credential; remove it, or mark the event sensitivity secret");
      }
      MemoryEvent e = new MemoryEvent(id, ns, kind, actor, channel, scanned.text(), json, Fields.tags(doc, "tags"),
          Fields.strings(doc, "refs", 64, 200), sensitivity, Fields.uuid(doc, "session_id").orElse(null), created, scanned.kinds());
      events.add(e);
      sealed.add(secret ? box.seal(content + (json == null ? "" : "\u0000" + json), sealContext(p.tenantId(), id)) : null);
      if (!secret) items.add(new Indexer.Item(id, p.tenantId(), "event", kind, e.tags(), e.content(), null, null, created));
    }
    List<Indexer.Prepared> prepared = indexer.prepare(items);
    List<Indexer.Written> written = new ArrayList<>();
    tx.executeWithoutResult(s -> {
      int next = 0;
      for (int i = 0; i < events.size(); i++) {
        MemoryEvent e = events.get(i);
        long ns = store.namespaceId(p.tenantId(), e.namespace());
        store.insertEvent(p.tenantId(), ns, sealed.get(i) == null ? e : withoutJson(e), sealed.get(i));
        if (sealed.get(i) == null) written.add(indexer.write(prepared.get(next++), ns));
      }
    });
    indexer.published(written);
    metrics.written("event", events.size());
    return events;
  }

  private static MemoryEvent withoutJson(MemoryEvent e) {
    return new MemoryEvent(e.id(), e.namespace(), e.kind(), e.actor(), e.channel(), e.content(), null, e.tags(), e.refs(), e.sensitivity(),
        e.session_id(), e.created_at(), e.redacted());
  }

  public List<MemoryEvent> events(Principal p, Optional<Long> ns, Optional<String> kind, Optional<Instant> since, Optional<Instant> before,
      int limit) {
    boolean secrets = p.has(Scope.MEMORY_SECRET);
    return store.events(p.tenantId(), ns, kind, since, before, secrets, limit).stream().map(s -> openEvent(p, s)).toList();
  }

  public MemoryEvent event(Principal p, UUID id) {
    return store.event(p.tenantId(), id).filter(s -> visible(p, s.event().sensitivity())).map(s -> openEvent(p, s))
        .orElseThrow(() -> DirectorException.notFound("memory.not-found", "no such event"));
  }

  public void deleteEvent(Principal p, UUID id) {
    event(p, id);
    if (!store.deleteEvent(p.tenantId(), id)) throw DirectorException.notFound("memory.not-found", "no such event");
    indexer.removed(p.tenantId(), id);
  }

  private MemoryEvent openEvent(Principal p, MemoryStore.StoredEvent s) {
    MemoryEvent e = s.event();
    if (s.sealed() == null) return e;
    String plain = box.open(s.sealed(), sealContext(p.tenantId(), e.id()));
    int cut = plain.indexOf('\u0000');
    JsonNode json = cut < 0 ? null : tools.jackson.databind.json.JsonMapper.builder().build().readTree(plain.substring(cut + 1));
    return new MemoryEvent(e.id(), e.namespace(), e.kind(), e.actor(), e.channel(), cut < 0 ? plain : plain.substring(0, cut), json,
        e.tags(), e.refs(), e.sensitivity(), e.session_id(), e.created_at(), null);
  }

  // ---- memories

  public Memory remember(Principal p, String defaultNamespace, JsonNode doc) {
    Fields.object(doc, "body", MEMORY_FIELDS);
    String ns = Fields.namespace(Fields.text(doc, "namespace").orElse(defaultNamespace), "namespace");
    String text = Fields.content(doc, "text", config.maxContentBytes());
    String sensitivity = sensitivity(p, doc);
    Instant now = clock.instant();
    Optional<Instant> from = Fields.instant(doc, "valid_from");
    Optional<Instant> to = Fields.instant(doc, "valid_to");
    checkValidity(from.orElse(null), to.orElse(null));
    UUID id = UUID.randomUUID();
    boolean secret = sensitivity.equals("secret");
    SecretScanner.Result scanned = secret ? new SecretScanner.Result(text, List.of()) : SecretScanner.scan(text);
    Memory m = new Memory(id, ns, scanned.text(), Fields.tags(doc, "tags"), Fields.number(doc, "importance", 0, 1).orElse(0.5),
        Fields.strings(doc, "source_refs", 64, 200), from.orElse(null), to.orElse(null), sensitivity, 1, p.label(), now, now, scanned.kinds());
    String sealed = secret ? box.seal(text, sealContext(p.tenantId(), id)) : null;
    List<Indexer.Prepared> prepared = secret ? List.of() : indexer.prepare(List.of(memoryItem(p.tenantId(), m)));
    Indexer.Written w = tx.execute(s -> {
      long nsId = store.namespaceId(p.tenantId(), ns);
      store.insertMemory(p.tenantId(), nsId, m, sealed);
      return secret ? null : indexer.write(prepared.get(0), nsId);
    });
    if (w != null) indexer.published(List.of(w));
    metrics.written("memory", 1);
    return m;
  }

  public Memory update(Principal p, UUID id, JsonNode doc) {
    Fields.object(doc, "body", PATCH_FIELDS);
    MemoryStore.StoredMemory current = store.memory(p.tenantId(), id, false).filter(s -> visible(p, s.memory().sensitivity()))
        .orElseThrow(() -> DirectorException.notFound("memory.not-found", "no such memory"));
    Memory old = openMemory(p, current);
    boolean secret = old.sensitivity().equals("secret");
    String text = doc.has("text") ? Fields.content(doc, "text", config.maxContentBytes()) : old.text();
    SecretScanner.Result scanned = secret || !doc.has("text") ? new SecretScanner.Result(text, List.of()) : SecretScanner.scan(text);
    Instant from = doc.has("valid_from") ? Fields.instant(doc, "valid_from").orElse(null) : old.valid_from();
    Instant to = doc.has("valid_to") ? Fields.instant(doc, "valid_to").orElse(null) : old.valid_to();
    checkValidity(from, to);
    Memory m = new Memory(id, old.namespace(), scanned.text(), doc.has("tags") ? Fields.tags(doc, "tags") : old.tags(),
        Fields.number(doc, "importance", 0, 1).orElse(old.importance()), old.source_refs(), from, to, old.sensitivity(), old.version() + 1,
        old.created_by(), old.created_at(), clock.instant(), scanned.kinds());
    String sealed = secret ? box.seal(text, sealContext(p.tenantId(), id)) : null;
    List<Indexer.Prepared> prepared = secret ? List.of() : indexer.prepare(List.of(memoryItem(p.tenantId(), m)));
    Indexer.Written w = tx.execute(s -> {
      MemoryStore.StoredMemory locked = store.memory(p.tenantId(), id, true)
          .orElseThrow(() -> DirectorException.notFound("memory.not-found", "no such memory"));
      if (locked.memory().version() != old.version()) {
        throw new DirectorException(ProblemKind.CONFLICT, "memory.changed", "the memory changed while it was being updated; retry");
      }
      store.updateMemory(p.tenantId(), m, sealed, p.label());
      long nsId = store.namespace(p.tenantId(), m.namespace()).orElseThrow().id();
      return secret ? null : indexer.write(prepared.get(0), nsId);
    });
    if (w != null) indexer.published(List.of(w));
    return m;
  }

  public Memory memory(Principal p, UUID id) {
    return store.memory(p.tenantId(), id, false).filter(s -> visible(p, s.memory().sensitivity())).map(s -> openMemory(p, s))
        .orElseThrow(() -> DirectorException.notFound("memory.not-found", "no such memory"));
  }

  public List<Memory.Version> history(Principal p, UUID id) {
    Memory m = memory(p, id);
    return store.history(id).stream().map(row -> {
      Memory.Version v = (Memory.Version) row[0];
      String sealed = (String) row[1];
      return sealed == null ? v : new Memory.Version(v.version(), box.open(sealed, sealContext(p.tenantId(), m.id())), v.tags(),
          v.importance(), v.valid_from(), v.valid_to(), v.changed_by(), v.changed_at());
    }).toList();
  }

  public List<Memory> memories(Principal p, Optional<Long> ns, Optional<String> tag, Optional<Instant> before, int limit) {
    return store.memories(p.tenantId(), ns, tag, before, p.has(Scope.MEMORY_SECRET), limit).stream().map(s -> openMemory(p, s)).toList();
  }

  public void forget(Principal p, UUID id) {
    memory(p, id);
    if (!store.deleteMemory(p.tenantId(), id)) throw DirectorException.notFound("memory.not-found", "no such memory");
    indexer.removed(p.tenantId(), id);
  }

  private Memory openMemory(Principal p, MemoryStore.StoredMemory s) {
    Memory m = s.memory();
    if (s.sealed() == null) return m;
    return new Memory(m.id(), m.namespace(), box.open(s.sealed(), sealContext(p.tenantId(), m.id())), m.tags(), m.importance(),
        m.source_refs(), m.valid_from(), m.valid_to(), m.sensitivity(), m.version(), m.created_by(), m.created_at(), m.updated_at(), null);
  }

  private static Indexer.Item memoryItem(String tenant, Memory m) {
    return new Indexer.Item(m.id(), tenant, "memory", "memory", m.tags(), m.text(), m.importance(), m.valid_to(), m.created_at());
  }

  private static void checkValidity(Instant from, Instant to) {
    if (from != null && to != null && !to.isAfter(from)) throw DirectorException.field("memory.invalid-validity", "valid_to", "must be after valid_from");
  }

  // ---- decisions

  /** Records a decision; one it supersedes is marked superseded in the same transaction. */
  public Decision decide(Principal p, String defaultNamespace, JsonNode doc) {
    Fields.object(doc, "body", DECISION_FIELDS);
    String ns = Fields.namespace(Fields.text(doc, "namespace").orElse(defaultNamespace), "namespace");
    long max = config.maxContentBytes();
    String rawTitle = Fields.content(doc, "title", max);
    if (rawTitle.length() > 1000) throw DirectorException.field("memory.invalid", "title", "must be at most 1000 characters");
    SecretScanner.Result title = SecretScanner.scan(rawTitle);
    SecretScanner.Result decision = SecretScanner.scan(Fields.content(doc, "decision", max));
    SecretScanner.Result rationale = SecretScanner.scan(Fields.checkSize(Fields.text(doc, "rationale").orElse(""), "rationale", max));
    List<String> alternatives = Fields.strings(doc, "alternatives", 32, 2000).stream().map(a -> SecretScanner.scan(a).text()).toList();
    String scope = Fields.text(doc, "scope").orElse("");
    if (scope.length() > 200) throw DirectorException.field("memory.invalid", "scope", "must be at most 200 characters");
    Optional<UUID> supersedes = Fields.uuid(doc, "supersedes");
    Instant now = clock.instant();
    UUID id = UUID.randomUUID();
    List<String> redacted = new ArrayList<>();
    for (SecretScanner.Result r : List.of(title, decision, rationale)) r.kinds().stream().filter(k -> !redacted.contains(k)).forEach(redacted::add);
    Decision d = new Decision(id, ns, title.text(), decision.text(), rationale.text(), alternatives, "active", null, scope,
        Fields.tags(doc, "tags"), p.label(), now, now, List.copyOf(redacted));
    List<Indexer.Prepared> prepared = indexer.prepare(List.of(new Indexer.Item(id, p.tenantId(), "decision", "decision", d.tags(),
        searchText(d), null, null, now)));
    Indexer.Written w = tx.execute(s -> {
      long nsId = store.namespaceId(p.tenantId(), ns);
      store.insertDecision(p.tenantId(), nsId, d);
      supersedes.ifPresent(old -> {
        if (!store.supersede(p.tenantId(), nsId, old, id, now)) {
          throw DirectorException.field("memory.not-supersedable", "supersedes", "is not an active decision in namespace " + ns);
        }
      });
      return indexer.write(prepared.get(0), nsId);
    });
    indexer.published(List.of(w));
    metrics.written("decision", 1);
    return d;
  }

  public Decision decision(Principal p, UUID id) {
    return store.decision(p.tenantId(), id).orElseThrow(() -> DirectorException.notFound("memory.not-found", "no such decision"));
  }

  public List<Decision> decisions(Principal p, Optional<Long> ns, Optional<String> status, Optional<Instant> before, int limit) {
    return store.decisions(p.tenantId(), ns, status, before, limit);
  }

  public void deleteDecision(Principal p, UUID id) {
    if (!store.deleteDecision(p.tenantId(), id)) throw DirectorException.notFound("memory.not-found", "no such decision");
    indexer.removed(p.tenantId(), id);
  }

  /** What search reads of a decision: all its text. */
  static String searchText(Decision d) {
    return d.title() + "\n" + d.decision() + (d.rationale().isEmpty() ? "" : "\n" + d.rationale())
        + (d.alternatives().isEmpty() ? "" : "\nAlternatives: " + String.join("; ", d.alternatives()));
  }

  // ----

  /** The sensitivity asked for; {@code secret} needs the memory:secret scope. */
  private static String sensitivity(Principal p, JsonNode doc) {
    String s = Fields.choice(doc, "sensitivity", SENSITIVITIES).orElse("none");
    if (s.equals("secret") && !p.has(Scope.MEMORY_SECRET)) {
      throw new DirectorException(ProblemKind.FORBIDDEN, "identity.missing-scope", "storing a secret needs the memory:secret scope");
    }
    return s;
  }

  private static boolean visible(Principal p, String sensitivity) {
    return !sensitivity.equals("secret") || p.has(Scope.MEMORY_SECRET);
  }

  /** Binds a sealed text to its tenant and item, so it cannot be moved to another. */
  static String sealContext(String tenant, UUID id) {
    return "memory:" + tenant + ":" + id;
  }
}
