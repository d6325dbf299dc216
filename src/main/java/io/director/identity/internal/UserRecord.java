package io.director.identity.internal;

import io.director.identity.Role;
import java.time.Instant;
import java.util.UUID;

/** A row of {@code users}; the password hash never leaves the identity module. */
record UserRecord(UUID id, String tenantId, String username, String passwordHash, Role role, boolean disabled, Instant createdAt) {}
