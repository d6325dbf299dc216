package io.director.memory.web;

import io.director.identity.Principal;
import io.director.memory.ContextBundle;
import io.director.memory.Decision;
import io.director.memory.Memories;
import io.director.memory.Memory;
import io.director.memory.ImportResult;
import io.director.memory.MemoryEvent;
import io.director.memory.SearchResults;
import io.director.shared.DirectorException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** {@code /api/memory}: the event log, memories, decisions, search, context bundles and namespaces. */
@RestController
@RequestMapping(path = "/api/memory", produces = MediaType.APPLICATION_JSON_VALUE)
class MemoryController {
  private final Memories memories;

  MemoryController(Memories memories) {
    this.memories = memories;
  }

  @PostMapping(path = "/events", consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<?> record(Principal principal, @RequestBody JsonNode body, HttpServletResponse response) {
    List<MemoryEvent> events = memories.record(principal, body, Optional.of(response));
    if (body.has("events")) return ResponseEntity.status(201).body(Map.of("events", events));
    return ResponseEntity.status(201).header("Location", "/api/memory/events/" + events.get(0).id()).body(events.get(0));
  }

  @GetMapping("/events")
  Map<String, Object> events(Principal principal, @RequestParam Optional<String> namespace, @RequestParam Optional<String> kind,
      @RequestParam Optional<String> since, @RequestParam Optional<String> before, @RequestParam(defaultValue = "50") int limit) {
    List<MemoryEvent> page = memories.events(principal, namespace, kind, instant(since, "since"), instant(before, "before"), limit(limit));
    return page(page, "events", limit, e -> e.created_at());
  }

  @GetMapping("/events/{id}")
  MemoryEvent event(Principal principal, @PathVariable UUID id) {
    return memories.event(principal, id);
  }

  @DeleteMapping("/events/{id}")
  ResponseEntity<Void> deleteEvent(Principal principal, @PathVariable UUID id, HttpServletResponse response) {
    memories.deleteEvent(principal, id, Optional.of(response));
    return ResponseEntity.noContent().build();
  }

  @PostMapping(path = "/memories", consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<Memory> remember(Principal principal, @RequestBody JsonNode body, HttpServletResponse response) {
    Memory m = memories.remember(principal, body, Optional.of(response));
    return ResponseEntity.status(201).header("Location", "/api/memory/memories/" + m.id()).body(m);
  }

  @GetMapping("/memories")
  Map<String, Object> memories(Principal principal, @RequestParam Optional<String> namespace, @RequestParam Optional<String> tag,
      @RequestParam Optional<String> before, @RequestParam(defaultValue = "50") int limit) {
    List<Memory> page = memories.memories(principal, namespace, tag, instant(before, "before"), limit(limit));
    return page(page, "memories", limit, m -> m.updated_at());
  }

  @GetMapping("/memories/{id}")
  Memory memory(Principal principal, @PathVariable UUID id) {
    return memories.memory(principal, id);
  }

  @GetMapping("/memories/{id}/history")
  Map<String, Object> history(Principal principal, @PathVariable UUID id) {
    return Map.of("versions", memories.history(principal, id));
  }

  @PatchMapping(path = "/memories/{id}", consumes = {MediaType.APPLICATION_JSON_VALUE, "application/merge-patch+json"})
  Memory update(Principal principal, @PathVariable UUID id, @RequestBody JsonNode body, HttpServletResponse response) {
    return memories.update(principal, id, body, Optional.of(response));
  }

  @DeleteMapping("/memories/{id}")
  ResponseEntity<Void> forget(Principal principal, @PathVariable UUID id, HttpServletResponse response) {
    memories.forget(principal, id, Optional.of(response));
    return ResponseEntity.noContent().build();
  }

  @PostMapping(path = "/decisions", consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<Decision> decide(Principal principal, @RequestBody JsonNode body, HttpServletResponse response) {
    Decision d = memories.decide(principal, body, Optional.of(response));
    return ResponseEntity.status(201).header("Location", "/api/memory/decisions/" + d.id()).body(d);
  }

  @GetMapping("/decisions")
  Map<String, Object> decisions(Principal principal, @RequestParam Optional<String> namespace, @RequestParam Optional<String> status,
      @RequestParam Optional<String> before, @RequestParam(defaultValue = "50") int limit) {
    List<Decision> page = memories.decisions(principal, namespace, status, instant(before, "before"), limit(limit));
    return page(page, "decisions", limit, d -> d.created_at());
  }

  @GetMapping("/decisions/{id}")
  Decision decision(Principal principal, @PathVariable UUID id) {
    return memories.decision(principal, id);
  }

  @DeleteMapping("/decisions/{id}")
  ResponseEntity<Void> deleteDecision(Principal principal, @PathVariable UUID id, HttpServletResponse response) {
    memories.deleteDecision(principal, id, Optional.of(response));
    return ResponseEntity.noContent().build();
  }

  @PostMapping(path = "/search", consumes = MediaType.APPLICATION_JSON_VALUE)
  SearchResults search(Principal principal, @RequestBody JsonNode body, HttpServletResponse response) {
    return memories.search(principal, body, Optional.of(response));
  }

  @PostMapping(path = "/context", consumes = MediaType.APPLICATION_JSON_VALUE)
  ContextBundle context(Principal principal, @RequestBody JsonNode body, HttpServletResponse response) {
    return memories.context(principal, body, Optional.of(response));
  }

  @GetMapping("/namespaces")
  Map<String, Object> namespaces(Principal principal) {
    return Map.of("namespaces", memories.namespaces(principal));
  }

  @PutMapping(path = "/namespaces/{name}", consumes = MediaType.APPLICATION_JSON_VALUE)
  Map<String, Object> configure(Principal principal, @PathVariable String name, @RequestBody JsonNode body) {
    return memories.configureNamespace(principal, name, body);
  }

  @DeleteMapping("/namespaces/{name}")
  ResponseEntity<Void> deleteNamespace(Principal principal, @PathVariable String name) {
    memories.deleteNamespace(principal, name);
    return ResponseEntity.noContent().build();
  }

  /** The namespace as JSON lines (application/x-ndjson), streamed. */
  @GetMapping(path = "/namespaces/{name}/export", produces = "application/x-ndjson")
  void export(Principal principal, @PathVariable String name, HttpServletResponse response) throws IOException {
    // checked before the first byte, so an unknown namespace is still a problem+json 404
    memories.namespaces(principal).stream().filter(n -> n.get("name").equals(name)).findAny()
        .orElseThrow(() -> DirectorException.notFound("memory.unknown-namespace", "no namespace named " + name));
    response.setContentType("application/x-ndjson");
    response.setHeader("Content-Disposition", "attachment; filename=\"memory-export.jsonl\"");
    Writer out = new OutputStreamWriter(response.getOutputStream(), StandardCharsets.UTF_8);
    memories.export(principal, name, out);
    out.flush();
  }

  /** JSON lines as {@code export} writes them, into namespace {@code name}; all lines or none. */
  @PostMapping(path = "/namespaces/{name}/import", consumes = {"application/x-ndjson", "application/jsonl", MediaType.TEXT_PLAIN_VALUE,
      MediaType.APPLICATION_OCTET_STREAM_VALUE})
  ImportResult importLines(Principal principal, @PathVariable String name, HttpServletRequest request) throws IOException {
    return memories.importLines(principal, name, new BufferedReader(new InputStreamReader(request.getInputStream(), StandardCharsets.UTF_8)));
  }

  private static <T> Map<String, Object> page(List<T> page, String key, int limit, Function<T, Instant> cursor) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put(key, page);
    out.put("next_before", page.size() == limit ? cursor.apply(page.get(page.size() - 1)).toString() : null);
    return out;
  }

  private static int limit(int limit) {
    if (limit < 1 || limit > 500) throw DirectorException.invalid("request.invalid-parameter", "limit must be between 1 and 500");
    return limit;
  }

  private static Optional<Instant> instant(Optional<String> value, String name) {
    try {
      return value.map(Instant::parse);
    } catch (DateTimeParseException e) {
      throw DirectorException.invalid("request.invalid-parameter", name + " must be an ISO-8601 instant such as 2026-01-01T00:00:00Z");
    }
  }
}
