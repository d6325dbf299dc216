package io.director.identity.internal;

import io.director.identity.ClientInfo;
import io.director.platform.config.Cidr;
import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.util.List;

/**
 * The client's address: the TCP peer, or — only when the peer is a trusted proxy — the nearest
 * untrusted address in X-Forwarded-For, so that a client cannot choose its own rate-limit bucket.
 */
public final class ClientAddresses {
  private final List<Cidr> trusted;

  public ClientAddresses(List<Cidr> trusted) {
    this.trusted = List.copyOf(trusted);
  }

  public ClientInfo of(HttpServletRequest request) {
    return new ClientInfo(ip(request), request.getHeader("User-Agent"));
  }

  public String ip(HttpServletRequest request) {
    String peer = request.getRemoteAddr();
    if (trusted.isEmpty() || !isTrusted(peer)) return peer;
    String forwarded = request.getHeader("X-Forwarded-For");
    if (forwarded == null || forwarded.isBlank()) return peer;
    String[] hops = forwarded.split(",");
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = hops[i].trim();
      if (!isLiteral(hop)) return peer;
      if (!isTrusted(hop)) return hop;
    }
    return hops[0].trim();
  }

  private boolean isTrusted(String ip) {
    if (!isLiteral(ip)) return false;
    try {
      InetAddress address = InetAddress.getByName(ip);
      return trusted.stream().anyMatch(c -> c.contains(address));
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  private static boolean isLiteral(String ip) {
    return ip != null && (ip.matches("\\d{1,3}(\\.\\d{1,3}){3}") || ip.contains(":") && ip.matches("[0-9A-Fa-f:.]+"));
  }
}
