package io.director.gateway.internal;

import io.director.gateway.Playbook;
import io.director.gateway.PromptTemplate;
import io.director.gateway.ToolPolicy;
import io.director.gateway.UpstreamServer;
import io.director.gateway.UpstreamTransport;
import io.director.gateway.UpstreamTransport.Value;
import io.director.platform.config.DirectorConfig;
import io.director.shared.SecretBox;
import java.net.URI;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Playbooks, servers and prompts in PostgreSQL. Every query takes the tenant; secret values are
 * sealed with {@link SecretBox} before they are written and opened when read.
 */
@Repository
public class PlaybookStore {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private final JdbcClient jdbc;
  private final SecretBox box;

  PlaybookStore(JdbcClient jdbc, DirectorConfig config) {
    this.jdbc = jdbc;
    this.box = new SecretBox(config.secret().orElseThrow());
  }

  /** One row of the playbook list. */
  public record Summary(UUID id, String name, String description, long revision, int servers, Instant updated_at) {}

  public boolean insertPlaybook(String tenant, UUID id, PlaybookJson.PlaybookFields f, Instant now) {
    return jdbc.sql("""
            INSERT INTO playbooks (id, tenant_id, name, description, memory, record_arguments, created_at, updated_at)
            VALUES (:id, :t, :name, :d, :m, :r, :now, :now) ON CONFLICT (tenant_id, name) DO NOTHING""")
        .param("id", id).param("t", tenant).param("name", f.name()).param("d", f.description()).param("m", f.memory())
        .param("r", f.recordArguments()).param("now", Timestamp.from(now)).update() == 1;
  }

  public void updatePlaybook(String tenant, UUID id, PlaybookJson.PlaybookFields f, Instant now) {
    jdbc.sql("""
            UPDATE playbooks SET name = :name, description = :d, memory = :m, record_arguments = :r,
                   revision = revision + 1, updated_at = :now WHERE id = :id AND tenant_id = :t""")
        .param("id", id).param("t", tenant).param("name", f.name()).param("d", f.description()).param("m", f.memory())
        .param("r", f.recordArguments()).param("now", Timestamp.from(now)).update();
  }

  public void touch(String tenant, UUID id, Instant now) {
    jdbc.sql("UPDATE playbooks SET revision = revision + 1, updated_at = :now WHERE id = :id AND tenant_id = :t")
        .param("id", id).param("t", tenant).param("now", Timestamp.from(now)).update();
  }

  /** Locks the playbook row for an edit, so concurrent edits on any instance serialise. */
  public boolean lock(String tenant, UUID id) {
    return jdbc.sql("SELECT 1 FROM playbooks WHERE id = :id AND tenant_id = :t FOR UPDATE").param("id", id).param("t", tenant)
        .query().optionalValue().isPresent();
  }

  public boolean deletePlaybook(String tenant, UUID id) {
    return jdbc.sql("DELETE FROM playbooks WHERE id = :id AND tenant_id = :t").param("id", id).param("t", tenant).update() == 1;
  }

  public List<Summary> list(String tenant) {
    return jdbc.sql("""
            SELECT p.id, p.name, p.description, p.revision, p.updated_at,
                   (SELECT count(*) FROM playbook_servers s WHERE s.playbook_id = p.id) AS servers
            FROM playbooks p WHERE p.tenant_id = :t ORDER BY p.name""")
        .param("t", tenant)
        .query((rs, i) -> new Summary(rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("description"),
            rs.getLong("revision"), rs.getInt("servers"), rs.getTimestamp("updated_at").toInstant()))
        .list();
  }

  public Optional<UUID> idByName(String tenant, String name) {
    return jdbc.sql("SELECT id FROM playbooks WHERE tenant_id = :t AND name = :n").param("t", tenant).param("n", name)
        .query(UUID.class).optional();
  }

