package io.director.sessions.sandbox.kubernetes;

import io.director.sessions.sandbox.LaunchSpec;
import io.director.sessions.sandbox.OutputSink;
import io.director.sessions.sandbox.Sandbox;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.PodResource;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session's Pod, from launch to deletion. The driver's {@link PodWatch} reports the container's start and end
 * (and the Pod vanishing); a virtual thread follows the container log into the sink, waits for the end, deletes
 * the Pod and completes {@link #exit()}. Should the watch stop, the thread polls the Pod instead.
 */
final class KubernetesSandbox implements Sandbox {
  private static final Logger log = LoggerFactory.getLogger(KubernetesSandbox.class);
  private static final long TERMINATE_GRACE_SECONDS = 30;
  /**
   * Not 0: the API server takes a grace period of 0 as a forced deletion that drops the Pod object at once, while
   * its processes may still run on the node and its NetworkPolicy goes with it. With 1 the kubelet sends SIGKILL
   * after a second and the Pod (and its policy) stays until the processes are gone.
   */
  static final long KILL_GRACE_SECONDS = 1;
  private static final long LOG_DRAIN_SECONDS = 5;
  private static final long POLL_SECONDS = 5;
  private static final int LOG_ATTEMPTS = 10;
  private static final long LOG_RETRY_MILLIS = 500;
  private static final int VANISHED = 137;

  /** How the Pod ended, and what to tell the session's stderr about it when that is not plain. */
  private record Ending(Exit exit, Optional<String> note) {}

  private final KubernetesClient client;
  private final KubernetesSettings settings;
  private final String name;
  private final LaunchSpec spec;
  private final Map<String, String> enforced;
  private final boolean owned;
  private final CompletableFuture<Void> started = new CompletableFuture<>();
  private final CompletableFuture<Ending> ended = new CompletableFuture<>();
  private final CompletableFuture<Exit> exit = new CompletableFuture<>();
  private final PodWatch watch;

  KubernetesSandbox(KubernetesClient client, KubernetesSettings settings, PodWatch watch, LaunchSpec spec, Map<String, String> enforced, boolean owned) {
    this.client = client;
    this.watch = watch;
    this.settings = settings;
    this.name = PodManifests.name(spec.sessionId());
    this.spec = spec;
    this.enforced = Map.copyOf(enforced);
    this.owned = owned;
  }

  void start() {
    watch.register(name, this);
    Thread.ofVirtual().name("kubernetes-session-" + spec.sessionId()).start(this::run);
  }

  @Override
  public CompletableFuture<Exit> exit() {
    return exit;
  }

  @Override
  public Optional<OutputStream> stdin() {
    return Optional.empty();
  }

  @Override
  public void terminate() {
    delete(TERMINATE_GRACE_SECONDS);
  }

  @Override
  public void kill() {
    delete(KILL_GRACE_SECONDS);
  }

  @Override
  public Map<String, String> enforced() {
    return enforced;
  }

  private void run() {
    try {
      await(CompletableFuture.anyOf(started, ended));
      if (started.isDone()) follow();
      Ending ending = await(ended);
      ending.note().ifPresent(note -> {
        byte[] bytes = ("director: " + note + "\n").getBytes(StandardCharsets.UTF_8);
        spec.sink().write(OutputSink.Stream.STDERR, bytes, 0, bytes.length);
      });
      finish(ending.exit());
    } catch (RuntimeException e) {
      log.warn("kubernetes session {} failed to follow its Pod", spec.sessionId(), e);
      finish(new Exit(VANISHED, Optional.empty()));
    }
  }

  /**
   * Copies the container log to the sink until it ends; the log ends with the container, or shortly after the Pod
   * does. A log that cannot be opened yet is asked for again; one that broke off is not, lest output repeat.
   */
  private void follow() {
    for (int attempt = 1; ; attempt++) {
      long copied = 0;
      try (InputStream in = openLog()) {
        ended.thenRun(() -> CompletableFuture.delayedExecutor(LOG_DRAIN_SECONDS, TimeUnit.SECONDS).execute(() -> closeQuietly(in)));
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) >= 0; copied += n) {
          spec.sink().write(OutputSink.Stream.STDOUT, buffer, 0, n);
        }
        return;
      } catch (IOException | RuntimeException e) {
        if (ended.isDone() && (copied > 0 || pod().get() == null)) return;
        if (copied > 0 || attempt == LOG_ATTEMPTS) {
          log.warn("log stream of kubernetes session {} broke off; output from here on is lost", spec.sessionId(), e);
          return;
        }
      }
      try {
        Thread.sleep(LOG_RETRY_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * Opens the followed container log. Not through fabric8's {@code watchLog}, which passes an error answer's body
   * on as if it were log output.
   */
  private InputStream openLog() throws IOException {
    HttpClient http = client.getHttpClient();
    String url = client.getMasterUrl().toString().replaceAll("/+$", "") + "/api/v1/namespaces/" + settings.namespace()
        + "/pods/" + name + "/log?container=" + PodManifests.CONTAINER + "&follow=true";
    HttpResponse<InputStream> response;
    try {
      response = http.sendAsync(http.newHttpRequestBuilder().uri(url).build(), InputStream.class).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while opening the log", e);
    } catch (ExecutionException e) {
      throw new IOException("could not open the log: " + e.getCause().getMessage(), e.getCause());
    }
    if (!response.isSuccessful()) {
      closeQuietly(response.body());
      throw new IOException("the log request was answered " + response.code());
    }
    return response.body();
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // nothing more to read either way
    }
  }

  private <T> T await(CompletableFuture<T> future) {
    while (true) {
      try {
        return future.get(POLL_SECONDS, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        if (!watch.running()) poll();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while following kubernetes session " + spec.sessionId(), e);
      } catch (ExecutionException e) {
        throw new IllegalStateException(e.getCause());
      }
    }
  }

  private void poll() {
    try {
      Pod pod = pod().get();
      if (pod == null) {
        vanished();
      } else {
        observe(pod);
      }
    } catch (KubernetesClientException e) {
      log.debug("polling the Pod of kubernetes session {} failed", spec.sessionId(), e);
    }
  }

  /** The Pod is gone: whatever did not end by now was killed with it. */
  void vanished() {
    ended.complete(new Ending(new Exit(VANISHED, Optional.empty()), Optional.empty()));
  }

  /** Takes what the Pod's status says about the container's start and end. */
  void observe(Pod pod) {
    PodStatus status = pod.getStatus();
    if (status == null) return;
    Optional<ContainerState> state = Optional.ofNullable(status.getContainerStatuses()).orElse(List.of()).stream()
        .filter(s -> PodManifests.CONTAINER.equals(s.getName())).map(ContainerStatus::getState).filter(s -> s != null).findFirst();
    if (state.filter(s -> s.getRunning() != null || s.getTerminated() != null).isPresent()) started.complete(null);
    String phase = Optional.ofNullable(status.getPhase()).orElse("");
    boolean over = phase.equals("Failed") || phase.equals("Succeeded");
    if (over && "DeadlineExceeded".equals(status.getReason())) {
      ended.complete(new Ending(new Exit(VANISHED, Optional.empty()), Optional.empty()));
      return;
    }
    ContainerStateTerminated terminated = state.map(ContainerState::getTerminated).orElse(null);
    if (terminated != null && terminated.getExitCode() != null) {
      Optional<String> limit = "OOMKilled".equals(terminated.getReason()) ? Optional.of("memory_limit") : Optional.empty();
      ended.complete(new Ending(new Exit(terminated.getExitCode(), limit), Optional.empty()));
    } else if (over) {
      String why = Optional.ofNullable(status.getReason()).orElse(phase) + Optional.ofNullable(status.getMessage()).map(m -> ": " + m).orElse("");
      ended.complete(new Ending(new Exit(VANISHED, Optional.empty()), Optional.of("the Pod ended before the command did (" + why + ")")));
    }
  }

  private void finish(Exit result) {
    try {
      watch.unregister(name);
      if (!settings.keepPods()) {
        pod().withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
        if (!owned) KubernetesDriver.deleteLeftovers(client, settings, spec.sessionId());
      }
    } catch (RuntimeException e) {
      log.warn("could not delete the Pod of kubernetes session {}", spec.sessionId(), e);
    } finally {
      exit.complete(result);
    }
  }

  private void delete(long graceSeconds) {
    try {
      pod().withGracePeriod(graceSeconds).delete();
    } catch (KubernetesClientException e) {
      log.warn("could not delete the Pod of kubernetes session {}", spec.sessionId(), e);
    }
  }

  private PodResource pod() {
    return client.pods().inNamespace(settings.namespace()).withName(name);
  }
}
