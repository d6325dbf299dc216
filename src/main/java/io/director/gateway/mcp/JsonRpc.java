package io.director.gateway.mcp;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * JSON-RPC 2.0 at the message level. Director forwards messages as trees, so fields it does not
 * know (extensions, newer protocol fields) survive the trip instead of being dropped by a typed model.
 */
public final class JsonRpc {
  public static final JsonMapper JSON = JsonMapper.builder().build();
  public static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  public static final int PARSE_ERROR = -32700;
  public static final int INVALID_REQUEST = -32600;
  public static final int METHOD_NOT_FOUND = -32601;
  public static final int INVALID_PARAMS = -32602;
  public static final int INTERNAL_ERROR = -32603;
  /** Implementation-defined: the upstream could not be reached or did not answer in time. */
  public static final int UPSTREAM_UNAVAILABLE = -32001;

  private JsonRpc() {}

  public static boolean isRequest(JsonNode m) {
    return m.isObject() && m.hasNonNull("method") && m.has("id") && !m.get("id").isNull();
  }

  public static boolean isNotification(JsonNode m) {
    return m.isObject() && m.hasNonNull("method") && !m.has("id");
  }

  public static boolean isResponse(JsonNode m) {
    return m.isObject() && !m.has("method") && m.has("id") && (m.has("result") || m.has("error"));
  }

  public static ObjectNode request(long id, String method, JsonNode params) {
    ObjectNode m = NODES.objectNode().put("jsonrpc", "2.0").put("id", id).put("method", method);
    if (params != null && !params.isNull()) m.set("params", params);
    return m;
  }

  public static ObjectNode notification(String method, JsonNode params) {
    ObjectNode m = NODES.objectNode().put("jsonrpc", "2.0").put("method", method);
    if (params != null && !params.isNull()) m.set("params", params);
    return m;
  }

  public static ObjectNode result(JsonNode id, JsonNode result) {
    ObjectNode m = NODES.objectNode().put("jsonrpc", "2.0");
    m.set("id", id);
    m.set("result", result);
    return m;
  }

  public static ObjectNode error(JsonNode id, int code, String message) {
    ObjectNode m = NODES.objectNode().put("jsonrpc", "2.0");
    m.set("id", id == null ? NODES.nullNode() : id);
    m.putObject("error").put("code", code).put("message", message);
    return m;
  }

  /** What Director sends as a client when it initialises an upstream. */
  public static ObjectNode initializeParams(String protocolVersion) {
    ObjectNode params = NODES.objectNode().put("protocolVersion", protocolVersion);
    // Director answers these for its clients: it passes each such request to the client whose call caused it
    ObjectNode caps = params.putObject("capabilities");
    caps.putObject("sampling");
    caps.putObject("elicitation");
    caps.putObject("roots");
    params.putObject("clientInfo").put("name", "director").put("version", io.director.platform.Version.current());
    return params;
  }

  /** A failure that becomes a JSON-RPC error response. */
  public static final class Failure extends RuntimeException {
    private final int code;

    public Failure(int code, String message) {
      super(message);
      this.code = code;
    }

    public int code() {
      return code;
    }
  }
}