  public Optional<Playbook> find(String tenant, UUID id) {
    Optional<Playbook> head = jdbc.sql("SELECT * FROM playbooks WHERE id = :id AND tenant_id = :t").param("id", id).param("t", tenant)
        .query((rs, i) -> new Playbook(rs.getObject("id", UUID.class), rs.getString("tenant_id"), rs.getString("name"),
            rs.getString("description"), rs.getBoolean("memory"), rs.getBoolean("record_arguments"), rs.getLong("revision"),
            List.of(), List.of(), rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant()))
        .optional();
    return head.map(p -> new Playbook(p.id(), p.tenantId(), p.name(), p.description(), p.memory(), p.recordArguments(), p.revision(),
        servers(tenant, id), prompts(tenant, id), p.createdAt(), p.updatedAt()));
  }

  public void putServer(String tenant, UUID playbook, UpstreamServer s, int position, Instant now) {
    jdbc.sql("""
            INSERT INTO playbook_servers (id, playbook_id, tenant_id, name, transport, spec, prefix, disabled, tools, position, created_at, updated_at)
            VALUES (:id, :p, :t, :name, :transport, CAST(:spec AS jsonb), :prefix, :disabled, CAST(:tools AS jsonb), :pos, :now, :now)
            ON CONFLICT (playbook_id, name) DO UPDATE SET transport = EXCLUDED.transport, spec = EXCLUDED.spec,
                prefix = EXCLUDED.prefix, disabled = EXCLUDED.disabled, tools = EXCLUDED.tools, updated_at = EXCLUDED.updated_at""")
        .param("id", s.id()).param("p", playbook).param("t", tenant).param("name", s.name()).param("transport", s.transport().kind())
        .param("spec", JSON.writeValueAsString(spec(s))).param("prefix", s.prefix().orElse(null)).param("disabled", s.disabled())
        .param("tools", JSON.writeValueAsString(tools(s.tools()))).param("pos", position).param("now", Timestamp.from(now))
        .update();
  }

  public boolean deleteServer(String tenant, UUID playbook, String name) {
    return jdbc.sql("DELETE FROM playbook_servers WHERE playbook_id = :p AND tenant_id = :t AND name = :n")
        .param("p", playbook).param("t", tenant).param("n", name).update() == 1;
  }

  public void putPrompt(String tenant, UUID playbook, PromptTemplate t, Instant now) {
    jdbc.sql("""
            INSERT INTO playbook_prompts (id, playbook_id, tenant_id, name, description, arguments, template, created_at, updated_at)
            VALUES (:id, :p, :t, :name, :d, CAST(:args AS jsonb), :tpl, :now, :now)
            ON CONFLICT (playbook_id, name) DO UPDATE SET description = EXCLUDED.description, arguments = EXCLUDED.arguments,
                template = EXCLUDED.template, updated_at = EXCLUDED.updated_at""")
        .param("id", t.id()).param("p", playbook).param("t", tenant).param("name", t.name()).param("d", t.description())
        .param("args", JSON.writeValueAsString(t.arguments())).param("tpl", t.template()).param("now", Timestamp.from(now))
        .update();
  }

  public boolean deletePrompt(String tenant, UUID playbook, String name) {
    return jdbc.sql("DELETE FROM playbook_prompts WHERE playbook_id = :p AND tenant_id = :t AND name = :n")
        .param("p", playbook).param("t", tenant).param("n", name).update() == 1;
  }

  private List<UpstreamServer> servers(String tenant, UUID playbook) {
    return jdbc.sql("SELECT * FROM playbook_servers WHERE playbook_id = :p AND tenant_id = :t ORDER BY position, name")
        .param("p", playbook).param("t", tenant).query(this::server).list();
  }

  private List<PromptTemplate> prompts(String tenant, UUID playbook) {
    return jdbc.sql("SELECT * FROM playbook_prompts WHERE playbook_id = :p AND tenant_id = :t ORDER BY name")
        .param("p", playbook).param("t", tenant)
        .query((rs, i) -> {
          List<PromptTemplate.Argument> args = new ArrayList<>();
          for (JsonNode a : JSON.readTree(rs.getString("arguments"))) {
            args.add(new PromptTemplate.Argument(a.get("name").asString(), a.path("description").asString(""), a.path("required").asBoolean(false)));
          }
          return new PromptTemplate(rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("description"), args,
              rs.getString("template"));
        })
        .list();
  }

