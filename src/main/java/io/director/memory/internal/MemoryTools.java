package io.director.memory.internal;

import io.director.memory.SearchResults;
import io.director.gateway.BuiltinTools;
import io.director.gateway.Playbook;
import io.director.identity.Principal;
import io.director.memory.ContextBundle;
import io.director.shared.DirectorException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The built-in MCP server {@code memory}: served in every playbook unless its {@code memory} flag
 * is off, in the caller's tenant and the namespace named after the playbook. Anyone who may use
 * the playbook may use these tools (as with its upstream tools); secrets still need memory:secret.
 */
@Component
class MemoryTools implements BuiltinTools {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final MemoryItems items;
  private final MemorySearch search;
  private final ContextAssembler context;
  private final MemoryLimits limits;
  private final List<ObjectNode> definitions;

  MemoryTools(MemoryItems items, MemorySearch search, ContextAssembler context, MemoryLimits limits) {
    this.items = items;
    this.search = search;
    this.context = context;
    this.limits = limits;
    this.definitions = List.of(
        tool("memory_remember", "Remember a durable fact or note for later sessions of this playbook. Secrets in the text are redacted.",
            """
            {"type":"object","properties":{
              "text":{"type":"string","description":"What to remember"},
              "tags":{"type":"array","items":{"type":"string"},"description":"Tags; tag a memory 'rule' to make it part of every context bundle"},
              "importance":{"type":"number","minimum":0,"maximum":1},
              "valid_to":{"type":"string","format":"date-time","description":"When this stops being true"}},
             "required":["text"],"additionalProperties":false}"""),
        tool("memory_search", "Search this playbook's memory (memories, decisions and logged events) by meaning and by keywords.",
            """
            {"type":"object","properties":{
              "query":{"type":"string"},
              "k":{"type":"integer","minimum":1,"maximum":100,"default":10},
              "kinds":{"type":"array","items":{"type":"string","enum":["memory","decision","message","tool_call","tool_result","task_update","artifact","note"]}},
              "tags":{"type":"array","items":{"type":"string"}},
              "mode":{"type":"string","enum":["hybrid","text","vector"],"default":"hybrid"}},
             "required":["query"],"additionalProperties":false}"""),
        tool("memory_context", "Get what to know before acting: rules, active decisions, the most relevant items and recent events, within a token budget.",
            """
            {"type":"object","properties":{
              "query":{"type":"string","description":"The task at hand"},
              "token_budget":{"type":"integer","minimum":100,"maximum":200000,"default":8000}},
             "required":["query"],"additionalProperties":false}"""),
        tool("memory_decide", "Record a decision with its rationale; pass supersedes to replace an earlier decision.",
            """
            {"type":"object","properties":{
              "title":{"type":"string"},"decision":{"type":"string"},"rationale":{"type":"string"},
              "alternatives":{"type":"array","items":{"type":"string"}},
              "supersedes":{"type":"string","description":"Id of the active decision this one replaces"},
              "tags":{"type":"array","items":{"type":"string"}}},
             "required":["title","decision"],"additionalProperties":false}"""),
        tool("memory_forget", "Delete a memory, decision or event of this playbook by id; no search finds it afterwards.",
            """
            {"type":"object","properties":{"id":{"type":"string"}},"required":["id"],"additionalProperties":false}"""));
  }

  private static ObjectNode tool(String name, String description, String schema) {
    ObjectNode t = JSON.createObjectNode().put("name", name).put("description", description);
    t.set("inputSchema", JSON.readTree(schema));
    return t;
  }

  @Override
  public String server() {
    return "memory";
  }

  @Override
  public boolean servedIn(Playbook playbook) {
    return playbook.memory();
  }

  @Override
  public List<ObjectNode> definitions() {
    return definitions;
  }

