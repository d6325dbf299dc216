package io.director.sessions.sandbox.kubernetes;

import static java.util.Objects.requireNonNull;

import io.director.sessions.NetworkMode;
import io.director.sessions.sandbox.LaunchSpec;
import io.director.sessions.sandbox.Sandbox;
import io.director.sessions.sandbox.SandboxDriver;
import io.director.shared.DirectorException;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each session as one Pod in a configured namespace, named {@code director-session-<id>} and labelled
 * {@code app.kubernetes.io/managed-by=director}, {@code director.io/session=<id>} and {@code director.io/tenant}.
 *
 * <p>The Pod runs the command (no shell) as an unprivileged user with no capabilities, no privilege escalation,
 * no service account token and a read-only root filesystem; {@code /workspace} and {@code /tmp} are emptyDir
 * volumes. CPU and memory requests equal the session's limits. Kubernetes has no per-Pod process limit (that is
 * the kubelet's {@code podPidsLimit}), so the pids limit is the node's. {@code activeDeadlineSeconds} backs up
 * Director's own timeout.
 *
 * <p>Workspace files and environment values travel in a Secret named like the Pod (a Secret rather than a
 * ConfigMap because both may hold credentials, and the Pod spec then shows no values). An init container copies
 * the files from the Secret volume into the workspace, so the image needs {@code cp}. A Secret holds at most 1
 * MiB: larger workspaces are refused, empty directories and symbolic links are not carried.
 *
 * <p>Unless the network mode is {@code open}, a NetworkPolicy selecting only this Pod denies all ingress and all
 * egress except: for {@code gateway}, Director's Pods on Director's port and DNS; for {@code allowlist}, the
 * allowed hosts and DNS. Allowlist host names are resolved once, at launch. The policy is created before the Pod,
 * so the Pod never runs unconfined; it is only enforced where the cluster's network plugin enforces policies.
 * The Secret and the policy are then owned by the Pod and go away with it.
 *
 * <p>Output is the container log (stdout and stderr merged, as Kubernetes keeps them) written to the sink as
 * stdout. There is no stdin: sessions that ask for it must be refused before launch. The tool socket is not
 * available either; gateway sessions reach Director over the network.
 *
 * <p>Needs, in the namespace: pods (create, get, list, watch, delete, deletecollection), pods/log (get),
 * secrets and networkpolicies (create, get, patch, deletecollection).
 */
