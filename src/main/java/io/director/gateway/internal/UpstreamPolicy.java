package io.director.gateway.internal;

import io.director.gateway.UpstreamServer;
import io.director.gateway.UpstreamTransport;
import io.director.platform.config.DirectorConfig;
import io.director.platform.config.EffectiveConfig;
import io.director.shared.DirectorException;
import io.director.shared.ProblemKind;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * What an upstream may be: stdio commands from ALLOWED_STDIO_COMMANDS only, and plain http only to
 * loopback — unless the development-only DANGEROUSLY_* flags say otherwise.
 */
@Component
public class UpstreamPolicy {
  private final Set<String> allowedCommands;
  private final boolean arbitraryCommands;
  private final boolean insecureHttp;

  UpstreamPolicy(EffectiveConfig effective, DirectorConfig config) {
    this.allowedCommands = Arrays.stream(effective.raw("ALLOWED_STDIO_COMMANDS").orElse("").split(","))
        .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
    this.arbitraryCommands = config.dangerousFlags().contains("DANGEROUSLY_ALLOW_ARBITRARY_STDIO_SERVERS");
    this.insecureHttp = config.dangerousFlags().contains("DANGEROUSLY_ALLOW_INSECURE_HTTP_SERVERS");
  }

  public void check(UpstreamServer server) {
    switch (server.transport()) {
      case UpstreamTransport.Stdio stdio -> {
        if (!arbitraryCommands && !allowedCommands.contains(stdio.command())) {
          throw new DirectorException(ProblemKind.UNPROCESSABLE, "gateway.command-not-allowed",
              "server '" + server.name() + "': command '" + PlaybookJson.abbreviate(stdio.command()) + "' is not in ALLOWED_STDIO_COMMANDS "
                  + allowedCommands.stream().sorted().toList());
        }
      }
      case UpstreamTransport.StreamableHttp http -> checkUrl(server.name(), http.url());
      case UpstreamTransport.LegacySse sse -> checkUrl(server.name(), sse.url());
    }
  }

  private void checkUrl(String name, java.net.URI url) {
    if (insecureHttp || "https".equals(url.getScheme()) || loopback(url.getHost())) return;
    throw new DirectorException(ProblemKind.UNPROCESSABLE, "gateway.insecure-url",
        "server '" + name + "': plain http is only allowed to loopback addresses; use https");
  }

  private static boolean loopback(String host) {
    String h = host.toLowerCase(Locale.ROOT).replace("[", "").replace("]", "");
    if (h.equals("localhost")) return true;
    if (!h.matches("[0-9.]+") && !h.contains(":")) return false; // no DNS lookups here
    try {
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }
}
