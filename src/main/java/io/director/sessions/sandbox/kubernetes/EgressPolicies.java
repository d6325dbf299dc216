package io.director.sessions.sandbox.kubernetes;

import io.director.sessions.sandbox.LaunchSpec;
import io.director.shared.DirectorException;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The NetworkPolicy that confines one session's Pod. Every mode but {@code open} denies all ingress and all
 * egress except what the mode allows: DNS and Director's Pods for {@code gateway}; DNS and the allowlist for
 * {@code allowlist}; nothing for {@code none}.
 */
final class EgressPolicies {
  private static final String NAMESPACE_NAME = "kubernetes.io/metadata.name";
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
  private static final Pattern BRACKETED = Pattern.compile("\\[([^\\]]+)](?::(\\d+))?");

  /** One allowlist entry: an address block and, if the entry named one, a TCP port. */
  record Destination(String cidr, Optional<Integer> port) {}

  private EgressPolicies() {}

  static Optional<NetworkPolicy> forSession(KubernetesSettings settings, LaunchSpec spec) throws IOException {
    List<NetworkPolicyEgressRule> egress = new ArrayList<>();
    switch (spec.network()) {
      case OPEN -> {
        return Optional.empty();
      }
      case NONE -> {}
      case GATEWAY -> {
        egress.add(dns(settings));
        egress.add(new NetworkPolicyEgressRuleBuilder()
            .addNewTo().withNamespaceSelector(namespace(settings.directorNamespace()))
            .withPodSelector(new LabelSelectorBuilder().withMatchLabels(settings.directorLabels()).build()).endTo()
            .withPorts(port("TCP", settings.directorPort())).build());
      }
      case ALLOWLIST -> {
        egress.add(dns(settings));
        for (String entry : spec.allow()) {
          for (Destination destination : destinations(entry)) {
            NetworkPolicyEgressRuleBuilder rule = new NetworkPolicyEgressRuleBuilder().addNewTo().withNewIpBlock().withCidr(destination.cidr()).endIpBlock().endTo();
            destination.port().ifPresent(p -> rule.withPorts(port("TCP", p)));
            egress.add(rule.build());
          }
        }
      }
    }
    return Optional.of(new NetworkPolicyBuilder()
        .withNewMetadata().withName(PodManifests.name(spec.sessionId())).withNamespace(settings.namespace())
        .withLabels(PodManifests.labels(spec.sessionId(), spec.tenantId())).endMetadata()
        .withNewSpec().withNewPodSelector().withMatchLabels(Map.of(PodManifests.SESSION, spec.sessionId().toString())).endPodSelector()
        .withPolicyTypes("Ingress", "Egress").withIngress(List.of()).withEgress(egress).endSpec()
        .build());
  }

  /**
   * The address blocks of one {@code host[:port]} entry. IP literals and CIDRs are taken as they are; a host name
   * is resolved now, at launch, and each of its addresses becomes a single-address block, so a name whose
   * addresses change while the session runs is only reachable at the old ones.
   */
  static List<Destination> destinations(String entry) throws IOException {
    String host = entry.strip();
    Optional<Integer> port = Optional.empty();
    Matcher bracketed = BRACKETED.matcher(host);
    if (bracketed.matches()) {
      host = bracketed.group(1);
      port = Optional.ofNullable(bracketed.group(2)).map(p -> port(entry, p));
    } else if (host.indexOf(':') >= 0 && host.indexOf(':') == host.lastIndexOf(':')) {
      port = Optional.of(port(entry, host.substring(host.indexOf(':') + 1)));
      host = host.substring(0, host.indexOf(':'));
    }
    int slash = host.indexOf('/');
    String address = slash < 0 ? host : host.substring(0, slash);
    if (IPV4.matcher(address).matches() || IPV6.matcher(address).matches()) {
      InetAddress literal = literal(entry, address);
      int bits = literal.getAddress().length * 8;
      int prefix = slash < 0 ? bits : prefix(entry, host.substring(slash + 1), bits);
      return List.of(new Destination(text(network(literal, prefix)) + "/" + prefix, port));
    }
    if (slash >= 0 || host.isEmpty() || host.contains("*")) {
      throw DirectorException.invalid("sessions.invalid-allow", "allowlist entry '" + entry + "' is not host[:port], IP[:port] or CIDR[:port]");
    }
    try {
      List<Destination> destinations = new ArrayList<>();
      for (InetAddress resolved : InetAddress.getAllByName(host)) {
        destinations.add(new Destination(text(resolved) + "/" + resolved.getAddress().length * 8, port));
      }
      return destinations;
    } catch (UnknownHostException e) {
      throw new IOException("allowlist host '" + host + "' does not resolve", e);
    }
  }

