package io.director.sessions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.director.sessions.sandbox.LaunchSpec;
import io.director.sessions.sandbox.OutputSink;
import io.director.sessions.sandbox.Sandbox;
import io.director.sessions.sandbox.kubernetes.KubernetesDriver;
import io.director.sessions.sandbox.kubernetes.KubernetesSettings;
import io.director.shared.DirectorException;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kubernetes driver against fabric8's mock API server in CRUD mode: what it creates, and how it reads the
 * Pod's status (which the test writes, standing in for the kubelet). Log streaming is served by expectations for
 * the log URL, since the CRUD mock keeps no logs. Not covered: that a real kubelet, network plugin, garbage
 * collector (owner references) and init container behave as the manifests ask; the polling fallback for a stopped
 * watch; the drain timeout of a log that does not end with its Pod.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesDriverTest {
  static final String NS = "sessions-test";
  static final Duration WAIT = Duration.ofSeconds(10);

  KubernetesMockServer server;
  KubernetesClient client;
  @TempDir Path workspace;
  KubernetesDriver driver;
  final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
  final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
  final List<Sandbox> launched = new ArrayList<>();

  @BeforeEach
  void driver() {
    driver = new KubernetesDriver(client, settings(false));
  }

  /** Ends what a test left running while the mock server is still there to answer. */
  @AfterEach
  void endSandboxes() throws Exception {
    for (Sandbox sandbox : launched) {
      sandbox.kill();
      sandbox.exit().get(10, TimeUnit.SECONDS);
    }
    driver.close();
  }

  Sandbox launch(KubernetesDriver driver, LaunchSpec spec) throws IOException {
    Sandbox sandbox = driver.launch(spec);
    launched.add(sandbox);
    return sandbox;
  }

  static KubernetesSettings settings(boolean keepPods) {
    return new KubernetesSettings(NS, "registry.example/agent:1", "director-system", "app.kubernetes.io/name=director,tier=api", 3673,
        "kube-system", 10001, keepPods);
  }

  LaunchSpec spec(NetworkMode network, List<String> allow) {
    OutputSink sink = (stream, data, offset, length) -> {
      synchronized (this) {
        (stream == OutputSink.Stream.STDOUT ? stdout : stderr).write(data, offset, length);
      }
    };
    return new LaunchSpec(UUID.randomUUID(), "tenant-7", List.of("python3", "-c", "print('hi there')"),
        Map.of("API_KEY", "s3cret", "LANG", "C.UTF-8"), workspace, workspace.resolve("run"),
        new SessionLimits(1.5, 256, 64, 120, 10), network, allow, false, Optional.empty(), sink);
  }

  Pod pod(LaunchSpec spec) {
    return client.pods().inNamespace(NS).withName("director-session-" + spec.sessionId()).get();
  }

  NetworkPolicy policy(LaunchSpec spec) {
    return client.network().networkPolicies().inNamespace(NS).withName("director-session-" + spec.sessionId()).get();
  }

  Secret secret(LaunchSpec spec) {
    return client.secrets().inNamespace(NS).withName("director-session-" + spec.sessionId()).get();
  }

  /** Writes the Pod's status, as the kubelet would. */
  void status(LaunchSpec spec, UnaryOperator<PodStatusBuilder> status) {
    client.pods().inNamespace(NS).withName("director-session-" + spec.sessionId())
        .editStatus(p -> new PodBuilder(p).withStatus(status.apply(new PodStatusBuilder()).build()).build());
  }

  static UnaryOperator<PodStatusBuilder> running() {
    return s -> s.withPhase("Running").withContainerStatuses(new ContainerStatusBuilder().withName("session")
        .withState(new ContainerStateBuilder().withNewRunning().endRunning().build()).build());
  }

  static UnaryOperator<PodStatusBuilder> terminated(int code, String reason) {
    return s -> s.withPhase(code == 0 ? "Succeeded" : "Failed").withContainerStatuses(new ContainerStatusBuilder().withName("session")
        .withState(new ContainerStateBuilder().withNewTerminated().withExitCode(code).withReason(reason).endTerminated().build()).build());
  }

  static String decode(Secret secret, String key) {
    return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
  }

  @Test
  void launchCreatesALockedDownPodRunningTheCommand() throws IOException {
    LaunchSpec spec = spec(NetworkMode.OPEN, List.of());
    Sandbox sandbox = launch(driver, spec);

    Pod pod = pod(spec);
    assertThat(pod.getMetadata().getLabels()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "app.kubernetes.io/managed-by", "director", "director.io/session", spec.sessionId().toString(), "director.io/tenant", "tenant-7"));
    assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
    assertThat(pod.getSpec().getActiveDeadlineSeconds()).isGreaterThan(120L).isLessThanOrEqualTo(300L);
    assertThat(pod.getSpec().getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSpec().getSecurityContext().getRunAsUser()).isEqualTo(10001L);
    assertThat(pod.getSpec().getContainers()).hasSize(1);
    Container container = pod.getSpec().getContainers().getFirst();
    assertThat(container.getImage()).isEqualTo("registry.example/agent:1");
    assertThat(container.getCommand()).containsExactly("python3", "-c", "print('hi there')");
    assertThat(container.getArgs()).isEmpty();
    assertThat(container.getWorkingDir()).isEqualTo("/workspace");
    Map<String, Quantity> amounts = Map.of("cpu", new Quantity("1500m"), "memory", new Quantity("256Mi"));
    assertThat(container.getResources().getLimits()).isEqualTo(amounts);
    assertThat(container.getResources().getRequests()).isEqualTo(amounts);
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(container.getVolumeMounts()).extracting(m -> m.getMountPath() + "=" + m.getName() + ":" + m.getReadOnly())
        .containsExactlyInAnyOrder("/workspace=workspace:false", "/tmp=tmp:false");
    assertThat(pod.getSpec().getVolumes()).filteredOn(v -> v.getEmptyDir() != null).extracting(Volume::getName)
        .containsExactlyInAnyOrder("workspace", "tmp");
    // an empty workspace needs no copying
    assertThat(pod.getSpec().getInitContainers()).isEmpty();

    // environment values live in the Secret; the Pod spec only refers to them
    Secret secret = secret(spec);
    assertThat(container.getEnv()).extracting(EnvVar::getName).containsExactlyInAnyOrder("API_KEY", "LANG");
    assertThat(container.getEnv()).allSatisfy(e -> assertThat(e.getValue()).isNull());
    for (EnvVar env : container.getEnv()) {
      assertThat(env.getValueFrom().getSecretKeyRef().getName()).isEqualTo(secret.getMetadata().getName());
      assertThat(decode(secret, env.getValueFrom().getSecretKeyRef().getKey())).isEqualTo(spec.env().get(env.getName()));
    }
    assertThat(secret.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(o -> assertThat(o.getUid()).isEqualTo(pod.getMetadata().getUid()).isNotBlank());

    assertThat(policy(spec)).isNull();
    assertThat(sandbox.enforced()).containsEntry("memory", "kubernetes-limits").containsEntry("cpus", "kubernetes-limits")
        .containsEntry("network", "none").containsEntry("pids", "node (kubelet podPidsLimit)");
    assertThat(sandbox.stdin()).isEmpty();
    assertThat(driver.refuse(NetworkMode.NONE)).isEmpty();
  }

  @Test
  void workspaceFilesReachTheSecretAndAreCopiedInByTheInitContainer() throws IOException {
    Files.writeString(workspace.resolve("main.py"), "print('main')\n");
    Files.createDirectories(workspace.resolve("src/lib"));
    Files.writeString(workspace.resolve("src/lib/util.py"), "X = 1\n");
    Path script = Files.writeString(workspace.resolve("run.sh"), "#!/bin/sh\necho run\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    LaunchSpec spec = spec(NetworkMode.OPEN, List.of());
    launch(driver, spec);

    Pod pod = pod(spec);
    Secret secret = secret(spec);
    Volume seed = pod.getSpec().getVolumes().stream().filter(v -> v.getSecret() != null).findFirst().orElseThrow();
    assertThat(seed.getSecret().getSecretName()).isEqualTo(secret.getMetadata().getName());
    Map<String, String> contentByPath = new HashMap<>();
    Map<String, Integer> modeByPath = new HashMap<>();
    for (KeyToPath item : seed.getSecret().getItems()) {
      contentByPath.put(item.getPath(), decode(secret, item.getKey()));
      modeByPath.put(item.getPath(), item.getMode());
    }
    assertThat(contentByPath).containsExactlyInAnyOrderEntriesOf(Map.of(
        "files/main.py", "print('main')\n", "files/src/lib/util.py", "X = 1\n", "files/run.sh", "#!/bin/sh\necho run\n"));
    assertThat(modeByPath).containsEntry("files/run.sh", 0755).containsEntry("files/main.py", 0644);

    Container copy = pod.getSpec().getInitContainers().getFirst();
    assertThat(copy.getCommand()).containsExactly("cp", "-R", "/seed/files/.", "/workspace/");
    assertThat(copy.getVolumeMounts()).extracting(m -> m.getMountPath() + "=" + m.getName() + ":" + m.getReadOnly())
        .containsExactlyInAnyOrder("/seed=" + seed.getName() + ":true", "/workspace=workspace:false");
    assertThat(copy.getSecurityContext().getRunAsNonRoot()).isTrue();
    // the session container never sees the Secret
    assertThat(pod.getSpec().getContainers().getFirst().getVolumeMounts()).noneMatch(m -> m.getName().equals(seed.getName()));
  }

  @Test
  void noneDeniesAllIngressAndEgress() throws IOException {
    LaunchSpec spec = spec(NetworkMode.NONE, List.of());
    Sandbox sandbox = launch(driver, spec);

    NetworkPolicy policy = policy(spec);
    assertThat(policy.getSpec().getPodSelector().getMatchLabels()).isEqualTo(Map.of("director.io/session", spec.sessionId().toString()));
    assertThat(policy.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
    assertThat(policy.getSpec().getIngress()).isEmpty();
    assertThat(policy.getSpec().getEgress()).isEmpty();
    assertThat(policy.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(o -> assertThat(o.getUid()).isEqualTo(pod(spec).getMetadata().getUid()));
    assertThat(sandbox.enforced()).containsEntry("network", "network-policy");
  }

  @Test
  void gatewayReachesOnlyDirectorsPodsAndDns() throws IOException {
    LaunchSpec spec = spec(NetworkMode.GATEWAY, List.of());
    launch(driver, spec);

    NetworkPolicy policy = policy(spec);
    assertThat(policy.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
    assertThat(policy.getSpec().getIngress()).isEmpty();
    List<NetworkPolicyEgressRule> egress = policy.getSpec().getEgress();
    assertThat(egress).hasSize(2);
    assertDns(egress.get(0));
    NetworkPolicyPeer director = egress.get(1).getTo().getFirst();
    assertThat(egress.get(1).getTo()).hasSize(1);
    assertThat(director.getPodSelector().getMatchLabels()).isEqualTo(Map.of("app.kubernetes.io/name", "director", "tier", "api"));
    assertThat(director.getNamespaceSelector().getMatchLabels()).isEqualTo(Map.of("kubernetes.io/metadata.name", "director-system"));
    assertThat(director.getIpBlock()).isNull();
    assertThat(ports(egress.get(1))).containsExactly("TCP/3673");
  }

  @Test
  void allowlistReachesTheListedAddressesOnTheirPortsAndDns() throws IOException {
    LaunchSpec spec = spec(NetworkMode.ALLOWLIST, List.of("10.1.2.3", "192.168.7.9/16:443", "localhost:8080", "[2001:db8::1]:22", "fd12:3456::/8"));
    launch(driver, spec);

    List<NetworkPolicyEgressRule> egress = policy(spec).getSpec().getEgress();
    assertDns(egress.getFirst());
    Map<String, List<String>> portsByCidr = new HashMap<>();
    for (NetworkPolicyEgressRule rule : egress.subList(1, egress.size())) {
      assertThat(rule.getTo()).hasSize(1);
      portsByCidr.put(rule.getTo().getFirst().getIpBlock().getCidr(), ports(rule));
    }
    assertThat(portsByCidr).containsEntry("10.1.2.3/32", List.of())
        .containsEntry("192.168.0.0/16", List.of("TCP/443"))
        .containsEntry("127.0.0.1/32", List.of("TCP/8080"))
        .containsEntry("2001:db8::1/128", List.of("TCP/22"))
        .containsEntry("fd00::/8", List.of());
  }

  @Test
  void aWildcardInTheAllowlistIsRefusedBeforeAnythingIsCreated() {
    LaunchSpec spec = spec(NetworkMode.ALLOWLIST, List.of("*.example.com:443"));
    assertThatThrownBy(() -> launch(driver, spec)).isInstanceOf(DirectorException.class).hasMessageContaining("*.example.com");
    assertThat(pod(spec)).isNull();
    assertThat(secret(spec)).isNull();
  }

  @Test
  void aLaunchThatFailsTakesBackWhatItCreatedAndNothingElse() throws IOException {
    LaunchSpec spec = spec(NetworkMode.NONE, List.of());
    Pod squatter = client.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("director-session-" + spec.sessionId())
        .endMetadata().withNewSpec().addNewContainer().withName("session").withImage("x").endContainer().endSpec().build()).create();
    assertThatThrownBy(() -> launch(driver, spec)).isInstanceOf(IOException.class).hasMessageContaining(spec.sessionId().toString());
    assertThat(secret(spec)).isNull();
    assertThat(policy(spec)).isNull();
    assertThat(pod(spec).getMetadata().getUid()).isEqualTo(squatter.getMetadata().getUid());

    // launching a live session again fails at its Secret and leaves the live session's policy in place
    LaunchSpec live = spec(NetworkMode.NONE, List.of());
    launch(driver, live);
    assertThatThrownBy(() -> driver.launch(live)).isInstanceOf(IOException.class);
    assertThat(policy(live)).isNotNull();
    assertThat(secret(live)).isNotNull();
  }

  @Test
  void logsReachTheSinkAndTheExitCodeIsTheContainers() throws Exception {
    LaunchSpec spec = spec(NetworkMode.NONE, List.of());
    String name = "director-session-" + spec.sessionId();
    server.expect().get().withPath("/api/v1/namespaces/" + NS + "/pods/" + name + "/log?container=session&follow=true")
        .andReturn(200, "hi there\nsecond line\n").once();
    Sandbox sandbox = launch(driver, spec);

    status(spec, running());
    await().atMost(WAIT).untilAsserted(() -> assertThat(stdout.toString(StandardCharsets.UTF_8)).isEqualTo("hi there\nsecond line\n"));
    assertThat(sandbox.exit()).isNotDone();
    status(spec, terminated(3, "Error"));

    assertThat(sandbox.exit().get(10, TimeUnit.SECONDS)).isEqualTo(new Sandbox.Exit(3, Optional.empty()));
    assertThat(pod(spec)).isNull();
    assertThat(stderr.size()).isZero();
  }

  @Test
  void aLogNotYetServedIsAskedForAgain() throws Exception {
    LaunchSpec spec = spec(NetworkMode.NONE, List.of());
    String path = "/api/v1/namespaces/" + NS + "/pods/director-session-" + spec.sessionId() + "/log?container=session&follow=true";
    server.expect().get().withPath(path).andReturn(400, "container \"session\" in pod is waiting to start").once();
    server.expect().get().withPath(path).andReturn(200, "late but whole\n").once();
    Sandbox sandbox = launch(driver, spec);

    status(spec, running());
    await().atMost(WAIT).untilAsserted(() -> assertThat(stdout.toString(StandardCharsets.UTF_8)).isEqualTo("late but whole\n"));
    status(spec, terminated(0, "Completed"));
    assertThat(sandbox.exit().get(10, TimeUnit.SECONDS).code()).isZero();
  }

  @Test
  void anOomKilledContainerHitTheMemoryLimit() throws Exception {
    LaunchSpec spec = spec(NetworkMode.OPEN, List.of());
    Sandbox sandbox = launch(driver, spec);
    status(spec, terminated(137, "OOMKilled"));
    assertThat(sandbox.exit().get(10, TimeUnit.SECONDS)).isEqualTo(new Sandbox.Exit(137, Optional.of("memory_limit")));
  }

  @Test
  void aPodPastItsDeadlineEndsAsKilledWithoutALimit() throws Exception {
    LaunchSpec spec = spec(NetworkMode.OPEN, List.of());
    Sandbox sandbox = launch(driver, spec);
    status(spec, s -> s.withPhase("Failed").withReason("DeadlineExceeded"));
    assertThat(sandbox.exit().get(10, TimeUnit.SECONDS)).isEqualTo(new Sandbox.Exit(137, Optional.empty()));
  }

  @Test
  void anEvictedPodEndsAsKilledAndSaysWhyOnStderr() throws Exception {
    LaunchSpec spec = spec(NetworkMode.OPEN, List.of());
    Sandbox sandbox = launch(driver, spec);
    status(spec, s -> s.withPhase("Failed").withReason("Evicted").withMessage("The node was low on resource: memory."));
    assertThat(sandbox.exit().get(10, TimeUnit.SECONDS)).isEqualTo(new Sandbox.Exit(137, Optional.empty()));
    assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("Evicted: The node was low on resource: memory.");
  }

  @Test
  void keptPodsStayAfterTheirExit() throws Exception {
    KubernetesDriver keeping = new KubernetesDriver(client, settings(true));
    LaunchSpec spec = spec(NetworkMode.OPEN, List.of());
    Sandbox sandbox = launch(keeping, spec);
    status(spec, terminated(0, "Completed"));
    assertThat(sandbox.exit().get(10, TimeUnit.SECONDS).code()).isZero();
    assertThat(pod(spec)).isNotNull();
  }

  @Test
  void terminateDeletesThePodAndTheSessionEndsAsKilled() throws Exception {
    LaunchSpec spec = spec(NetworkMode.OPEN, List.of());
    Sandbox sandbox = launch(driver, spec);
    sandbox.terminate();
    assertThat(pod(spec)).isNull();
    assertThat(sandbox.exit().get(10, TimeUnit.SECONDS)).isEqualTo(new Sandbox.Exit(137, Optional.empty()));
  }

  @Test
  void killDeletesThePodAndTheSessionEndsAsKilled() throws Exception {
    LaunchSpec spec = spec(NetworkMode.OPEN, List.of());
    Sandbox sandbox = launch(driver, spec);
    sandbox.kill();
    assertThat(pod(spec)).isNull();
    assertThat(sandbox.exit().get(10, TimeUnit.SECONDS)).isEqualTo(new Sandbox.Exit(137, Optional.empty()));
  }

  @Test
  void reapFindsAndDeletesAPodLeftByAnotherInstance() {
    UUID session = UUID.randomUUID();
    UUID other = UUID.randomUUID();
    for (UUID id : List.of(session, other)) {
      client.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("director-session-" + id)
          .withLabels(Map.of("app.kubernetes.io/managed-by", "director", "director.io/session", id.toString())).endMetadata()
          .withNewSpec().addNewContainer().withName("session").withImage("x").endContainer().endSpec().build()).create();
    }

    assertThat(driver.reap(session)).isTrue();
    assertThat(client.pods().inNamespace(NS).withName("director-session-" + session).get()).isNull();
    assertThat(client.pods().inNamespace(NS).withName("director-session-" + other).get()).isNotNull();
    assertThat(driver.reap(session)).isFalse();
  }

  @Test
  void stdinIsRefused() {
    LaunchSpec asked = spec(NetworkMode.NONE, List.of());
    LaunchSpec spec = new LaunchSpec(asked.sessionId(), asked.tenantId(), asked.command(), asked.env(), asked.workspace(), asked.runDir(),
        asked.limits(), asked.network(), asked.allow(), true, asked.toolSocket(), asked.sink());
    assertThatThrownBy(() -> launch(driver, spec)).isInstanceOf(DirectorException.class).hasMessageContaining("stdin");
    assertThat(pod(spec)).isNull();
  }

  @Test
  void availableWhenTheApiServerAnswersAndNotOtherwise() {
    assertThat(driver.name()).isEqualTo("kubernetes");
    assertThat(driver.unavailable()).isEmpty();
    try (KubernetesClient nowhere = new KubernetesClientBuilder().withConfig(new ConfigBuilder().withMasterUrl("http://127.0.0.1:1")
        .withRequestRetryBackoffLimit(0).withConnectionTimeout(1000).build()).build()) {
      assertThat(new KubernetesDriver(nowhere, settings(false)).unavailable()).hasValueSatisfying(why -> assertThat(why).contains(NS, "127.0.0.1:1"));
    }
  }

  static void assertDns(NetworkPolicyEgressRule rule) {
    assertThat(rule.getTo()).singleElement().satisfies(peer -> {
      assertThat(peer.getNamespaceSelector().getMatchLabels()).isEqualTo(Map.of("kubernetes.io/metadata.name", "kube-system"));
      assertThat(peer.getPodSelector()).isNull();
    });
    assertThat(ports(rule)).containsExactlyInAnyOrder("UDP/53", "TCP/53");
  }

  static List<String> ports(NetworkPolicyEgressRule rule) {
    return rule.getPorts().stream().map((NetworkPolicyPort p) -> p.getProtocol() + "/" + port(p.getPort())).toList();
  }

  static String port(IntOrString port) {
    return String.valueOf(port.getIntVal());
  }
}
