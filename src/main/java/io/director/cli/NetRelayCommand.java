package io.director.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code director net-relay}: inside an allowlist session, listens on the sandbox's own loopback
 * and carries each connection to Director's egress proxy over the session's Unix socket. Director
 * starts it; agents see it as {@code HTTP_PROXY}/{@code HTTPS_PROXY}.
 */
@Command(name = "net-relay", mixinStandardHelpOptions = true, hidden = true,
    description = "Inside an allowlist session: relay 127.0.0.1:PORT to Director's egress proxy.")
public final class NetRelayCommand implements Callable<Integer> {
  @Option(names = "--port", defaultValue = "3128", description = "Loopback port to listen on (default: ${DEFAULT-VALUE}).") int port;

  @Option(names = "--socket", defaultValue = "/run/director/egress.sock", description = "The session's egress socket.") Path socket;

  @Override
  public Integer call() throws Exception {
    try (ServerSocket server = new ServerSocket(port, 128, InetAddress.getLoopbackAddress())) {
      while (true) {
        Socket client = server.accept();
        Thread.ofVirtual().start(() -> relay(client));
      }
    }
  }

  private void relay(Socket client) {
    try (client; SocketChannel proxy = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      proxy.connect(UnixDomainSocketAddress.of(socket));
      OutputStream toProxy = Channels.newOutputStream(proxy);
      Thread up = Thread.ofVirtual().start(() -> {
        Pipes.copy(safe(client), toProxy);
        try {
          proxy.shutdownOutput();
        } catch (IOException e) {
          // closed
        }
      });
      Pipes.copy(Channels.newInputStream(proxy), client.getOutputStream());
      up.join(1000);
    } catch (IOException e) {
      // the agent or the proxy closed
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static InputStream safe(Socket s) {
    try {
      return s.getInputStream();
    } catch (IOException e) {
      return InputStream.nullInputStream();
    }
  }
}
