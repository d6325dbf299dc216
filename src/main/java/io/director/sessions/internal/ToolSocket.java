package io.director.sessions.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A session's way to its tools without a network: a Unix socket bound into the sandbox that
 * speaks MCP's stdio framing (one JSON-RPC message per line). Each connection becomes a client of
 * Director's own Streamable HTTP endpoint for the session's playbook, on loopback, with the
 * session's credential — so tool calls go through the same authentication, policy, audit and
 * metrics as any other client, and the credential grants that playbook only. Inside the sandbox
 * the agent runs {@code director-mcp} (a byte pipe to this socket) as a stdio MCP server.
 */
final class ToolSocket implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ToolSocket.class);
  private static final int MAX_LINE = 4 * 1024 * 1024;
  private static final int MAX_IN_FLIGHT = 32;
  private static final int MAX_CONNECTIONS = 16;
  private final AtomicBoolean closed = new AtomicBoolean();

  private final URI endpoint;
  private final String token;
  private final HttpClient http;
  private final UnixListener listener;

  private ToolSocket(Path path, URI endpoint, String token, HttpClient http, Optional<Integer> ownerUid) throws IOException {
    this.endpoint = endpoint;
    this.token = token;
    this.http = http;
    this.listener = UnixListener.open(path, ownerUid, MAX_CONNECTIONS, "tool-socket", ch -> new Connection(ch).run());
  }

  /** Listens on {@code path}, which only {@code ownerUid} (the sandbox's user, when Director is root) may use. */
  static ToolSocket open(Path path, URI endpoint, String token, HttpClient http, Optional<Integer> ownerUid) throws IOException {
    return new ToolSocket(path, endpoint, token, http, ownerUid);
  }

  @Override
  public void close() {
    closed.set(true);
    listener.close();
  }

  /** One agent-side MCP client: lines in, Streamable HTTP out, answers back as lines. */
  private final class Connection {
    private final SocketChannel channel;
    private volatile String sessionId;
    private volatile String protocolVersion;
    private final AtomicBoolean listening = new AtomicBoolean();
    private final java.util.concurrent.locks.ReentrantLock writing = new java.util.concurrent.locks.ReentrantLock();
    /** Requests of this connection in flight at once; more are answered with an error at once. */
    private final java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(MAX_IN_FLIGHT);

    Connection(SocketChannel channel) {
      this.channel = channel;
    }

    void run() {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8))) {
        String line;
        while ((line = readLine(in)) != null) {
          if (line.isBlank()) continue;
          String message = line;
          JsonNode parsed;
          try {
            parsed = SessionStore.JSON.readTree(message);
          } catch (RuntimeException e) {
            send(error(null, -32700, "Parse error: not a JSON-RPC message"));
            continue;
          }
          // each request on its own thread: a call's stream may need the client's answer to a request it carries;
          // notifications and answers go in order, at once
          if (parsed.has("method") && parsed.has("id")) {
            if (!inFlight.tryAcquire()) {
              send(error(parsed.get("id"), -32000, "too many requests in flight on this connection (" + MAX_IN_FLIGHT + ")"));
              continue;
            }
            Thread.ofVirtual().name("tool-socket-post").start(() -> {
              try {
                post(message, parsed);
              } finally {
                inFlight.release();
              }
            });
          } else {
            post(message, parsed);
          }
        }
      } catch (IOException e) {
        log.debug("tool socket connection ended: {}", e.toString());
      } finally {
        end();
      }
    }

    private String readLine(BufferedReader in) throws IOException {
      StringBuilder sb = new StringBuilder();
      int c;
      while ((c = in.read()) != -1) {
        if (c == '\n') return sb.toString();
        if (sb.length() >= MAX_LINE) throw new IOException("message longer than " + MAX_LINE + " bytes");
        sb.append((char) c);
      }
      return sb.isEmpty() ? null : sb.toString();
    }

    private HttpRequest.Builder request() {
      HttpRequest.Builder b = HttpRequest.newBuilder(endpoint).header("Authorization", "Bearer " + token)
          .header("Accept", "application/json, text/event-stream");
      if (sessionId != null) b.header("Mcp-Session-Id", sessionId);
      if (protocolVersion != null) b.header("MCP-Protocol-Version", protocolVersion);
      return b;
    }

    private void post(String message, JsonNode parsed) {
      JsonNode id = parsed.get("id");
      boolean isRequest = parsed.has("method") && id != null;
      try {
        HttpResponse<InputStream> response = http.send(request().timeout(Duration.ofHours(1)).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(message)).build(), HttpResponse.BodyHandlers.ofInputStream());
        if ("initialize".equals(parsed.path("method").asString())) {
          response.headers().firstValue("Mcp-Session-Id").ifPresent(s -> sessionId = s);
        }
        String type = response.headers().firstValue("Content-Type").orElse("");
        try (InputStream body = response.body()) {
          if (type.startsWith("text/event-stream")) {
            events(body);
          } else if (response.statusCode() == 202 || response.statusCode() == 204) {
            body.readAllBytes();
          } else {
            byte[] bytes = body.readAllBytes();
            relay(bytes, id, isRequest, response.statusCode());
          }
        }
        if ("notifications/initialized".equals(parsed.path("method").asString()) && listening.compareAndSet(false, true)) {
          Thread.ofVirtual().name("tool-socket-listen").start(this::listen);
        }
      } catch (IOException e) {
        if (isRequest) send(error(id, -32603, "Director is unreachable: " + e.getMessage()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private void relay(byte[] bytes, JsonNode id, boolean isRequest, int status) {
      JsonNode answer = null;
      try {
        answer = bytes.length == 0 ? null : SessionStore.JSON.readTree(bytes);
      } catch (RuntimeException e) {
        // not JSON
      }
      if (answer != null && answer.has("jsonrpc")) {
        remember(answer);
        send(answer.toString());
      } else if (isRequest) {
        String detail = answer != null && answer.hasNonNull("detail") ? answer.get("detail").asString() : "HTTP " + status;
        send(error(id, -32603, "Director refused the request: " + detail));
      }
    }

    private void remember(JsonNode answer) {
      JsonNode version = answer.path("result").path("protocolVersion");
      if (version.isString() && answer.path("result").has("serverInfo")) protocolVersion = version.asString();
    }

    private void events(InputStream body) throws IOException {
      BufferedReader r = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
      StringBuilder data = new StringBuilder();
      String line;
      while ((line = r.readLine()) != null) {
        if (line.isEmpty()) {
          if (!data.isEmpty()) {
            String payload = data.toString();
            data.setLength(0);
            try {
              JsonNode message = SessionStore.JSON.readTree(payload);
              remember(message);
              send(message.toString());
            } catch (RuntimeException e) {
              log.debug("tool socket: skipping an event that is not JSON");
            }
          }
        } else if (line.startsWith("data:")) {
          if (!data.isEmpty()) data.append('\n');
          data.append(line.substring(line.startsWith("data: ") ? 6 : 5));
        }
      }
    }

    /** The GET stream: what the server says on its own (list changes, requests outside a call). */
    private void listen() {
      try {
        HttpResponse<InputStream> response = http.send(request().GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
          if (response.statusCode() == 200) events(body);
          else body.readAllBytes();
        }
      } catch (IOException e) {
        log.debug("tool socket listen stream ended: {}", e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private void send(String line) {
      ByteBuffer buf = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
      writing.lock(); // a lock, not a monitor: a stalled reader must not pin carrier threads
      try {
        while (buf.hasRemaining()) channel.write(buf);
      } catch (IOException e) {
        log.debug("tool socket write failed: {}", e.toString());
      } finally {
        writing.unlock();
      }
    }

    private void end() {
      listener.release(channel);
      String id = sessionId;
      if (id != null && !closed.get()) {
        try {
          http.send(request().DELETE().build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
          // the MCP session expires on its own
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  static String error(JsonNode id, int code, String message) {
    ObjectNode n = SessionStore.JSON.createObjectNode();
    n.put("jsonrpc", "2.0");
    if (id == null) n.putNull("id");
    else n.set("id", id);
    n.putObject("error").put("code", code).put("message", message);
    return n.toString();
  }

}