public final class KubernetesDriver implements SandboxDriver, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KubernetesDriver.class);

  private final KubernetesClient client;
  private final KubernetesSettings settings;
  private final boolean ownsClient;
  private final PodWatch watch;

  public KubernetesDriver(KubernetesClient client, KubernetesSettings settings) {
    this(client, settings, false);
  }

  private KubernetesDriver(KubernetesClient client, KubernetesSettings settings, boolean ownsClient) {
    this.client = requireNonNull(client, "client");
    this.settings = requireNonNull(settings, "settings");
    this.ownsClient = ownsClient;
    this.watch = new PodWatch(client, settings);
  }

  /** A driver with a client configured the usual way: in-cluster service account, else KUBECONFIG or ~/.kube/config. */
  public static KubernetesDriver fromDefaultConfig(KubernetesSettings settings) {
    try {
      return new KubernetesDriver(new KubernetesClientBuilder().build(), settings, true);
    } catch (KubernetesClientException e) {
      throw DirectorException.unavailable("sessions.kubernetes-config", "cannot configure a Kubernetes client: " + e.getMessage());
    }
  }

  @Override
  public String name() {
    return "kubernetes";
  }

  @Override
  public Optional<String> unavailable() {
    try {
      client.pods().inNamespace(settings.namespace()).list(new ListOptionsBuilder().withLimit(1L).build());
      return Optional.empty();
    } catch (KubernetesClientException e) {
      return Optional.of("cannot list Pods in namespace " + settings.namespace() + " at " + client.getMasterUrl() + ": " + e.getMessage());
    }
  }

  @Override
  public Sandbox launch(LaunchSpec spec) throws IOException {
    if (spec.stdin()) {
      throw DirectorException.invalid("sessions.stdin-unsupported", "the kubernetes sandbox driver cannot give a session stdin");
    }
    List<SeedFile> files = SeedFile.read(spec.workspace());
    Optional<NetworkPolicy> policy = EgressPolicies.forSession(settings, spec);
    String namespace = settings.namespace();
    String name = PodManifests.name(spec.sessionId());
    boolean secretCreated = false;
    boolean policyCreated = false;
    Pod pod;
    try {
      client.secrets().inNamespace(namespace).resource(PodManifests.secret(namespace, spec, files)).create();
      secretCreated = true;
      if (policy.isPresent()) {
        client.network().networkPolicies().inNamespace(namespace).resource(policy.get()).create();
        policyCreated = true;
      }
      pod = client.pods().inNamespace(namespace).resource(PodManifests.pod(settings, spec, files)).create();
    } catch (KubernetesClientException e) {
      // only what this launch created: a clash with a live session must not strip that session's policy
      try {
        if (policyCreated) client.network().networkPolicies().inNamespace(namespace).withName(name).delete();
        if (secretCreated) client.secrets().inNamespace(namespace).withName(name).delete();
      } catch (KubernetesClientException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw new IOException("could not create the Pod of session " + spec.sessionId() + " in namespace " + namespace + ": " + e.getMessage(), e);
    }
    KubernetesSandbox sandbox = new KubernetesSandbox(client, settings, watch, spec, enforced(spec.network()), own(pod, policy.isPresent()));
    try {
      sandbox.start();
    } catch (KubernetesClientException e) {
      reap(spec.sessionId());
      throw new IOException("could not watch the Pod of session " + spec.sessionId() + ": " + e.getMessage(), e);
    }
    return sandbox;
  }

  @Override
  public boolean reap(UUID sessionId) {
    try {
      boolean found = !client.pods().inNamespace(settings.namespace()).withLabel(PodManifests.SESSION, sessionId.toString())
          .withGracePeriod(KubernetesSandbox.KILL_GRACE_SECONDS).delete().isEmpty();
      // A Pod's own Secret and policy go with it; without a Pod they are leftovers of a launch cut short.
      if (!found) deleteLeftovers(client, settings, sessionId);
      return found;
    } catch (KubernetesClientException e) {
      log.warn("could not reap the Pod of kubernetes session {}", sessionId, e);
      return false;
    }
  }

  @Override
  public void close() {
    watch.close();
    if (ownsClient) client.close();
  }

  /** Makes the Pod own its Secret and NetworkPolicy, so deleting the Pod (by anyone) deletes them. */
  private boolean own(Pod pod, boolean hasPolicy) {
    OwnerReference owner = PodManifests.ownedBy(pod);
    String namespace = settings.namespace();
    String name = pod.getMetadata().getName();
    try {
      client.secrets().inNamespace(namespace).withName(name)
          .edit(s -> new SecretBuilder(s).editMetadata().withOwnerReferences(owner).endMetadata().build());
      if (hasPolicy) {
        client.network().networkPolicies().inNamespace(namespace).withName(name)
            .edit(p -> new NetworkPolicyBuilder(p).editMetadata().withOwnerReferences(owner).endMetadata().build());
      }
      return true;
    } catch (KubernetesClientException e) {
      log.warn("could not make Pod {} own its Secret and NetworkPolicy; they are deleted when the session ends", name, e);
      return false;
    }
  }

  /** Deletes a session's Secret and NetworkPolicy, for when they were never owned by its Pod. */
  static void deleteLeftovers(KubernetesClient client, KubernetesSettings settings, UUID sessionId) {
    try {
      client.secrets().inNamespace(settings.namespace()).withLabel(PodManifests.SESSION, sessionId.toString()).delete();
      client.network().networkPolicies().inNamespace(settings.namespace()).withLabel(PodManifests.SESSION, sessionId.toString()).delete();
    } catch (KubernetesClientException e) {
      log.warn("could not delete the Secret and NetworkPolicy of kubernetes session {}", sessionId, e);
    }
  }

  private static Map<String, String> enforced(NetworkMode network) {
    return Map.of(
        "memory", "kubernetes-limits",
        "cpus", "kubernetes-limits",
        "pids", "node (kubelet podPidsLimit)",
        "network", network == NetworkMode.OPEN ? "none" : "network-policy");
  }
}
