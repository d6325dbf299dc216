package io.director.sessions.internal;

import io.director.identity.Audit;
import io.director.platform.db.Notifications;
import io.director.sessions.SessionStatus;
import io.director.sessions.sandbox.LaunchSpec;
import io.director.sessions.sandbox.Sandbox;
import io.director.sessions.sandbox.SandboxDriver;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs the sessions of this instance: prepares the workspace, starts the sandbox, follows it to its
 * end, enforces the timeout, and writes the outcome. Stops and input for a session held by another
 * instance travel through the database and a NOTIFY; sessions of an instance that is gone are
 * marked lost by whichever instance notices first.
 */
@Component
public class Supervisor {
  private static final Logger log = LoggerFactory.getLogger(Supervisor.class);
  static final String CHANNEL = "director_agent_sessions";

  private final SessionStore store;
  private final Transcript transcript;
  private final SandboxDriver driver;
  private final SessionsConfig config;
  private final Clock clock;
  private final JdbcClient jdbc;
  private final Audit audit;
  private final SessionMetrics metrics;
  private final SandboxHost host;
  private final SessionCredentials credentials;
  private final Map<UUID, Running> running = new ConcurrentHashMap<>();
  private final AtomicInteger slots = new AtomicInteger();
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().name("session-timers").daemon().factory());
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .executor(Executors.newVirtualThreadPerTaskExecutor()).build();

  Supervisor(SessionStore store, Transcript transcript, SandboxDriver driver, SessionsConfig config, Clock clock,
      JdbcClient jdbc, Audit audit, SessionMetrics metrics, SandboxHost host, Notifications notifications, SessionCredentials credentials) {
    this.credentials = credentials;
    this.store = store;
    this.transcript = transcript;
    this.driver = driver;
    this.config = config;
    this.clock = clock;
    this.jdbc = jdbc;
    this.audit = audit;
    this.metrics = metrics;
    this.host = host;
    notifications.subscribe(CHANNEL, new Notifications.Listener() {
      @Override
      public void notified(String payload) {
        try {
          UUID id = UUID.fromString(payload);
          if (running.containsKey(id)) Thread.ofVirtual().start(() -> remoteRequest(id));
        } catch (IllegalArgumentException e) {
          log.debug("ignoring notification {}", payload);
        }
      }

      @Override
      public void reset() {
        // a stop or input sent while we were not listening is found by the next tick
        running.keySet().forEach(id -> Thread.ofVirtual().start(() -> remoteRequest(id)));
      }
    });
    timers.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
  }

  SandboxDriver driver() {
    return driver;
  }

  /** Takes one of this instance's session slots, or says the instance is full. */
  boolean reserve() {
    while (true) {
      int n = slots.get();
      if (n >= config.maxSessions()) return false;
      if (slots.compareAndSet(n, n + 1)) return true;
    }
  }

  void release() {
    slots.decrementAndGet();
  }

  boolean isLocal(UUID id) {
    return running.containsKey(id);
  }

  /** Starts a stored pending session in the background; its slot is released when it ends. */
  void launch(SessionRow row, Map<String, String> env, Map<String, String> files, String token) {
    Running r = new Running(row);
    r.live = transcript.open(row.id(), row.limits().outputBytes(), r::discardOutput);
    running.put(row.id(), r);
    metrics.moved(Optional.empty(), Optional.of(SessionStatus.PENDING));
    Thread.ofVirtual().name("session-start-" + row.id()).start(() -> start(r, env, files, token));
  }

  private void start(Running r, Map<String, String> userEnv, Map<String, String> files, String token) {
    SessionRow row = r.row;
    try {
      // recorded alongside, not before: the start does not wait for it (and 'running' overrides it in either order)
      Instant startingAt = clock.instant();
      Thread.ofVirtual().start(() -> {
        try {
          store.starting(row.id(), startingAt);
        } catch (RuntimeException e) {
          log.debug("session {}: status starting not recorded: {}", row.id(), e.toString());
        }
      });
      status(r, SessionStatus.STARTING);
      Path runDir = host.runDir(row.id());
      Path workspace = host.prepare(row.id(), files);
      Optional<Path> socket = Optional.empty();
      if (row.playbookId().isPresent()) {
        Path path = runDir.resolve("mcp.sock");
        URI endpoint = URI.create("http://127.0.0.1:" + host.port() + "/playbooks/" + row.playbookId().get() + "/mcp");
        r.tools = ToolSocket.open(path, endpoint, token, http, host.sandboxUid());
        socket = Optional.of(path);
      }
      if (row.network() == io.director.sessions.NetworkMode.ALLOWLIST && !driver.name().equals("kubernetes")) {
        r.egress = EgressProxy.open(runDir.resolve("egress.sock"), row.allow(), host.sandboxUid(), config.egressAllowLocal());
      }
      Map<String, String> env = environment(row, userEnv, workspace, socket, token);
      LaunchSpec spec = new LaunchSpec(row.id(), row.tenantId(), row.command(), env, workspace, runDir, row.limits(), row.network(),
          row.allow(), row.stdin(), socket, r.live);
      r.deadline = clock.instant().plusSeconds(row.limits().timeoutSeconds());
      Sandbox sandbox = driver.launch(spec);
      r.sandbox = sandbox;
      // from here on the sandbox's exit ends the session, whatever else fails
      sandbox.exit().whenComplete((exit, failure) -> Thread.ofVirtual().start(() -> finish(r, exit, failure)));
      if (r.live.truncated()) sandbox.discardOutput(); // it flooded before we held it
      Instant now = clock.instant();
      status(r, SessionStatus.RUNNING);
      store.running(row.id(), now, sandbox.enforced());
      metrics.started(Duration.between(row.createdAt(), now));
      r.flushInput();
      if (r.stop.get() != null) stopNow(r); // stopped while starting
    } catch (IOException | RuntimeException e) {
      log.warn("session {} could not start: {}", row.id(), e.getMessage());
      ObjectNode n = SessionStore.JSON.createObjectNode().put("text", "director: the session could not start: " + e.getMessage()).put("eol", true);
      r.live.add("stderr", n);
      Sandbox s = r.sandbox;
      if (s != null) {
        r.failedStart = true;
        s.kill(); // its exit ends the session
      } else {
        end(r, SessionStatus.FAILED, Optional.of("start_failed"), Optional.empty());
      }
    }
  }

  private Map<String, String> environment(SessionRow row, Map<String, String> userEnv, Path workspace, Optional<Path> socket, String token) {
    Map<String, String> env = new LinkedHashMap<>();
    boolean own = host.ownFilesystem(driver);
    env.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    env.put("HOME", own ? LaunchSpec.SANDBOX_WORKSPACE : workspace.toString());
    env.put("TMPDIR", "/tmp");
    env.put("LANG", "C.UTF-8");
    if (row.network() == io.director.sessions.NetworkMode.ALLOWLIST && !driver.name().equals("kubernetes")) {
      for (String name : new String[] {"HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"}) env.put(name, "http://127.0.0.1:3128");
      env.put("NO_PROXY", "localhost,127.0.0.1");
      env.put("no_proxy", "localhost,127.0.0.1");
    }
    env.putAll(userEnv);
    env.put("DIRECTOR_SESSION_ID", row.id().toString());
    env.put("DIRECTOR_WORKSPACE", own ? LaunchSpec.SANDBOX_WORKSPACE : workspace.toString());
    if (row.playbookId().isPresent()) {
      env.put("DIRECTOR_MCP_TOKEN", token);
      env.put("DIRECTOR_PLAYBOOK_ID", row.playbookId().get().toString());
      socket.ifPresent(s -> env.put("DIRECTOR_MCP_SOCKET", own ? LaunchSpec.SANDBOX_SOCKET : s.toString()));
      host.bridgeCommand(driver).ifPresent(c -> env.put("DIRECTOR_MCP_COMMAND", c));
      // over the network where the session can reach Director: open sessions, unsandboxed ones, and Pods (no socket there)
      boolean reachable = row.network() == io.director.sessions.NetworkMode.OPEN || !own
          || driver.name().equals("kubernetes") && row.network() != io.director.sessions.NetworkMode.NONE;
      host.publicMcpUrl(row.playbookId().get()).filter(u -> reachable).ifPresent(u -> env.put("DIRECTOR_MCP_URL", u));
    }
    return env;
  }

  private void status(Running r, SessionStatus status) {
    metrics.moved(Optional.of(r.status), Optional.of(status));
    r.status = status;
    r.live.add("status", SessionStore.JSON.createObjectNode().put("status", status.wire()));
  }

  private void finish(Running r, Sandbox.Exit exit, Throwable failure) {
    if (failure != null || exit == null) {
      end(r, SessionStatus.LOST, Optional.of("driver_error"), Optional.empty());
      return;
    }
    String stop = r.stop.get();
    SessionStatus status;
    Optional<String> reason;
    if (r.failedStart) {
      status = SessionStatus.FAILED;
      reason = Optional.of("start_failed");
    } else if ("timeout".equals(stop)) {
      status = SessionStatus.TIMED_OUT;
      reason = Optional.of("timeout");
    } else if ("stop".equals(stop)) {
      status = SessionStatus.STOPPED;
      reason = Optional.of(r.killed ? "killed" : "stopped");
    } else if ("shutdown".equals(stop)) {
      status = SessionStatus.LOST;
      reason = Optional.of("director_stopped");
    } else if (exit.code() != 0 && exit.limit().isPresent()) { // a limit hit explains a failure, never turns a success into one
      status = SessionStatus.FAILED;
      reason = exit.limit();
    } else if (exit.code() == 0) {
      status = SessionStatus.COMPLETED;
      reason = Optional.empty();
    } else {
      status = SessionStatus.FAILED;
      reason = Optional.of(exit.code() > 128 ? "killed" : "exit_code");
    }
    end(r, status, reason, Optional.of(exit.code()));
  }

  private void end(Running r, SessionStatus status, Optional<String> reason, Optional<Integer> code) {
    if (!r.ended.compareAndSet(false, true)) return; // a session ends once
    SessionRow row = r.row;
    if (r.killTimer != null) r.killTimer.cancel(false);
    if (r.tools != null) r.tools.close();
    if (r.egress != null) r.egress.close();
    credentials.forget(row.id());
    ObjectNode n = SessionStore.JSON.createObjectNode().put("status", status.wire());
    reason.ifPresentOrElse(x -> n.put("reason", x), () -> n.putNull("reason"));
    code.ifPresentOrElse(c -> n.put("exit_code", c), () -> n.putNull("exit_code"));
    r.live.flushPartials(true); // a last line without a newline comes before the exit
    r.live.add("exit", n);
    transcript.close(row.id());
    recordEnd(row.id(), status, reason, code, clock.instant(), 0);
    metrics.moved(Optional.of(r.status), Optional.empty());
    metrics.ended(status, reason);
    log.atInfo().addKeyValue("session", row.id()).addKeyValue("status", status.wire()).addKeyValue("reason", reason.orElse(""))
        .log("session {} ended {}{}", row.id(), status.wire(), reason.map(x -> " (" + x + ")").orElse(""));
    if (status != SessionStatus.COMPLETED && status != SessionStatus.FAILED) {
      audit.record("session_ended", row.tenantId(), "director", Map.of("session", row.id().toString(), "status", status.wire(),
          "reason", reason.orElse("")));
    }
    host.finished(row.id());
    running.remove(row.id());
    release();
  }

  /** Writes the end; while the database is away, tries again every 5 s (for up to an hour). */
  private void recordEnd(UUID id, SessionStatus status, Optional<String> reason, Optional<Integer> code, Instant at, int attempt) {
    try {
      store.ended(id, status, reason, code, at);
    } catch (RuntimeException e) {
      log.warn("could not record the end of session {} (attempt {}): {}", id, attempt + 1, e.toString());
      if (attempt < 720 && !timers.isShutdown()) {
        timers.schedule(() -> recordEnd(id, status, reason, code, at, attempt + 1), 5, TimeUnit.SECONDS);
      }
    }
  }

  /** Asks the session to stop: SIGTERM to every process, SIGKILL after the grace period. */
  void stop(UUID id, String why) {
    Running r = running.get(id);
    if (r == null) return;
    if (!r.stop.compareAndSet(null, why)) return;
    stopNow(r);
  }

  private void stopNow(Running r) {
    Sandbox s = r.sandbox;
    if (s == null) return; // the starter sees the request once the sandbox exists
    s.terminate();
    try {
      r.killTimer = timers.schedule(() -> {
        r.killed = true;
        s.kill();
      }, config.stopGrace().toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      s.kill(); // shutting down: no grace
    }
  }

  /** Sends stop or input to the instance holding the session. */
  void notifyOwner(UUID id) {
    jdbc.sql("SELECT pg_notify(:c, :p)").param("c", CHANNEL).param("p", id.toString()).query().singleRow();
  }

  private void remoteRequest(UUID id) {
    Running r = running.get(id);
    if (r == null) return;
    r.remote.lock(); // one at a time, so that input taken in order is written in order
    try {
      Optional<SessionRow> row = store.findAnyTenant(id);
      if (row.isEmpty()) return;
      row.get().stopRequested().ifPresent(why -> stop(id, why));
      for (Object[] input : store.takeInput(id)) write(id, (byte[]) input[1], (Boolean) input[2]);
    } catch (RuntimeException e) {
      log.warn("handling a request for session {}: {}", id, e.toString());
    } finally {
      r.remote.unlock();
    }
  }

  /** Writes to the session's stdin (and closes it if asked). False when this instance does not hold the session. */
  boolean write(UUID id, byte[] data, boolean close) {
    Running r = running.get(id);
    if (r == null) return false;
    r.input(data, close);
    return true;
  }

  private void tick() {
    Instant now = clock.instant();
    for (Running r : running.values()) {
      try {
        Sandbox s = r.sandbox;
        if (s == null) continue;
        s.tick();
        if (r.deadline != null && now.isAfter(r.deadline)) stop(r.row.id(), "timeout");
      } catch (RuntimeException e) {
        log.warn("session {} tick: {}", r.row.id(), e.toString());
      }
    }
  }

  /** On shutdown every sandbox of this instance ends (they would die with the process anyway) and is marked lost. */
  @jakarta.annotation.PreDestroy
  void shutdown() {
    timers.shutdownNow();
    for (Running r : running.values()) {
      r.stop.compareAndSet(null, "shutdown");
      Sandbox s = r.sandbox;
      if (s != null) s.kill();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!running.isEmpty() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    transcript.shutdown();
  }

  /** A session this instance holds. */
  private static final class Running {
    final SessionRow row;
    final AtomicReference<String> stop = new AtomicReference<>();
    final java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();
    final java.util.concurrent.locks.ReentrantLock remote = new java.util.concurrent.locks.ReentrantLock();
    private final java.util.concurrent.locks.ReentrantLock stdin = new java.util.concurrent.locks.ReentrantLock();
    /** Input that came before the sandbox existed, with whether stdin closes after it. */
    private final java.io.ByteArrayOutputStream early = new java.io.ByteArrayOutputStream();
    private boolean earlyClose;
    volatile boolean failedStart;
    volatile Transcript.Live live;
    volatile Sandbox sandbox;
    volatile ToolSocket tools;
    volatile EgressProxy egress;
    volatile Instant deadline;
    volatile ScheduledFuture<?> killTimer;
    volatile boolean killed;
    volatile SessionStatus status = SessionStatus.PENDING;

    Running(SessionRow row) {
      this.row = row;
    }

    void discardOutput() {
      Sandbox s = sandbox;
      if (s != null) s.discardOutput();
    }

    /** Writes to stdin, or keeps it until the sandbox exists (at most 1 MiB). */
    void input(byte[] data, boolean close) {
      stdin.lock();
      try {
        Optional<OutputStream> in = Optional.ofNullable(sandbox).flatMap(Sandbox::stdin);
        if (sandbox == null) {
          if (early.size() + data.length <= 1024 * 1024) early.writeBytes(data);
          earlyClose |= close;
          return;
        }
        if (in.isEmpty()) return;
        in.get().write(data);
        in.get().flush();
        if (close) in.get().close();
      } catch (IOException e) {
        log.debug("stdin of session {}: {}", row.id(), e.getMessage());
      } finally {
        stdin.unlock();
      }
    }

    /** The sandbox exists now: what came before it goes in first. */
    void flushInput() {
      stdin.lock();
      try {
        Optional<OutputStream> in = Optional.ofNullable(sandbox).flatMap(Sandbox::stdin);
        if (in.isEmpty() || early.size() == 0 && !earlyClose) return;
        in.get().write(early.toByteArray());
        in.get().flush();
        early.reset();
        if (earlyClose) in.get().close();
      } catch (IOException e) {
        log.debug("stdin of session {}: {}", row.id(), e.getMessage());
      } finally {
        stdin.unlock();
      }
    }
  }

}
