package io.director.sessions.internal;

import io.director.identity.Principal;
import io.director.sessions.SessionEvent;
import io.director.sessions.SessionStatus;
import io.director.sessions.SessionView;
import io.director.sessions.Sessions;
import io.director.shared.DirectorException;
import io.director.shared.ProblemKind;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** What the {@link Sessions} facade does, on the module's internals. */
@Component
public class SessionLifecycle {
  private static final Set<String> DRIVERS = Set.of("bubblewrap", "kubernetes", "process");

  private final SessionStore store;
  private final Supervisor supervisor;
  private final Transcript transcript;
  private final SessionsConfig config;
  private final SandboxHost host;
  private final SessionCredentials credentials;
  private final TransactionTemplate tx;
  private final Clock clock;
  private final io.director.platform.Instances instances;
  private final WorkspaceFiles workspaces;

  SessionLifecycle(SessionStore store, Supervisor supervisor, Transcript transcript, SessionsConfig config, SandboxHost host,
      SessionCredentials credentials, TransactionTemplate tx, Clock clock, io.director.platform.Instances instances,
      WorkspaceFiles workspaces) {
    this.workspaces = workspaces;
    this.store = store;
    this.supervisor = supervisor;
    this.transcript = transcript;
    this.config = config;
    this.host = host;
    this.credentials = credentials;
    this.tx = tx;
    this.clock = clock;
    this.instances = instances;
  }

  public SessionView create(Principal principal, JsonNode body, Predicate<UUID> playbookExists) {
    String tenant = principal.tenantId();
    var driver = supervisor.driver();
    SessionStore.TenantSettings settings = store.tenantSettings(tenant);
    SessionRequest req = SessionRequest.parse(body, config.defaults(), settings.limits());
    if (req.driver().isPresent() && !req.driver().get().equals(driver.name())) {
      throw DirectorException.field("sessions.invalid-driver", "driver", DRIVERS.contains(req.driver().get())
          ? "this instance runs the " + driver.name() + " driver (DIRECTOR_SANDBOX); it cannot run " + req.driver().get()
          : "unknown driver; use bubblewrap, kubernetes or process");
    }
    if (req.network() == io.director.sessions.NetworkMode.OPEN && !config.allowOpenNetwork()) {
      throw DirectorException.field("sessions.network-refused", "network.mode",
          "network mode open is turned off here (SANDBOX_ALLOW_OPEN_NETWORK); use allowlist with the hosts the agent needs");
    }
    driver.refuse(req.network()).ifPresent(why -> {
      throw DirectorException.field("sessions.network-unsupported", "network.mode", why);
    });
    if (req.stdin() && driver.name().equals("kubernetes")) {
      throw DirectorException.field("sessions.stdin-unsupported", "stdin", "the kubernetes driver does not attach stdin");
    }
    if (driver.name().equals("kubernetes")
        && req.files().entrySet().stream().mapToLong(f -> f.getKey().length() + f.getValue().length() * 4L / 3 + 64).sum() > 900 * 1024) {
      throw DirectorException.field("sessions.workspace-too-large", "workspace.files",
          "the kubernetes driver carries workspace files in a Secret, which holds at most 1 MiB; send less than 900 KiB");
    }
    if (req.playbookId().isPresent() && !playbookExists.test(req.playbookId().get())) {
      throw DirectorException.field("sessions.invalid-playbook", "playbook_id", "no such playbook in your tenant");
    }
    if (driver.name().equals("process") && !config.allowUnsandboxed()) {
      throw DirectorException.unavailable("sessions.unsandboxed-refused",
          "this instance is set to run sessions without a sandbox (DIRECTOR_SANDBOX=process), which needs DANGEROUSLY_ALLOW_UNSANDBOXED_SESSIONS=true");
    }
    driver.unavailable().ifPresent(why -> {
      throw DirectorException.unavailable("sessions.sandbox-unavailable", why);
    });
    if (!supervisor.reserve()) {
      throw new DirectorException(ProblemKind.RATE_LIMITED, "sessions.instance-full",
          "this instance already runs " + config.maxSessions() + " sessions (MAX_AGENT_SESSIONS); retry when one ends");
    }
    boolean launched = false;
    try {
      UUID id = UUID.randomUUID();
      SessionCredentials.Minted token = SessionCredentials.mint();
      SessionRow row = new SessionRow(id, tenant, principal.label(), principal.userId(), req.name(), req.command(),
          List.copyOf(req.env().keySet()), req.playbookId(), req.limits(), req.network(), req.allow(), req.stdin(), driver.name(),
          SessionStatus.PENDING, Optional.empty(), Optional.empty(), Map.of(), instances.id(),
          Optional.of(host.workspace(id).toString()), 0, false, Optional.empty(), clock.instant(), Optional.empty(),
          Optional.empty(), Optional.empty());
      tx.executeWithoutResult(s -> {
        store.lockTenant(tenant);
        int max = settings.maxSessions().orElse(config.maxPerTenant());
        if (store.activeInTenant(tenant) >= max) {
          throw new DirectorException(ProblemKind.RATE_LIMITED, "sessions.tenant-quota",
              "your tenant already runs " + max + " sessions, its quota; retry when one ends");
        }
        store.insert(row, token.hash());
      });
      credentials.remember(row, token.hash());
      supervisor.launch(row, req.env(), req.files(), token.secret());
      launched = true;
      return view(row);
    } finally {
      if (!launched) supervisor.release();
    }
  }

