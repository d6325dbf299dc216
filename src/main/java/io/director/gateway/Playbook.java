package io.director.gateway;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A tenant-owned bundle of upstream MCP servers and prompts, served to MCP clients as one server. */
public record Playbook(UUID id, String tenantId, String name, String description, boolean memory, boolean recordArguments,
    long revision, List<UpstreamServer> servers, List<PromptTemplate> prompts, Instant createdAt, Instant updatedAt) {
  public Playbook {
    requireNonNull(id, "id");
    requireNonNull(tenantId, "tenantId");
    requireNonNull(name, "name");
    requireNonNull(description, "description");
    servers = List.copyOf(servers);
    prompts = List.copyOf(prompts);
  }
}
