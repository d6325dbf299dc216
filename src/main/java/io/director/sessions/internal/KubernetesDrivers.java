package io.director.sessions.internal;

import io.director.platform.config.Booleans;
import io.director.platform.config.EffectiveConfig;
import io.director.sessions.sandbox.SandboxDriver;
import io.director.sessions.sandbox.kubernetes.KubernetesDriver;
import io.director.sessions.sandbox.kubernetes.KubernetesSettings;

/** The kubernetes driver from the KUBERNETES_* settings and the default kubeconfig or in-cluster account. */
final class KubernetesDrivers {
  private KubernetesDrivers() {}

  static SandboxDriver create(EffectiveConfig c) {
    KubernetesSettings d = KubernetesSettings.defaults();
    KubernetesSettings settings = new KubernetesSettings(c.raw("KUBERNETES_NAMESPACE").orElse(d.namespace()),
        c.raw("KUBERNETES_SESSION_IMAGE").orElse(d.image()), c.raw("KUBERNETES_DIRECTOR_NAMESPACE").orElse(d.directorNamespace()),
        c.raw("KUBERNETES_DIRECTOR_SELECTOR").orElse(d.directorSelector()),
        Integer.parseInt(c.raw("PORT").orElse(Integer.toString(d.directorPort()))),
        c.raw("KUBERNETES_DNS_NAMESPACE").orElse(d.dnsNamespace()),
        Long.parseLong(c.raw("SANDBOX_UID").orElse(Long.toString(d.uid()))),
        c.raw("KUBERNETES_KEEP_PODS").map(Booleans::parse).orElse(d.keepPods()));
    return KubernetesDriver.fromDefaultConfig(settings);
  }
}
