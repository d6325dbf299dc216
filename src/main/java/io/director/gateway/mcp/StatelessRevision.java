package io.director.gateway.mcp;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import tools.jackson.databind.JsonNode;

/**
 * What both sides of the stateless revision 2026-07-28 agree on — the envelope keys in
 * {@code params._meta}, and the headers that repeat a request's method and name — for Director as
 * a server to stateless clients and as a client of stateless upstreams.
 */
public final class StatelessRevision {
  public static final String VERSION = "2026-07-28";
  public static final String META_VERSION = "io.modelcontextprotocol/protocolVersion";
  public static final String META_CAPABILITIES = "io.modelcontextprotocol/clientCapabilities";
  public static final String META_CLIENT_INFO = "io.modelcontextprotocol/clientInfo";
  public static final String META_SERVER_INFO = "io.modelcontextprotocol/serverInfo";
  public static final String META_LOG_LEVEL = "io.modelcontextprotocol/logLevel";
  public static final String METHOD_HEADER = "Mcp-Method";
  public static final String NAME_HEADER = "Mcp-Name";
  private static final String BASE64 = "=?base64?";

  private StatelessRevision() {}

  /** What the {@code Mcp-Name} header carries for a request: its name or uri, or null when the method has none. */
  public static String name(String method, JsonNode params) {
    return switch (method) {
      case "tools/call", "prompts/get" -> params.path("name").asString("");
      case "resources/read" -> params.path("uri").asString("");
      default -> null;
    };
  }

  /** A header value as sent: plain printable ASCII as is, anything else base64 in {@code =?base64?…?=}. */
  public static String encodeHeader(String value) {
    boolean plain = value.chars().allMatch(c -> c >= 0x20 && c < 0x7f) && !value.startsWith(BASE64);
    return plain ? value : BASE64 + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)) + "?=";
  }

  /** A header value as meant: decoded when it was sent as {@code =?base64?…?=}; null when absent or undecodable. */
  public static String decodeHeader(String value) {
    if (value == null || !(value.startsWith(BASE64) && value.endsWith("?="))) return value;
    try {
      return new String(Base64.getDecoder().decode(value.substring(BASE64.length(), value.length() - 2)), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Whether an upstream's answer to initialize (or discover) says it speaks this revision. */
  static boolean spokenBy(Upstream upstream) {
    return upstream.initializeResult() != null && VERSION.equals(upstream.initializeResult().path("protocolVersion").asString(""));
  }
}
