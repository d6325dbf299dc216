package io.director.gateway;

import io.director.identity.Principal;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Tools Director serves itself, next to a playbook's upstream servers (the {@code memory} server
 * is one). Another module implements this as a bean; the gateway lists its tools in every playbook
 * that {@link #servedIn serves} it and routes calls to {@link #call}, with the same auth, audit and
 * metrics as upstream tools. Its tool names win over an upstream's.
 */
public interface BuiltinTools {
  /** The server name shown in tool descriptions, call records and metrics. */
  String server();

  boolean servedIn(Playbook playbook);

  /** MCP tool definitions ({@code name}, {@code description}, {@code inputSchema}, …). */
  List<ObjectNode> definitions();

  /**
   * Runs a tool and returns an MCP {@code CallToolResult}; a caller's mistake is a result with
   * {@code isError: true}, not an exception.
   */
  JsonNode call(Playbook playbook, Principal caller, String tool, JsonNode arguments);
}
