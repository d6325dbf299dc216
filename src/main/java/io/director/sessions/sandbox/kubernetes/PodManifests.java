package io.director.sessions.sandbox.kubernetes;

import io.director.sessions.sandbox.LaunchSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.KeyToPathBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/** The Pod and Secret of one session, as the driver creates them. */
final class PodManifests {
  static final String CONTAINER = "session";
  static final String SEED_CONTAINER = "workspace";
  static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  static final String SESSION = "director.io/session";
  static final String TENANT = "director.io/tenant";
  /** Past the session timeout, so Director's own timeout (SIGTERM, grace, SIGKILL) normally comes first. */
  static final long DEADLINE_GRACE_SECONDS = 60;
  private static final String SEED_DIR = "/seed";

  private PodManifests() {}

  static String name(UUID sessionId) {
    return "director-session-" + sessionId;
  }

  static Map<String, String> labels(UUID sessionId, String tenant) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(MANAGED_BY, "director");
    labels.put(SESSION, sessionId.toString());
    labels.put(TENANT, labelValue(tenant));
    return labels;
  }

  /** Label values are at most 63 alphanumerics, '-', '_' or '.'; the exact tenant id is kept in an annotation. */
  static String labelValue(String text) {
    String value = text.replaceAll("[^A-Za-z0-9_.-]", "-");
    value = value.substring(0, Math.min(63, value.length())).replaceAll("^[^A-Za-z0-9]+|[^A-Za-z0-9]+$", "");
    return value;
  }

  /** Environment values as {@code env-<n>} and workspace files as {@code file-<n>}, in name order. */
  static Secret secret(String namespace, LaunchSpec spec, List<SeedFile> files) {
    Map<String, String> data = new LinkedHashMap<>();
    Base64.Encoder base64 = Base64.getEncoder();
    List<String> names = new ArrayList<>(new TreeMap<>(spec.env()).keySet());
    for (int i = 0; i < names.size(); i++) {
      data.put("env-" + i, base64.encodeToString(spec.env().get(names.get(i)).getBytes(StandardCharsets.UTF_8)));
    }
    for (int i = 0; i < files.size(); i++) {
      data.put("file-" + i, base64.encodeToString(files.get(i).content()));
    }
    return new SecretBuilder()
        .withNewMetadata().withName(name(spec.sessionId())).withNamespace(namespace).withLabels(labels(spec.sessionId(), spec.tenantId())).endMetadata()
        .withType("Opaque").withImmutable(true).withData(data)
        .build();
  }

  static Pod pod(KubernetesSettings settings, LaunchSpec spec, List<SeedFile> files) {
    String name = name(spec.sessionId());
    List<EnvVar> env = new ArrayList<>();
    List<String> names = new ArrayList<>(new TreeMap<>(spec.env()).keySet());
    for (int i = 0; i < names.size(); i++) {
      env.add(new EnvVarBuilder().withName(names.get(i))
          .withNewValueFrom().withNewSecretKeyRef().withName(name).withKey("env-" + i).endSecretKeyRef().endValueFrom().build());
    }
    List<Volume> volumes = new ArrayList<>(List.of(
        new VolumeBuilder().withName("workspace").withNewEmptyDir().endEmptyDir().build(),
        new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build()));
    List<Container> init = new ArrayList<>();
    if (!files.isEmpty()) {
      List<KeyToPath> items = new ArrayList<>();
      for (int i = 0; i < files.size(); i++) {
        SeedFile file = files.get(i);
        items.add(new KeyToPathBuilder().withKey("file-" + i).withPath("files/" + file.path()).withMode(file.executable() ? 0755 : 0644).build());
      }
      volumes.add(new VolumeBuilder().withName("seed").withNewSecret().withSecretName(name).withItems(items).endSecret().build());
      // The Secret volume's top-level entries are symlinks into a hidden ..data dir; files/ resolves to a real
      // directory there, so copying files/. takes the files and nothing of the volume's own bookkeeping.
      init.add(new ContainerBuilder().withName(SEED_CONTAINER).withImage(settings.image())
          .withCommand("cp", "-R", SEED_DIR + "/files/.", LaunchSpec.SANDBOX_WORKSPACE + "/")
          .withResources(resources(spec)).withSecurityContext(lockedDown(settings))
          .withVolumeMounts(mount(SEED_DIR, "seed", true),
              mount(LaunchSpec.SANDBOX_WORKSPACE, "workspace", false))
          .build());
    }
    Container session = new ContainerBuilder().withName(CONTAINER).withImage(settings.image())
        .withCommand(spec.command()).withWorkingDir(LaunchSpec.SANDBOX_WORKSPACE).withEnv(env)
        .withResources(resources(spec)).withSecurityContext(lockedDown(settings))
        .withVolumeMounts(mount(LaunchSpec.SANDBOX_WORKSPACE, "workspace", false),
            mount("/tmp", "tmp", false))
        .build();
    PodBuilder pod = new PodBuilder()
        .withNewMetadata().withName(name).withNamespace(settings.namespace()).withLabels(labels(spec.sessionId(), spec.tenantId()))
        .withAnnotations(Map.of(TENANT, spec.tenantId())).endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never").withAutomountServiceAccountToken(false).withEnableServiceLinks(false)
        .withNewSecurityContext().withRunAsNonRoot(true).withRunAsUser(settings.uid()).withRunAsGroup(settings.uid())
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().endSecurityContext()
        .withInitContainers(init).withContainers(session).withVolumes(volumes)
        .endSpec();
    if (spec.limits().timeoutSeconds() > 0) {
      pod.editSpec().withActiveDeadlineSeconds(spec.limits().timeoutSeconds() + DEADLINE_GRACE_SECONDS).endSpec();
    }
    return pod.build();
  }

  static OwnerReference ownedBy(Pod pod) {
    return new OwnerReferenceBuilder().withApiVersion("v1").withKind("Pod").withName(pod.getMetadata().getName())
        .withUid(pod.getMetadata().getUid()).withController(false).withBlockOwnerDeletion(false).build();
  }

  /** Requests equal limits, so the session gets exactly what it may use. */
  private static ResourceRequirements resources(LaunchSpec spec) {
    Map<String, Quantity> amounts = Map.of(
        "cpu", new Quantity(Math.max(1, Math.round(spec.limits().cpus() * 1000)) + "m"),
        "memory", new Quantity(spec.limits().memoryMb() + "Mi"));
    return new ResourceRequirementsBuilder().withRequests(amounts).withLimits(amounts).build();
  }

  private static VolumeMount mount(String path, String volume, boolean readOnly) {
    return new VolumeMountBuilder().withMountPath(path).withName(volume).withReadOnly(readOnly).build();
  }

  private static SecurityContext lockedDown(KubernetesSettings settings) {
    return new SecurityContextBuilder().withRunAsNonRoot(true).withRunAsUser(settings.uid()).withRunAsGroup(settings.uid())
        .withAllowPrivilegeEscalation(false).withReadOnlyRootFilesystem(true).withPrivileged(false)
        .withNewCapabilities().withDrop("ALL").endCapabilities().build();
  }
}
