package io.director.sessions.internal;

import io.director.sessions.NetworkMode;
import io.director.sessions.SessionLimits;
import io.director.sessions.SessionStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** A session as stored. */
public record SessionRow(
    UUID id, String tenantId, String createdBy, UUID creatorUserId, String name, List<String> command, List<String> envNames,
    Optional<UUID> playbookId, SessionLimits limits, NetworkMode network, List<String> allow, boolean stdin, String driver,
    SessionStatus status, Optional<String> reason, Optional<Integer> exitCode, Map<String, String> enforced, UUID instanceId,
    Optional<String> workspace, long outputBytes, boolean outputTruncated, Optional<String> stopRequested, Instant createdAt,
    Optional<Instant> startedAt, Optional<Instant> firstOutputAt, Optional<Instant> endedAt) {}
