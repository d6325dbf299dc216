package io.director.sessions;

import io.director.shared.DirectorException;
import java.util.Arrays;
import java.util.Locale;

/**
 * What a session may reach over the network. {@code none}: nothing, not even Director (tools come
 * through a Unix socket); {@code gateway}: only Director's tools, the same way; {@code allowlist}:
 * the listed hosts; {@code open}: anything the host can reach.
 */
public enum NetworkMode {
  NONE,
  GATEWAY,
  ALLOWLIST,
  OPEN;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static NetworkMode parse(String text) {
    return Arrays.stream(values()).filter(m -> m.wire().equals(text)).findFirst()
        .orElseThrow(() -> DirectorException.field("sessions.invalid-network", "network.mode",
            "unknown network mode; use one of none, gateway, allowlist, open"));
  }
}
