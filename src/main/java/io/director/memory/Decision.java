package io.director.memory;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A recorded decision; a later one that supersedes it marks it {@code superseded}. */
public record Decision(
    UUID id, String namespace, String title, String decision, String rationale, List<String> alternatives, String status,
    UUID superseded_by, String scope, List<String> tags, String created_by, Instant created_at, Instant updated_at,
    List<String> redacted) {}
