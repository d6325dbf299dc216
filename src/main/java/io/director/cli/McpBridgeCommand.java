package io.director.cli;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code director mcp-bridge}: a stdio MCP server for agents inside a sandbox. It carries stdin to
 * the session's Unix socket and the socket back to stdout, byte for byte; Director does the rest.
 * Agents are configured with it as {@code $DIRECTOR_MCP_COMMAND}.
 */
@Command(name = "mcp-bridge", mixinStandardHelpOptions = true,
    description = "Inside a session: serve the session's playbook tools over stdio (MCP) through the session's socket.")
public final class McpBridgeCommand implements Callable<Integer> {
  @Option(names = "--socket", paramLabel = "PATH", description = "The session's socket (default: $DIRECTOR_MCP_SOCKET).")
  Path socket;

  @Override
  public Integer call() throws Exception {
    Path path = socket != null ? socket : envSocket();
    if (path == null) {
      System.err.println("director mcp-bridge: no socket; run it inside a Director session with a playbook, or pass --socket");
      return ExitCodes.USAGE;
    }
    SocketChannel channel;
    try {
      channel = SocketChannel.open(StandardProtocolFamily.UNIX);
      channel.connect(UnixDomainSocketAddress.of(path));
    } catch (IOException e) {
      System.err.println("director mcp-bridge: cannot reach " + path + ": " + e.getMessage());
      return ExitCodes.UNAVAILABLE;
    }
    Thread up = Thread.ofPlatform().daemon().name("stdin").start(() -> {
      try {
        Pipes.copy(System.in, Channels.newOutputStream(channel));
      } finally {
        try {
          channel.shutdownOutput();
        } catch (IOException e) {
          // already closed
        }
      }
    });
    Pipes.copy(Channels.newInputStream(channel), System.out);
    up.interrupt();
    return ExitCodes.OK;
  }

  private static Path envSocket() {
    String s = System.getenv("DIRECTOR_MCP_SOCKET");
    return s == null || s.isBlank() ? null : Path.of(s);
  }
}
