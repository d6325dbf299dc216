package io.director.sessions.sandbox.kubernetes;

import static java.util.Objects.requireNonNull;

import io.director.shared.DirectorException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where and how the kubernetes driver runs sessions.
 *
 * @param namespace namespace the session Pods, Secrets and NetworkPolicies are created in
 * @param image container image the command runs in; it needs {@code cp} for the workspace copy
 * @param directorNamespace namespace Director's own Pods run in, for the gateway egress rule
 * @param directorSelector label selector ({@code k=v[,k=v]}) of Director's Pods
 * @param directorPort port gateway sessions may reach Director's Pods on
 * @param dnsNamespace namespace of the cluster DNS Pods sessions may query (port 53)
 * @param uid unprivileged user and group id the command runs as
 * @param keepPods whether finished Pods are left in place (for debugging) instead of deleted
 */
public record KubernetesSettings(
    String namespace, String image, String directorNamespace, String directorSelector, int directorPort,
    String dnsNamespace, long uid, boolean keepPods) {

  public KubernetesSettings {
    requireNonNull(namespace, "namespace");
    requireNonNull(image, "image");
    requireNonNull(directorNamespace, "directorNamespace");
    requireNonNull(dnsNamespace, "dnsNamespace");
    if (namespace.isBlank() || image.isBlank() || directorNamespace.isBlank() || dnsNamespace.isBlank()) {
      throw DirectorException.invalid("sessions.kubernetes-settings", "namespace, image, Director namespace and DNS namespace must not be blank");
    }
    if (directorPort < 1 || directorPort > 65535) {
      throw DirectorException.invalid("sessions.kubernetes-settings", "Director port must be 1-65535, not " + directorPort);
    }
    if (uid <= 0) {
      throw DirectorException.invalid("sessions.kubernetes-settings", "the session uid must not be root (0)");
    }
    labels(directorSelector);
  }

  /** The defaults proposed for the settings catalogue. */
  public static KubernetesSettings defaults() {
    return new KubernetesSettings("director-sessions", "debian:bookworm-slim", "director", "app.kubernetes.io/name=director", 3673,
        "kube-system", 65534, false);
  }

  /** The Director selector as labels to match. */
  public Map<String, String> directorLabels() {
    return labels(directorSelector);
  }

  private static Map<String, String> labels(String selector) {
    requireNonNull(selector, "directorSelector");
    Map<String, String> labels = new LinkedHashMap<>();
    for (String term : selector.split(",")) {
      int eq = term.indexOf('=');
      if (eq <= 0 || term.indexOf('=', eq + 1) >= 0 || term.substring(eq + 1).isBlank()) {
        throw DirectorException.invalid("sessions.kubernetes-settings", "Director selector must be key=value[,key=value], not '" + selector + "'");
      }
      labels.put(term.substring(0, eq).strip(), term.substring(eq + 1).strip());
    }
    return Map.copyOf(labels);
  }
}
