package io.director.sessions.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The way out of an {@code allowlist} sandbox, which has no network of its own: an HTTP proxy on a
 * Unix socket bound into the sandbox (a relay inside makes it {@code 127.0.0.1:3128}, the
 * sandbox's {@code HTTP(S)_PROXY}). It serves {@code CONNECT host:port} (HTTPS and anything
 * tunnelled) and plain {@code http://} requests, and only to the allowed destinations; everything
 * else gets 403. A name is resolved once, here, and the address checked is the address connected
 * to, so DNS cannot swap it afterwards.
 */
final class EgressProxy implements AutoCloseable {
  private static final int MAX_HEAD = 64 * 1024;

  private final List<Rule> rules;

  /** One allowlist entry: a host name or an address range, and a port (0: any). */
  record Rule(Optional<String> host, Optional<byte[]> network, int prefix, int port) {
    boolean matches(String name, InetAddress address, int targetPort) {
      if (port != 0 && port != targetPort) return false;
      if (host.isPresent()) return host.get().equalsIgnoreCase(name);
      byte[] net = network.orElseThrow();
      byte[] a = address.getAddress();
      if (a.length != net.length) return false;
      for (int bit = 0; bit < prefix; bit++) {
        int mask = 0x80 >> (bit % 8);
        if ((a[bit / 8] & mask) != (net[bit / 8] & mask)) return false;
      }
      return true;
    }

    /** {@code host[:port]}, {@code ip[:port]}, {@code cidr[:port]} or {@code [ipv6][/prefix][:port]}, as the request accepted them. */
    static Rule parse(String entry) {
      String e = entry.trim();
      int port = 0;
      String hostPart = e;
      if (e.startsWith("[")) {
        int close = e.indexOf(']');
        hostPart = e.substring(1, close);
        String rest = e.substring(close + 1);
        if (rest.startsWith("/")) {
          int colon = rest.indexOf(':');
          hostPart += colon < 0 ? rest : rest.substring(0, colon);
          rest = colon < 0 ? "" : rest.substring(colon);
        }
        if (rest.startsWith(":")) port = Integer.parseInt(rest.substring(1));
      } else {
        int colon = e.lastIndexOf(':');
        if (colon > 0) {
          port = Integer.parseInt(e.substring(colon + 1));
          hostPart = e.substring(0, colon);
        }
      }
      int slash = hostPart.indexOf('/');
      String addr = slash < 0 ? hostPart : hostPart.substring(0, slash);
      if (addr.matches("\\d{1,3}(\\.\\d{1,3}){3}") || addr.contains(":")) {
        try {
          byte[] bytes = InetAddress.getByName(addr).getAddress();
          int prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(hostPart.substring(slash + 1));
          return new Rule(Optional.empty(), Optional.of(bytes), Math.min(prefix, bytes.length * 8), port);
        } catch (IOException ex) {
          throw new IllegalArgumentException("not an address: " + addr);
        }
      }
      return new Rule(Optional.of(addr.toLowerCase(Locale.ROOT)), Optional.empty(), 0, port);
    }
  }

  private final boolean allowLocal;
  private final UnixListener listener;

  private EgressProxy(Path path, List<Rule> rules, Optional<Integer> ownerUid, boolean allowLocal) throws IOException {
    this.rules = rules;
    this.allowLocal = allowLocal;
    // at most 128 tunnels at once per session: an agent cannot tie up Director's sockets and threads
    this.listener = UnixListener.open(path, ownerUid, 128, "egress-proxy", this::serve);
  }

  static EgressProxy open(Path path, List<String> allow, Optional<Integer> ownerUid, boolean allowLocal) throws IOException {
    List<Rule> rules = new ArrayList<>();
    for (String a : allow) rules.add(Rule.parse(a));
    return new EgressProxy(path, List.copyOf(rules), ownerUid, allowLocal);
  }

  private void serve(SocketChannel ch) throws IOException {
    try (InputStream in = Channels.newInputStream(ch); OutputStream out = Channels.newOutputStream(ch)) {
      byte[] head = readHead(in);
      if (head == null) return;
      String text = new String(head, StandardCharsets.ISO_8859_1);
      String requestLine = text.substring(0, text.indexOf("\r\n"));
      String[] parts = requestLine.split(" ");
      if (parts.length != 3) {
        refuse(out, 400, "not an HTTP proxy request");
        return;
      }
      boolean connect = parts[0].equalsIgnoreCase("CONNECT");
      String authority;
      String forward = null;
      int defaultPort;
      if (connect) {
        authority = parts[1];
        defaultPort = 443;
      } else if (parts[1].regionMatches(true, 0, "http://", 0, 7)) {
        String rest = parts[1].substring(7);
        int slash = rest.indexOf('/');
        authority = slash < 0 ? rest : rest.substring(0, slash);
        String pathAndQuery = slash < 0 ? "/" : rest.substring(slash);
        // origin-form to the server, one request per connection
        String headers = text.substring(text.indexOf("\r\n") + 2).replaceAll("(?im)^(proxy-connection|connection|keep-alive):.*\r\n", "");
        forward = parts[0] + " " + pathAndQuery + " " + parts[2] + "\r\n" + headers.substring(0, headers.length() - 2) + "Connection: close\r\n\r\n";
        defaultPort = 80;
      } else {
        refuse(out, 400, "send CONNECT host:port, or an absolute http:// URL");
        return;
      }
      String host = authority;
      int port = defaultPort;
      if (authority.startsWith("[")) {
        int close = authority.indexOf(']');
        host = authority.substring(1, close);
        if (authority.length() > close + 1 && authority.charAt(close + 1) == ':') port = Integer.parseInt(authority.substring(close + 2));
      } else if (authority.lastIndexOf(':') > 0) {
        host = authority.substring(0, authority.lastIndexOf(':'));
        port = Integer.parseInt(authority.substring(authority.lastIndexOf(':') + 1));
      }
      String name = host;
      int p = port;
      boolean byName = rules.stream().anyMatch(r -> r.host().isPresent() && r.matches(name, null, p));
      boolean byAddress = rules.stream().anyMatch(r -> r.network().isPresent());
      if (!byName && !byAddress) { // nothing to resolve for: a refused name is never even looked up
        refuse(out, 403, host + ":" + port + " is not on this session's allowlist");
        return;
      }
      InetAddress address;
      try {
        address = InetAddress.getByName(host);
      } catch (IOException e) {
        refuse(out, 502, "cannot resolve " + host);
        return;
      }
      if (!byName && rules.stream().noneMatch(r -> r.network().isPresent() && r.matches(name, address, p))) {
        refuse(out, 403, host + ":" + port + " is not on this session's allowlist");
        return;
      }
      if (!allowLocal && (address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isAnyLocalAddress()
          || address.isMulticastAddress())) {
        refuse(out, 403, host + " is a local address (" + address.getHostAddress() + "), which sessions may not reach (SANDBOX_EGRESS_ALLOW_LOCAL)");
        return;
      }
      Socket upstream = new Socket();
      listener.hold(upstream);
      try {
        upstream.connect(new InetSocketAddress(address, port), 10_000);
        OutputStream up = upstream.getOutputStream();
        if (connect) {
          out.write("HTTP/1.1 200 Connection Established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
          out.flush();
        } else {
          up.write(forward.getBytes(StandardCharsets.ISO_8859_1));
          up.flush();
        }
        Thread pump = Thread.ofVirtual().start(() -> copy(in, up, upstream));
        copy(upstream.getInputStream(), out, null);
        pump.join(1000);
      } catch (IOException e) {
        refuse(out, 502, "cannot reach " + host + ":" + port + ": " + e.getMessage());
      } finally {
        listener.release(upstream);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void copy(InputStream in, OutputStream out, Socket halfClose) {
    byte[] buf = new byte[16 * 1024];
    try {
      int n;
      while ((n = in.read(buf)) > 0) {
        out.write(buf, 0, n);
        out.flush();
      }
      if (halfClose != null) halfClose.shutdownOutput();
    } catch (IOException e) {
      // one side closed
    }
  }

  private static byte[] readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    int b;
    while ((b = in.read()) != -1) {
      head.write(b);
      matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3)) ? matched + 1 : b == '\r' ? 1 : 0;
      if (matched == 4) return head.toByteArray();
      if (head.size() > MAX_HEAD) return null;
    }
    return null;
  }

  private static void refuse(OutputStream out, int status, String why) throws IOException {
    String reason = switch (status) {
      case 403 -> "Forbidden";
      case 502 -> "Bad Gateway";
      default -> "Bad Request";
    };
    byte[] body = ("director: " + why + "\n").getBytes(StandardCharsets.UTF_8);
    out.write(("HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: text/plain\r\nContent-Length: " + body.length
        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
    out.write(body);
    out.flush();
  }

  @Override
  public void close() {
    listener.close();
  }
}
