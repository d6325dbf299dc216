package io.director.sessions;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A session as the API shows it. Environment values are never shown, only their names. */
public record SessionView(
    UUID id, String name, String status, String reason, Integer exit_code, List<String> command, List<String> env,
    UUID playbook_id, Map<String, Object> limits, Map<String, Object> network, boolean stdin, String driver,
    Map<String, String> enforced, long output_bytes, boolean output_truncated, String created_by, Instant created_at,
    Instant started_at, Instant first_output_at, Instant ended_at, UUID instance_id) {}
