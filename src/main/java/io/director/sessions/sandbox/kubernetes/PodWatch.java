package io.director.sessions.sandbox.kubernetes;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One informer on all of the driver's session Pods (one watch for any number of sessions), handing each Pod's
 * changes to the sandbox that launched it. Started with the first launch.
 */
final class PodWatch implements AutoCloseable {
  private final KubernetesClient client;
  private final KubernetesSettings settings;
  private final Map<String, KubernetesSandbox> sandboxes = new ConcurrentHashMap<>();
  private SharedIndexInformer<Pod> informer;

  PodWatch(KubernetesClient client, KubernetesSettings settings) {
    this.client = client;
    this.settings = settings;
  }

  /** Sends the Pod's changes to the sandbox from now on, starting with what is already known of it. */
  void register(String podName, KubernetesSandbox sandbox) {
    SharedIndexInformer<Pod> pods = start();
    sandboxes.put(podName, sandbox);
    Pod known = pods.getStore().getByKey(settings.namespace() + "/" + podName);
    if (known != null) sandbox.observe(known);
  }

  void unregister(String podName) {
    sandboxes.remove(podName);
  }

  /** Whether changes are still coming; if not, sandboxes poll their Pods. */
  synchronized boolean running() {
    return informer != null && informer.isRunning();
  }

  @Override
  public synchronized void close() {
    if (informer != null) informer.close();
  }

  private synchronized SharedIndexInformer<Pod> start() {
    if (informer == null) {
      informer = client.pods().inNamespace(settings.namespace()).withLabel(PodManifests.MANAGED_BY, "director")
          .inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
              sandbox(pod).ifPresent(s -> s.observe(pod));
            }

            @Override
            public void onUpdate(Pod old, Pod pod) {
              sandbox(pod).ifPresent(s -> s.observe(pod));
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
              sandbox(pod).ifPresent(s -> {
                s.observe(pod);
                s.vanished();
              });
            }
          }, 0);
    }
    return informer;
  }

  private Optional<KubernetesSandbox> sandbox(Pod pod) {
    return Optional.ofNullable(sandboxes.get(pod.getMetadata().getName()));
  }
}
