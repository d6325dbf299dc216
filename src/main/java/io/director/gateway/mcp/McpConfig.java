package io.director.gateway.mcp;

import io.director.platform.config.Durations;
import io.director.platform.config.EffectiveConfig;
import java.time.Duration;

/** Timeouts of the MCP gateway. */
public record McpConfig(Duration requestTimeout, Duration listDeadline, Duration upstreamIdle, Duration sessionIdle, int poolSize) {
  public static McpConfig from(EffectiveConfig c) {
    return new McpConfig(Durations.parse(c.raw("MCP_REQUEST_TIMEOUT").orElse("60s")), Durations.parse(c.raw("MCP_LIST_DEADLINE").orElse("5s")),
        Durations.parse(c.raw("MCP_UPSTREAM_IDLE_TIMEOUT").orElse("10m")), Durations.parse(c.raw("MCP_SESSION_IDLE_TIMEOUT").orElse("30m")),
        Integer.parseInt(c.raw("MCP_UPSTREAM_POOL_SIZE").orElse("4")));
  }
}
