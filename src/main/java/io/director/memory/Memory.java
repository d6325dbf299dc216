package io.director.memory;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A durable fact or note. Updates raise {@code version}; earlier versions are kept as history. */
public record Memory(
    UUID id, String namespace, String text, List<String> tags, double importance, List<String> source_refs, Instant valid_from,
    Instant valid_to, String sensitivity, int version, String created_by, Instant created_at, Instant updated_at,
    List<String> redacted) {

  /** An earlier version of a memory. */
  public record Version(int version, String text, List<String> tags, double importance, Instant valid_from, Instant valid_to,
      String changed_by, Instant changed_at) {}
}
