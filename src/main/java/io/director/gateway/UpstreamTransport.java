package io.director.gateway;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** How Director reaches an upstream MCP server. */
public sealed interface UpstreamTransport {

  /** The wire name: stdio, http or sse. */
  String kind();

  /** A local process speaking MCP over stdin/stdout, started by Director. */
  record Stdio(String command, List<String> args, Map<String, Value> env, Optional<String> cwd) implements UpstreamTransport {
    public Stdio {
      requireNonNull(command, "command");
      args = List.copyOf(args);
      env = Map.copyOf(env);
      requireNonNull(cwd, "cwd");
    }

    @Override
    public String kind() {
      return "stdio";
    }
  }

  /** A remote server speaking Streamable HTTP (protocol 2025-03-26 and later). */
  record StreamableHttp(URI url, Map<String, Value> headers) implements UpstreamTransport {
    public StreamableHttp {
      requireNonNull(url, "url");
      headers = Map.copyOf(headers);
    }

    @Override
    public String kind() {
      return "http";
    }
  }

  /** A remote server speaking the legacy HTTP+SSE transport (protocol 2024-11-05). */
  record LegacySse(URI url, Map<String, Value> headers) implements UpstreamTransport {
    public LegacySse {
      requireNonNull(url, "url");
      headers = Map.copyOf(headers);
    }

    @Override
    public String kind() {
      return "sse";
    }
  }

  /** An env or header value; secret ones are encrypted at rest and never shown. */
  record Value(String value, boolean secret) {
    public Value {
      requireNonNull(value, "value");
    }
  }
}