  public List<SessionView> list(String tenant, Optional<SessionStatus> status, Optional<Instant> before, int limit) {
    return store.list(tenant, status, before, limit).stream().map(SessionLifecycle::view).toList();
  }

  public SessionView get(String tenant, UUID id) {
    return view(find(tenant, id));
  }

  private SessionRow find(String tenant, UUID id) {
    return store.find(tenant, id).orElseThrow(() -> DirectorException.notFound("sessions.not-found", "no such session"));
  }

  public void follow(String tenant, UUID id, long after, boolean live0, Sessions.EventSink sink) throws IOException {
    SessionRow row = find(tenant, id);
    long last = Math.max(0, after);
    BlockingQueue<SessionEvent> queue = new ArrayBlockingQueue<>(8192);
    Optional<Transcript.Live> live = live0 ? transcript.live(id) : Optional.empty();
    List<SessionEvent> unwritten = live.map(l -> l.listen(queue)).orElse(List.of());
    try {
      // what is stored, then what is not stored yet, then live: each entry once, in order
      while (true) {
        List<SessionEvent> page = store.events(id, last, 1000);
        for (SessionEvent e : page) {
          if (!sink.send(e) || e.last()) return;
          last = e.seq();
        }
        if (page.size() < 1000) break;
      }
      for (SessionEvent e : unwritten) {
        if (e.seq() <= last) continue;
        if (!sink.send(e) || e.last()) return;
        last = e.seq();
      }
      if (!live0) {
        for (SessionEvent e : transcript.live(id).map(Transcript.Live::unwritten).orElse(List.of())) {
          if (e.seq() > last && !sink.send(e)) return;
        }
        return;
      }
      if (live.isPresent()) {
        int idle = 0;
        while (true) {
          SessionEvent e = queue.poll(1, TimeUnit.SECONDS);
          if (e == null) {
            // ended between entries, or this reader fell behind and was dropped: carry on from the store
            if (transcript.live(id).isEmpty() || !live.get().listening(queue)) break;
            if (++idle % 15 == 0 && !sink.keepAlive()) return;
            continue;
          }
          idle = 0;
          if (e.seq() <= last) continue;
          if (e.seq() > last + 1) break; // entries were dropped for a slow reader: carry on from the store
          if (!sink.send(e) || e.last()) return;
          last = e.seq();
        }
      }
      // held by another instance (or the live feed was left): poll the store
      int quiet = 0;
      int idle = 0;
      while (true) {
        List<SessionEvent> page = store.events(id, last, 1000);
        for (SessionEvent e : page) {
          if (!sink.send(e) || e.last()) return;
          last = e.seq();
        }
        if (page.isEmpty()) {
          boolean active = store.find(tenant, id).map(r -> r.status().active()).orElse(false);
          if (!active && ++quiet > 2) return;
          if (++idle % 60 == 0 && !sink.keepAlive()) return; // every 15 s: also finds a reader that left
          Thread.sleep(250);
        } else {
          idle = 0;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      live.ifPresent(l -> l.unlisten(queue));
    }
  }

  public void input(String tenant, UUID id, byte[] data, boolean close) {
    SessionRow row = find(tenant, id);
    if (!row.stdin()) throw new DirectorException(ProblemKind.CONFLICT, "sessions.no-stdin", "this session was created without stdin: true");
    if (!row.status().active()) throw new DirectorException(ProblemKind.CONFLICT, "sessions.not-running", "the session has ended");
    if (data.length > 1024 * 1024) throw DirectorException.invalid("sessions.input-too-large", "input is limited to 1 MiB per request");
    if (!supervisor.write(id, data, close)) {
      store.queueInput(id, data, close);
      supervisor.notifyOwner(id);
    }
  }

  public SessionView stop(String tenant, UUID id) {
    SessionRow row = find(tenant, id);
    if (row.status().active()) {
      store.requestStop(id, "stop");
      if (supervisor.isLocal(id)) supervisor.stop(id, "stop");
      else supervisor.notifyOwner(id);
    }
    return view(find(tenant, id));
  }

  public void delete(String tenant, UUID id) {
    SessionRow row = find(tenant, id);
    if (row.status().active()) {
      throw new DirectorException(ProblemKind.CONFLICT, "sessions.still-running", "stop the session before deleting it");
    }
    if (!store.delete(tenant, id)) throw DirectorException.notFound("sessions.not-found", "no such session");
    host.remove(id);
  }

  public List<Sessions.FileEntry> files(String tenant, UUID id, String dir) {
    return workspaces.list(find(tenant, id), dir);
  }

  public Sessions.Download download(String tenant, UUID id, String path) {
    return workspaces.download(find(tenant, id), path);
  }

  public Sessions.TenantSettings tenantSettings(String tenant) {
    SessionStore.TenantSettings s = store.tenantSettings(tenant);
    return new Sessions.TenantSettings(s.maxSessions().orElse(null), s.maxSessions().orElse(config.maxPerTenant()), limitsMap(s.limits()));
  }

  public Sessions.TenantSettings putTenantSettings(String tenant, JsonNode body, boolean mayChangeQuota) {
    if (body == null || !body.isObject()) throw DirectorException.field("sessions.invalid", "body", "must be an object {max_sessions?, limits?}");
    for (String f : body.propertyNames()) {
      if (!f.equals("max_sessions") && !f.equals("limits")) throw DirectorException.field("sessions.unknown-field", SessionRequest.abbreviate(f), "unknown field; use max_sessions and limits");
    }
    SessionStore.TenantSettings current = store.tenantSettings(tenant);
    Optional<Integer> max = current.maxSessions();
    if (body.has("max_sessions")) {
      JsonNode m = body.get("max_sessions");
      if (!mayChangeQuota) throw new DirectorException(ProblemKind.FORBIDDEN, "identity.missing-role", "only admins change a tenant's quota");
      if (m.isNull()) max = Optional.empty();
      else if (m.isIntegralNumber() && m.asInt() >= 0 && m.asInt() <= 100_000) max = Optional.of(m.asInt());
      else throw DirectorException.field("sessions.invalid-quota", "max_sessions", "must be a whole number from 0 to 100000, or null for the default");
    }
    ObjectNode limits = current.limits();
    if (body.has("limits")) {
      JsonNode l = body.get("limits");
      if (l.isNull()) limits = SessionStore.JSON.createObjectNode();
      else {
        SessionRequest.limits(l, config.defaults(), null); // checks every value
        limits = (ObjectNode) l;
      }
    }
    store.putTenantSettings(tenant, max, limits, clock.instant());
    return tenantSettings(tenant);
  }

  private static Map<String, Object> limitsMap(JsonNode limits) {
    Map<String, Object> m = new LinkedHashMap<>();
    limits.properties().forEach(e -> m.put(e.getKey(), e.getValue().isIntegralNumber() ? e.getValue().asLong() : e.getValue().asDouble()));
    return m;
  }

  static SessionView view(SessionRow r) {
    Map<String, Object> limits = new LinkedHashMap<>();
    limits.put("cpus", r.limits().cpus());
    limits.put("memory_mb", r.limits().memoryMb());
    limits.put("pids", r.limits().pids());
    limits.put("timeout_s", r.limits().timeoutSeconds());
    limits.put("output_mb", r.limits().outputMb());
    Map<String, Object> network = new LinkedHashMap<>();
    network.put("mode", r.network().wire());
    network.put("allow", r.allow());
    return new SessionView(r.id(), r.name(), r.status().wire(), r.reason().orElse(null), r.exitCode().orElse(null), r.command(),
        r.envNames(), r.playbookId().orElse(null), limits, network, r.stdin(), r.driver(), r.enforced(), r.outputBytes(),
        r.outputTruncated(), r.createdBy(), r.createdAt(), r.startedAt().orElse(null), r.firstOutputAt().orElse(null),
        r.endedAt().orElse(null), r.instanceId());
  }
}
