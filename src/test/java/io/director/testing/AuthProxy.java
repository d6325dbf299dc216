package io.director.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;

/**
 * A loopback reverse proxy that adds an Authorization header, for peers that cannot send one (the
 * MCP conformance suite). Bodies are streamed both ways, so event streams pass through as they come.
 */
public final class AuthProxy implements AutoCloseable {
  private static final Set<String> HOP = Set.of("connection", "content-length", "host", "transfer-encoding", "upgrade", "expect",
      "keep-alive", "te", "trailer", "proxy-connection", "http2-settings");
  private final HttpServer server;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
      .executor(Executors.newVirtualThreadPerTaskExecutor()).build();

  public AuthProxy(URI target, String authorization, int port) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", exchange -> forward(exchange, target, authorization));
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void forward(HttpExchange exchange, URI target, String authorization) throws IOException {
    try (exchange) {
      URI uri = target.resolve(exchange.getRequestURI().toString());
      byte[] body = exchange.getRequestBody().readAllBytes();
      HttpRequest.Builder b = HttpRequest.newBuilder(uri).method(exchange.getRequestMethod(),
          body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
      exchange.getRequestHeaders().forEach((name, values) -> {
        if (!HOP.contains(name.toLowerCase()) && !name.equalsIgnoreCase("authorization")) values.forEach(v -> b.header(name, v));
      });
      b.header("Authorization", authorization);
      HttpResponse<InputStream> response;
      try {
        response = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        exchange.sendResponseHeaders(502, -1);
        return;
      }
      response.headers().map().forEach((name, values) -> {
        if (!HOP.contains(name.toLowerCase()) && !name.startsWith(":")) exchange.getResponseHeaders().put(name, List.copyOf(values));
      });
      try (InputStream in = response.body()) {
        boolean empty = response.statusCode() == 204 || response.statusCode() == 202 && response.headers().firstValueAsLong("content-length").orElse(-1) == 0;
        exchange.sendResponseHeaders(response.statusCode(), empty ? -1 : 0);
        if (empty) return;
        OutputStream out = exchange.getResponseBody();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) > 0) {
          out.write(buf, 0, n);
          out.flush();
        }
      }
    } catch (IOException e) {
      // the client or Director went away mid-stream
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
