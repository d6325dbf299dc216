package io.director.gateway.internal;

import io.director.gateway.Playbook;
import io.director.gateway.PromptTemplate;
import io.director.gateway.ToolPolicy;
import io.director.gateway.UpstreamServer;
import io.director.gateway.UpstreamTransport;
import io.director.gateway.UpstreamTransport.Value;
import io.director.shared.DirectorException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads playbook documents (REST bodies and {@code director playbook apply} files) strictly — an
 * unknown field is an error, not silently ignored — and writes them back with every secret masked.
 * A masked value sent back means "keep the stored one", so an export can be edited and applied.
 */
public final class PlaybookJson {
  public static final String MASK = "********";
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Pattern PLAYBOOK_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}");
  private static final Pattern SERVER_NAME = Pattern.compile("[a-z0-9](?:[a-z0-9-]|_(?!_)){0,47}");
  private static final Pattern PROMPT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}");
  private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(key|token|secret|passw|credential|auth|cookie|session).*");

  private PlaybookJson() {}

  /** The settable fields of a playbook. */
  public record PlaybookFields(String name, String description, boolean memory, boolean recordArguments) {}

  public static PlaybookFields playbookFields(JsonNode doc, Optional<PlaybookFields> current) {
    object(doc, "playbook");
    allowOnly(doc, "playbook", Set.of("name", "description", "memory", "record_arguments", "servers", "prompts"));
    String name = text(doc, "name").or(() -> current.map(PlaybookFields::name))
        .orElseThrow(() -> invalid("gateway.name-required", "name is required"));
    if (!PLAYBOOK_NAME.matcher(name).matches()) {
      throw invalid("gateway.invalid-name", "name must be 1-64 letters, digits, spaces or . _ - and start with a letter or digit");
    }
    String description = text(doc, "description").or(() -> current.map(PlaybookFields::description)).orElse("");
    if (description.length() > 2000) throw invalid("gateway.description-too-long", "description must be at most 2000 characters");
    boolean memory = bool(doc, "memory").or(() -> current.map(PlaybookFields::memory)).orElse(true);
    boolean record = bool(doc, "record_arguments").or(() -> current.map(PlaybookFields::recordArguments)).orElse(false);
    return new PlaybookFields(name, description, memory, record);
  }

  /** Parses a server; {@code existing} supplies the stored values that masked ones stand for. */
  public static UpstreamServer server(JsonNode doc, Optional<UpstreamServer> existing) {
    object(doc, "server");
    String name = text(doc, "name").orElseThrow(() -> invalid("gateway.server-name-required", "server name is required"));
    if (!SERVER_NAME.matcher(name).matches()) {
      throw invalid("gateway.invalid-server-name",
          "server name must be 1-48 lower-case letters, digits, - or single _, starting with a letter or digit");
    }
    String transport = text(doc, "transport").orElseThrow(() -> invalid("gateway.transport-required",
        "server '" + name + "': transport is required (stdio, http or sse)"));
    Optional<UpstreamTransport> previous = existing.map(UpstreamServer::transport);
    UpstreamTransport parsed = switch (transport) {
      case "stdio" -> {
        allowOnly(doc, "server '" + name + "'", Set.of("name", "transport", "command", "args", "env", "cwd", "prefix", "disabled", "tools"));
        String command = text(doc, "command").filter(s -> !s.isBlank())
            .orElseThrow(() -> invalid("gateway.command-required", "server '" + name + "': command is required for stdio"));
        List<String> args = strings(doc, "args", name);
        Map<String, Value> env = values(doc.get("env"), "env", ENV_NAME, name,
            previous.filter(t -> t instanceof UpstreamTransport.Stdio).map(t -> ((UpstreamTransport.Stdio) t).env()).orElse(Map.of()));
        Optional<String> cwd = text(doc, "cwd").filter(s -> !s.isBlank());
        cwd.ifPresent(c -> {
          if (!c.startsWith("/")) throw invalid("gateway.invalid-cwd", "server '" + name + "': cwd must be an absolute path");
        });
        yield new UpstreamTransport.Stdio(command, args, env, cwd);
      }
      case "http", "sse" -> {
        allowOnly(doc, "server '" + name + "'", Set.of("name", "transport", "url", "headers", "prefix", "disabled", "tools"));
        URI url = url(text(doc, "url").orElseThrow(() -> invalid("gateway.url-required", "server '" + name + "': url is required")), name);
        Map<String, Value> old = previous.map(t -> switch (t) {
          case UpstreamTransport.StreamableHttp h -> h.headers();
          case UpstreamTransport.LegacySse s -> s.headers();
          default -> Map.<String, Value>of();
        }).orElse(Map.of());
        Map<String, Value> headers = values(doc.get("headers"), "headers", HEADER_NAME, name, old);
        yield transport.equals("http") ? new UpstreamTransport.StreamableHttp(url, headers) : new UpstreamTransport.LegacySse(url, headers);
      }
      default -> throw invalid("gateway.invalid-transport", "server '" + name + "': transport must be stdio, http or sse");
    };
    Optional<String> prefix = doc.has("prefix") && !doc.get("prefix").isNull() ? text(doc, "prefix") : Optional.empty();
    prefix.ifPresent(p -> {
      if (!p.isEmpty() && !SERVER_NAME.matcher(p).matches()) {
        throw invalid("gateway.invalid-prefix", "server '" + name + "': prefix must look like a server name, or be empty to turn namespacing off");
      }
    });
    boolean disabled = bool(doc, "disabled").orElse(false);
    return new UpstreamServer(existing.map(UpstreamServer::id).orElseGet(UUID::randomUUID), name, parsed, prefix, disabled,
        tools(doc.get("tools"), name));
  }

  public static PromptTemplate prompt(JsonNode doc, Optional<UUID> id) {
    object(doc, "prompt");
    allowOnly(doc, "prompt", Set.of("name", "description", "arguments", "template"));
    String name = text(doc, "name").orElseThrow(() -> invalid("gateway.prompt-name-required", "prompt name is required"));
    if (!PROMPT_NAME.matcher(name).matches()) {
      throw invalid("gateway.invalid-prompt-name", "prompt name must be 1-64 letters, digits or _ . -, starting with a letter or digit");
    }
    String template = text(doc, "template").filter(s -> !s.isEmpty())
        .orElseThrow(() -> invalid("gateway.template-required", "prompt '" + name + "': template is required"));
    if (template.length() > 100_000) throw invalid("gateway.template-too-long", "prompt '" + name + "': template must be at most 100000 characters");
    List<PromptTemplate.Argument> arguments = new ArrayList<>();
    JsonNode args = doc.get("arguments");
    if (args != null && !args.isNull()) {
      if (!args.isArray()) throw invalid("gateway.invalid-arguments", "prompt '" + name + "': arguments must be a list");
      for (JsonNode a : args) {
        object(a, "prompt argument");
        allowOnly(a, "prompt argument", Set.of("name", "description", "required"));
        String argName = text(a, "name").filter(s -> ENV_NAME.matcher(s).matches())
            .orElseThrow(() -> invalid("gateway.invalid-argument", "prompt '" + name + "': every argument needs a name of letters, digits and _"));
        arguments.add(new PromptTemplate.Argument(argName, text(a, "description").orElse(""), bool(a, "required").orElse(false)));
      }
    }
    return new PromptTemplate(id.orElseGet(UUID::randomUUID), name, text(doc, "description").orElse(""), arguments, template);
  }

  public static ObjectNode render(Playbook p) {
    ObjectNode out = NODES.objectNode();
    out.put("id", p.id().toString());
    out.put("name", p.name());
    out.put("description", p.description());
    out.put("memory", p.memory());
    out.put("record_arguments", p.recordArguments());
    out.put("revision", p.revision());
    ArrayNode servers = out.putArray("servers");
    p.servers().forEach(s -> servers.add(render(s)));
    ArrayNode prompts = out.putArray("prompts");
    p.prompts().forEach(t -> prompts.add(render(t)));
    out.put("created_at", p.createdAt().toString());
    out.put("updated_at", p.updatedAt().toString());
    return out;
  }

  /** The document {@code director playbook apply} accepts: no ids, revisions or times. */
  public static ObjectNode export(Playbook p) {
    ObjectNode out = render(p);
    out.remove(List.of("id", "revision", "created_at", "updated_at"));
    for (JsonNode s : out.get("servers")) ((ObjectNode) s).remove("id");
    for (JsonNode t : out.get("prompts")) ((ObjectNode) t).remove("id");
    return out;
  }

  public static ObjectNode render(UpstreamServer s) {
    ObjectNode out = NODES.objectNode();
    out.put("id", s.id().toString());
    out.put("name", s.name());
    out.put("transport", s.transport().kind());
    switch (s.transport()) {
      case UpstreamTransport.Stdio stdio -> {
        out.put("command", stdio.command());
        ArrayNode args = out.putArray("args");
        stdio.args().forEach(args::add);
        out.set("env", masked(stdio.env()));
        stdio.cwd().ifPresent(c -> out.put("cwd", c));
      }
      case UpstreamTransport.StreamableHttp http -> {
        out.put("url", http.url().toString());
        out.set("headers", masked(http.headers()));
      }
      case UpstreamTransport.LegacySse sse -> {
        out.put("url", sse.url().toString());
        out.set("headers", masked(sse.headers()));
      }
    }
    if (s.prefix().isPresent()) out.put("prefix", s.prefix().get());
    else out.putNull("prefix");
    out.put("disabled", s.disabled());
    ObjectNode tools = out.putObject("tools");
    ArrayNode include = tools.putArray("include");
    s.tools().include().forEach(include::add);
    ArrayNode exclude = tools.putArray("exclude");
    s.tools().exclude().forEach(exclude::add);
    ObjectNode overrides = tools.putObject("overrides");
    s.tools().overrides().forEach((tool, o) -> {
      ObjectNode node = overrides.putObject(tool);
      o.name().ifPresent(n -> node.put("name", n));
      o.description().ifPresent(d -> node.put("description", d));
      node.put("disabled", o.disabled());
    });
    return out;
  }

  public static ObjectNode render(PromptTemplate t) {
    ObjectNode out = NODES.objectNode();
    out.put("id", t.id().toString());
    out.put("name", t.name());
    out.put("description", t.description());
    ArrayNode args = out.putArray("arguments");
    for (PromptTemplate.Argument a : t.arguments()) {
      args.addObject().put("name", a.name()).put("description", a.description()).put("required", a.required());
    }
    out.put("template", t.template());
    return out;
  }

  private static ObjectNode masked(Map<String, Value> values) {
    ObjectNode out = NODES.objectNode();
    values.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
      if (e.getValue().secret()) out.putObject(e.getKey()).put("value", MASK).put("secret", true);
      else out.put(e.getKey(), e.getValue().value());
    });
    return out;
  }

  private static ToolPolicy tools(JsonNode node, String server) {
    if (node == null || node.isNull()) return ToolPolicy.ALL;
    object(node, "server '" + server + "' tools");
    allowOnly(node, "server '" + server + "' tools", Set.of("include", "exclude", "overrides"));
    Map<String, ToolPolicy.Override> overrides = new LinkedHashMap<>();
    JsonNode o = node.get("overrides");
    if (o != null && !o.isNull()) {
      object(o, "tools.overrides");
      for (Map.Entry<String, JsonNode> e : o.properties()) {
        JsonNode v = e.getValue();
        object(v, "override of tool '" + e.getKey() + "'");
        allowOnly(v, "override of tool '" + e.getKey() + "'", Set.of("name", "description", "disabled"));
        Optional<String> rename = text(v, "name");
        rename.ifPresent(n -> {
          if (!PROMPT_NAME.matcher(n).matches() || n.contains(UpstreamServer.SEPARATOR)) {
            throw invalid("gateway.invalid-tool-name", "tool rename '" + abbreviate(n) + "' must be 1-64 letters, digits or _ . - without '__'");
          }
        });
        overrides.put(e.getKey(), new ToolPolicy.Override(rename, text(v, "description"), bool(v, "disabled").orElse(false)));
      }
    }
    return new ToolPolicy(strings(node, "include", server), strings(node, "exclude", server), overrides);
  }

  private static Map<String, Value> values(JsonNode node, String field, Pattern names, String server, Map<String, Value> previous) {
    Map<String, Value> out = new LinkedHashMap<>();
    if (node == null || node.isNull()) return out;
    object(node, "server '" + server + "' " + field);
    if (node.size() > 200) throw invalid("gateway.too-many-values", "server '" + server + "': at most 200 " + field + " entries");
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      String key = e.getKey();
      if (!names.matcher(key).matches()) {
        throw invalid("gateway.invalid-" + field + "-name", "server '" + server + "': '" + abbreviate(key) + "' is not a valid " + field + " name");
      }
      JsonNode v = e.getValue();
      String value;
      boolean secret;
      if (v.isObject()) {
        allowOnly(v, field + " '" + key + "'", Set.of("value", "secret"));
        value = text(v, "value").orElseThrow(() -> invalid("gateway.value-required", "server '" + server + "': " + field + " '" + key + "' needs a value"));
        secret = bool(v, "secret").orElse(SECRET_NAME.matcher(key).matches());
      } else if (v.isString() || v.isNumber() || v.isBoolean()) {
        value = v.asString();
        secret = SECRET_NAME.matcher(key).matches();
      } else {
        throw invalid("gateway.invalid-value", "server '" + server + "': " + field + " '" + key + "' must be a string or {value, secret}");
      }
      if (MASK.equals(value)) {
        Value kept = previous.get(key);
        if (kept == null) {
          throw invalid("gateway.masked-value-unknown", "server '" + server + "': " + field + " '" + key + "' is masked but no value is stored for it");
        }
        out.put(key, kept);
        continue;
      }
      if (value.length() > 16_384 || value.indexOf('\n') >= 0 && field.equals("headers") || value.indexOf('\r') >= 0 && field.equals("headers")
          || value.indexOf('\u0000') >= 0) {
        throw invalid("gateway.invalid-value", "server '" + server + "': " + field + " '" + key + "' has a value that is too long or contains control characters");
      }
      out.put(key, new Value(value, secret));
    }
    return out;
  }

  private static URI url(String text, String server) {
    try {
      URI uri = new URI(text);
      if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https")) || uri.getHost() == null) {
        throw new URISyntaxException(text, "not an http(s) URL with a host");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw invalid("gateway.invalid-url", "server '" + server + "': url must be an http:// or https:// URL with a host");
    }
  }

  private static List<String> strings(JsonNode doc, String field, String server) {
    JsonNode node = doc.get(field);
    if (node == null || node.isNull()) return List.of();
    if (!node.isArray()) throw invalid("gateway.invalid-" + field, "server '" + server + "': " + field + " must be a list of strings");
    if (node.size() > 200) throw invalid("gateway.invalid-" + field, "server '" + server + "': at most 200 " + field);
    List<String> out = new ArrayList<>();
    for (JsonNode n : node) {
      if (!n.isString() && !n.isNumber()) throw invalid("gateway.invalid-" + field, "server '" + server + "': " + field + " must be a list of strings");
      String s = n.asString();
      if (s.length() > 4096 || s.indexOf('\u0000') >= 0) throw invalid("gateway.invalid-" + field, "server '" + server + "': an entry of " + field + " is too long");
      out.add(s);
    }
    return out;
  }

  static void object(JsonNode node, String what) {
    if (node == null || !node.isObject()) throw invalid("gateway.invalid-document", what + " must be a JSON object");
  }

  static void allowOnly(JsonNode node, String what, Set<String> fields) {
    for (String name : node.propertyNames()) {
      if (!fields.contains(name)) throw invalid("gateway.unknown-field", what + ": unknown field '" + abbreviate(name) + "'");
    }
  }

  static Optional<String> text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) return Optional.empty();
    if (!v.isString() && !v.isNumber() && !v.isBoolean()) throw invalid("gateway.invalid-field", field + " must be a string");
    String s = v.asString();
    if (s.indexOf('\u0000') >= 0) throw invalid("gateway.invalid-field", field + " must not contain NUL characters");
    return Optional.of(s);
  }

  static Optional<Boolean> bool(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) return Optional.empty();
    if (!v.isBoolean()) throw invalid("gateway.invalid-field", field + " must be true or false");
    return Optional.of(v.asBoolean());
  }

  public static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }

  static DirectorException invalid(String code, String detail) {
    return DirectorException.invalid(code, detail);
  }
}
