package io.director.gateway.web;

import io.director.gateway.Playbooks;
import io.director.gateway.internal.PlaybookJson;
import io.director.gateway.internal.PlaybookStore;
import io.director.identity.Principal;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.HttpStatus;
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
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;

/** {@code /api/playbooks}: playbooks, their servers and prompts; secrets always masked. */
@RestController
@RequestMapping(path = "/api/playbooks", produces = MediaType.APPLICATION_JSON_VALUE)
class PlaybookController {
  private final Playbooks playbooks;

  PlaybookController(Playbooks playbooks) {
    this.playbooks = playbooks;
  }

  @GetMapping
  List<PlaybookStore.Summary> list(Principal principal) {
    return playbooks.list(principal);
  }

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  @ResponseStatus(HttpStatus.CREATED)
  JsonNode create(Principal principal, @RequestBody JsonNode body) {
    return PlaybookJson.render(playbooks.create(principal, body));
  }

  /** Creates or replaces the playbook named in the document (what {@code director playbook apply} sends). */
  @PutMapping(path = "/apply", consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<JsonNode> apply(Principal principal, @RequestBody JsonNode body) {
    Playbooks.Applied applied = playbooks.apply(principal, body);
    return ResponseEntity.status(applied.created() ? 201 : 200).body(PlaybookJson.render(applied.playbook()));
  }

  @GetMapping("/{id}")
  JsonNode get(Principal principal, @PathVariable UUID id) {
    return PlaybookJson.render(playbooks.get(principal, id));
  }

  @GetMapping("/{id}/export")
  JsonNode export(Principal principal, @PathVariable UUID id) {
    return PlaybookJson.export(playbooks.get(principal, id));
  }

  @PatchMapping(path = "/{id}", consumes = MediaType.APPLICATION_JSON_VALUE)
  JsonNode update(Principal principal, @PathVariable UUID id, @RequestBody JsonNode body) {
    return PlaybookJson.render(playbooks.update(principal, id, body));
  }

  @DeleteMapping("/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  void delete(Principal principal, @PathVariable UUID id) {
    playbooks.delete(principal, id);
  }

  @GetMapping("/{id}/servers")
  JsonNode servers(Principal principal, @PathVariable UUID id) {
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    playbooks.get(principal, id).servers().forEach(s -> out.add(PlaybookJson.render(s)));
    return out;
  }

  @PostMapping(path = "/{id}/servers", consumes = MediaType.APPLICATION_JSON_VALUE)
  @ResponseStatus(HttpStatus.CREATED)
  JsonNode addServer(Principal principal, @PathVariable UUID id, @RequestBody JsonNode body) {
    return PlaybookJson.render(playbooks.putServer(principal, id, body, Optional.empty(), false));
  }

  @GetMapping("/{id}/servers/{name}")
  JsonNode server(Principal principal, @PathVariable UUID id, @PathVariable String name) {
    return PlaybookJson.render(playbooks.server(principal, id, name));
  }

  @PutMapping(path = "/{id}/servers/{name}", consumes = MediaType.APPLICATION_JSON_VALUE)
  JsonNode putServer(Principal principal, @PathVariable UUID id, @PathVariable String name, @RequestBody JsonNode body) {
    return PlaybookJson.render(playbooks.putServer(principal, id, body, Optional.of(name), true));
  }

  @DeleteMapping("/{id}/servers/{name}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  void deleteServer(Principal principal, @PathVariable UUID id, @PathVariable String name) {
    playbooks.deleteServer(principal, id, name);
  }

  @GetMapping("/{id}/prompts")
  JsonNode prompts(Principal principal, @PathVariable UUID id) {
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    playbooks.get(principal, id).prompts().forEach(p -> out.add(PlaybookJson.render(p)));
    return out;
  }

  @PostMapping(path = "/{id}/prompts", consumes = MediaType.APPLICATION_JSON_VALUE)
  @ResponseStatus(HttpStatus.CREATED)
  JsonNode addPrompt(Principal principal, @PathVariable UUID id, @RequestBody JsonNode body) {
    return PlaybookJson.render(playbooks.putPrompt(principal, id, body, Optional.empty(), false));
  }

  @PutMapping(path = "/{id}/prompts/{name}", consumes = MediaType.APPLICATION_JSON_VALUE)
  JsonNode putPrompt(Principal principal, @PathVariable UUID id, @PathVariable String name, @RequestBody JsonNode body) {
    return PlaybookJson.render(playbooks.putPrompt(principal, id, body, Optional.of(name), true));
  }

  @DeleteMapping("/{id}/prompts/{name}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  void deletePrompt(Principal principal, @PathVariable UUID id, @PathVariable String name) {
    playbooks.deletePrompt(principal, id, name);
  }
}