  @Override
  public JsonNode call(Playbook playbook, Principal caller, String tool, JsonNode arguments) {
    try {
      String ns = Fields.namespace(playbook.name(), "namespace");
      Object result = switch (tool) {
        case "memory_remember" -> {
          limits.write(caller, Optional.empty());
          ObjectNode doc = only(arguments, Set.of("text", "tags", "importance", "valid_to"));
          yield items.remember(caller, ns, doc);
        }
        case "memory_search" -> {
          ObjectNode doc = only(arguments, Set.of("query", "k", "kinds", "tags", "mode"));
          MemorySearch.Request r = MemorySearch.parse(doc, Optional.of(ns));
          limits.search(caller, Optional.empty());
          yield searchIn(caller, r);
        }
        case "memory_context" -> {
          limits.context(caller, Optional.empty());
          ObjectNode doc = only(arguments, Set.of("query", "token_budget"));
          yield contextIn(caller, doc, ns);
        }
        case "memory_decide" -> {
          limits.write(caller, Optional.empty());
          yield items.decide(caller, ns, only(arguments, Set.of("title", "decision", "rationale", "alternatives", "supersedes", "tags")));
        }
        case "memory_forget" -> {
          limits.write(caller, Optional.empty());
          yield forget(caller, ns, Fields.parseUuid(only(arguments, Set.of("id")).path("id").asString(""), "id"));
        }
        default -> throw DirectorException.notFound("memory.unknown-tool", "unknown tool " + tool);
      };
      JsonNode structured = JSON.valueToTree(result);
      ObjectNode out = JSON.createObjectNode();
      out.putArray("content").addObject().put("type", "text").put("text", JSON.writeValueAsString(structured));
      if (structured.isObject()) out.set("structuredContent", structured);
      out.put("isError", false);
      return out;
    } catch (DirectorException e) {
      ObjectNode out = JSON.createObjectNode();
      out.putArray("content").addObject().put("type", "text").put("text", e.code() + ": " + e.getMessage());
      out.put("isError", true);
      return out;
    }
  }

  private SearchResults searchIn(Principal caller, MemorySearch.Request r) {
    try {
      return search.search(caller, r);
    } catch (DirectorException e) {
      // nothing written to this playbook's namespace yet: nothing to find
      if (e.code().equals("memory.unknown-namespace")) return new SearchResults(List.of(), r.mode());
      throw e;
    }
  }

  private ContextBundle contextIn(Principal caller, ObjectNode doc, String ns) {
    try {
      return context.assemble(caller, doc, Optional.of(ns));
    } catch (DirectorException e) {
      if (e.code().equals("memory.unknown-namespace")) return ContextAssembler.fit(ns, doc.path("query").asString(""), 0, List.of(List.of(),
          List.of(), List.of(), List.of()));
      throw e;
    }
  }

  /** Deletes the item only when it belongs to this playbook's namespace; otherwise it does not exist for this caller. */
  private java.util.Map<String, Object> forget(Principal caller, String ns, UUID id) {
    DirectorException missing = DirectorException.notFound("memory.not-found", "no memory, decision or event " + id + " in this playbook");
    if (tryGet(() -> items.memory(caller, id).namespace()).filter(ns::equals).isPresent()) {
      items.forget(caller, id);
      return java.util.Map.of("deleted", id.toString(), "type", "memory");
    }
    if (tryGet(() -> items.decision(caller, id).namespace()).filter(ns::equals).isPresent()) {
      items.deleteDecision(caller, id);
      return java.util.Map.of("deleted", id.toString(), "type", "decision");
    }
    if (tryGet(() -> items.event(caller, id).namespace()).filter(ns::equals).isPresent()) {
      items.deleteEvent(caller, id);
      return java.util.Map.of("deleted", id.toString(), "type", "event");
    }
    throw missing;
  }

  private static Optional<String> tryGet(java.util.function.Supplier<String> lookup) {
    try {
      return Optional.of(lookup.get());
    } catch (DirectorException e) {
      return Optional.empty();
    }
  }

  private static ObjectNode only(JsonNode arguments, Set<String> allowed) {
    ObjectNode doc = arguments.isObject() ? ((ObjectNode) arguments).deepCopy() : JSON.createObjectNode();
    Fields.object(doc, "arguments", allowed);
    return doc;
  }
}
