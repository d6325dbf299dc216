package io.director.memory;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * One entry of a namespace's append-only event log. {@code redacted} names the kinds of secret
 * replaced in the content before it was stored (only in the answer to the write).
 */
public record MemoryEvent(
    UUID id, String namespace, String kind, Actor actor, String channel, String content, JsonNode content_json, List<String> tags,
    List<String> refs, String sensitivity, UUID session_id, Instant created_at, List<String> redacted) {

  /** Who produced the event: {@code human}, {@code agent} or {@code tool}, and their id. */
  public record Actor(String type, String id) {}
}