  /** The canonical text of an address (IPv6 with its longest run of zero groups as {@code ::}), as the API server prefers. */
  static String text(InetAddress address) {
    String full = address.getHostAddress().replaceAll("%.*$", "");
    if (address.getAddress().length == 4) return full;
    String[] groups = full.split(":");
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < groups.length; ) {
      int j = i;
      while (j < groups.length && groups[j].equals("0")) j++;
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = Math.max(j, i + 1);
    }
    if (bestStart < 0) return full;
    String head = String.join(":", Arrays.copyOfRange(groups, 0, bestStart));
    String tail = String.join(":", Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
    return head + "::" + tail;
  }

  private static InetAddress literal(String entry, String address) {
    // InetAddress looks up anything that is not a valid literal, so an out-of-range IPv4 octet is refused first
    boolean octetsFit = !IPV4.matcher(address).matches()
        || Arrays.stream(address.split("\\.")).allMatch(octet -> Integer.parseInt(octet) <= 255);
    try {
      if (octetsFit) return InetAddress.getByName(address);
    } catch (UnknownHostException e) {
      // refused below
    }
    throw DirectorException.invalid("sessions.invalid-allow", "allowlist entry '" + entry + "' is not a valid IP address");
  }

  /** The block's first address: the API server refuses (or warns about) a CIDR with host bits set. */
  private static InetAddress network(InetAddress address, int prefix) throws UnknownHostException {
    byte[] bytes = address.getAddress();
    for (int i = 0; i < bytes.length; i++) {
      int keep = Math.max(0, Math.min(8, prefix - i * 8));
      bytes[i] &= (byte) (0xff << (8 - keep));
    }
    return InetAddress.getByAddress(bytes);
  }

  private static int prefix(String entry, String text, int bits) {
    try {
      int prefix = Integer.parseInt(text);
      if (prefix >= 0 && prefix <= bits) return prefix;
    } catch (NumberFormatException e) {
      // refused below
    }
    throw DirectorException.invalid("sessions.invalid-allow", "allowlist entry '" + entry + "' has an invalid prefix length");
  }

  private static int port(String entry, String text) {
    try {
      int port = Integer.parseInt(text);
      if (port >= 1 && port <= 65535) return port;
    } catch (NumberFormatException e) {
      // refused below
    }
    throw DirectorException.invalid("sessions.invalid-allow", "allowlist entry '" + entry + "' has an invalid port");
  }

  private static NetworkPolicyEgressRule dns(KubernetesSettings settings) {
    return new NetworkPolicyEgressRuleBuilder()
        .addNewTo().withNamespaceSelector(namespace(settings.dnsNamespace())).endTo()
        .withPorts(port("UDP", 53), port("TCP", 53)).build();
  }

  private static LabelSelector namespace(String name) {
    return new LabelSelectorBuilder().withMatchLabels(Map.of(NAMESPACE_NAME, name)).build();
  }

  private static NetworkPolicyPort port(String protocol, int port) {
    return new NetworkPolicyPortBuilder().withProtocol(protocol).withPort(new IntOrString(port)).build();
  }
}