  private UpstreamServer server(ResultSet rs, int i) throws SQLException {
    UUID id = rs.getObject("id", UUID.class);
    JsonNode spec = JSON.readTree(rs.getString("spec"));
    UpstreamTransport transport = switch (rs.getString("transport")) {
      case "stdio" -> {
        List<String> args = new ArrayList<>();
        spec.path("args").forEach(a -> args.add(a.asString()));
        yield new UpstreamTransport.Stdio(spec.get("command").asString(), args, open(id, "env", spec.path("env")),
            spec.hasNonNull("cwd") ? Optional.of(spec.get("cwd").asString()) : Optional.empty());
      }
      case "http" -> new UpstreamTransport.StreamableHttp(URI.create(spec.get("url").asString()), open(id, "headers", spec.path("headers")));
      default -> new UpstreamTransport.LegacySse(URI.create(spec.get("url").asString()), open(id, "headers", spec.path("headers")));
    };
    JsonNode t = JSON.readTree(rs.getString("tools"));
    List<String> include = new ArrayList<>();
    t.path("include").forEach(n -> include.add(n.asString()));
    List<String> exclude = new ArrayList<>();
    t.path("exclude").forEach(n -> exclude.add(n.asString()));
    Map<String, ToolPolicy.Override> overrides = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : t.path("overrides").properties()) {
      JsonNode o = e.getValue();
      overrides.put(e.getKey(), new ToolPolicy.Override(o.hasNonNull("name") ? Optional.of(o.get("name").asString()) : Optional.empty(),
          o.hasNonNull("description") ? Optional.of(o.get("description").asString()) : Optional.empty(), o.path("disabled").asBoolean(false)));
    }
    return new UpstreamServer(id, rs.getString("name"), transport, Optional.ofNullable(rs.getString("prefix")), rs.getBoolean("disabled"),
        new ToolPolicy(include, exclude, overrides));
  }

  private ObjectNode spec(UpstreamServer s) {
    ObjectNode spec = NODES.objectNode();
    switch (s.transport()) {
      case UpstreamTransport.Stdio stdio -> {
        spec.put("command", stdio.command());
        var args = spec.putArray("args");
        stdio.args().forEach(args::add);
        stdio.cwd().ifPresent(c -> spec.put("cwd", c));
        spec.set("env", seal(s.id(), "env", stdio.env()));
      }
      case UpstreamTransport.StreamableHttp http -> {
        spec.put("url", http.url().toString());
        spec.set("headers", seal(s.id(), "headers", http.headers()));
      }
      case UpstreamTransport.LegacySse sse -> {
        spec.put("url", sse.url().toString());
        spec.set("headers", seal(s.id(), "headers", sse.headers()));
      }
    }
    return spec;
  }

  private ObjectNode seal(UUID server, String field, Map<String, Value> values) {
    ObjectNode out = NODES.objectNode();
    values.forEach((k, v) -> out.putObject(k).put("secret", v.secret())
        .put("value", v.secret() ? box.seal(v.value(), context(server, field, k)) : v.value()));
    return out;
  }

  private Map<String, Value> open(UUID server, String field, JsonNode node) {
    Map<String, Value> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      boolean secret = e.getValue().path("secret").asBoolean(false);
      String stored = e.getValue().path("value").asString("");
      out.put(e.getKey(), new Value(secret ? box.open(stored, context(server, field, e.getKey())) : stored, secret));
    }
    return out;
  }

  private static String context(UUID server, String field, String key) {
    return "server:" + server + "/" + field + "/" + key;
  }

  private static ObjectNode tools(ToolPolicy p) {
    ObjectNode out = NODES.objectNode();
    var include = out.putArray("include");
    p.include().forEach(include::add);
    var exclude = out.putArray("exclude");
    p.exclude().forEach(exclude::add);
    ObjectNode overrides = out.putObject("overrides");
    p.overrides().forEach((tool, o) -> {
      ObjectNode node = overrides.putObject(tool);
      o.name().ifPresent(n -> node.put("name", n));
      o.description().ifPresent(d -> node.put("description", d));
      node.put("disabled", o.disabled());
    });
    return out;
  }
}
