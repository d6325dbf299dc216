package io.director.platform.config;

import static io.director.platform.config.SettingType.*;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The catalogue of every configuration variable Director reads. */
public final class Settings {
  public static final String DANGEROUS_PREFIX = "DANGEROUSLY_";

  private static final List<Setting> ALL =
      List.of(
          Setting.choice("DIRECTOR_ENV", "development", "Deployment environment; production turns on the production guard.", "development", "production"),
          Setting.of("PORT", PORT, "3673", "HTTP port for the API and MCP endpoints."),
          Setting.of("BASE_URL", HTTP_URL, null, "Public URL clients use to reach Director (required in production)."),
          Setting.of("DATABASE_URL", DATABASE_URL, null, "PostgreSQL URL: postgres://, postgresql:// or jdbc:postgresql://. Unset outside production: embedded PostgreSQL in the data dir."),
          Setting.of("DATABASE_POOL_MIN", COUNT, "1", "Connections the pool keeps open when idle."),
          Setting.of("DATABASE_POOL_MAX", COUNT, "10", "Most connections the pool opens."),
          Setting.of("DATABASE_POOL_IDLE_TIMEOUT", DURATION, "10m", "How long a connection above the minimum may sit idle before it is closed."),
          Setting.of("DATABASE_CONNECTION_TIMEOUT", DURATION, "5s", "How long a request waits for a pooled connection."),
          Setting.of("DATABASE_STATEMENT_TIMEOUT", DURATION, "30s", "PostgreSQL statement_timeout for every connection (0 turns it off)."),
          Setting.of("DIRECTOR_DATA_DIR", PATH, "./data", "Directory for the embedded database and the generated development secret."),
          Setting.of("DIRECTOR_SECRET", SECRET, null, "Master secret (32+ characters) that signing and encryption keys are derived from. Generated into the data dir in development."),
          Setting.of("ALLOWED_ORIGINS", ORIGINS, null, "Comma-separated browser origins allowed by CORS (scheme://host[:port])."),
          Setting.choice("LOG_LEVEL", "info", "Root log level.", "trace", "debug", "info", "warn", "error"),
          Setting.choice("LOG_FORMAT", "json", "json: one JSON object per line; text: for humans.", "json", "text"),
          Setting.of("SHUTDOWN_TIMEOUT", DURATION, "30s", "How long SIGTERM waits for in-flight requests before closing."),
          Setting.of("MANAGEMENT_PORT", PORT, null, "When set, /metrics and /metrics/json are served on this port only."),
          Setting.of("MAX_REQUEST_BODY_SIZE", SIZE, "1MiB", "Largest request body accepted; larger ones get 413."),
          Setting.of("HEALTH_CHECK_TIMEOUT", DURATION, "2s", "How long a health check may take before it counts as failed."),
          new Setting("DIRECTOR_REGISTRATION", CHOICE, java.util.Optional.empty(), "open: anyone may register (creating tenants); closed: only admins create users. Default open in development, closed in production.", List.of("open", "closed")),
          Setting.of("PASSWORD_MIN_LENGTH", COUNT, null, "Shortest password accepted. Default 8 in development, 12 in production (never less there)."),
          Setting.of("PASSWORD_HASH_COST", COUNT, "12", "bcrypt cost factor for password hashes (log2 rounds, 4-31; at least 10 in production)."),
          Setting.of("ACCESS_TOKEN_TTL", DURATION, "15m", "Lifetime of a JWT access token."),
          Setting.of("SESSION_TIMEOUT", DURATION, "7d", "Lifetime of a login session and its refresh tokens."),
          Setting.of("MAX_SESSIONS", COUNT, "10", "Login sessions a user may hold; logging in beyond it ends the oldest."),
          Setting.of("API_KEY_RATE_LIMIT_MAX_REQUESTS", COUNT, "1000", "Requests an API key may make per window, unless the key has its own rate_limit."),
          Setting.of("API_KEY_RATE_LIMIT_WINDOW_SECONDS", COUNT, "60", "Window of the API key rate limit, in seconds."),
          Setting.of("USER_RATE_LIMIT_MAX_REQUESTS", COUNT, "1000", "Requests a logged-in user may make per window."),
          Setting.of("USER_RATE_LIMIT_WINDOW_SECONDS", COUNT, "60", "Window of the user rate limit, in seconds."),
          Setting.of("AUTH_RATE_LIMIT_MAX_ATTEMPTS", COUNT, "5", "Login (and registration) attempts per client IP and per username per window."),
          Setting.of("AUTH_RATE_LIMIT_WINDOW_SECONDS", COUNT, "60", "Window of the /auth rate limit, in seconds."),
          Setting.of("TRUSTED_PROXIES", CIDRS, null, "Comma-separated proxy addresses or CIDRs whose X-Forwarded-For is believed for the client IP."),
          Setting.of("ALLOWED_STDIO_COMMANDS", STRING, "npx,uvx,node,python3,java", "Comma-separated commands a stdio upstream may run (unless DANGEROUSLY_ALLOW_ARBITRARY_STDIO_SERVERS)."),
          Setting.of("MCP_REQUEST_TIMEOUT", DURATION, "60s", "Longest an upstream MCP request may take before the client gets an error."),
          Setting.of("MCP_LIST_DEADLINE", DURATION, "5s", "How long a tools/list waits for slow upstreams before answering with those that are ready."),
          Setting.of("MCP_UPSTREAM_IDLE_TIMEOUT", DURATION, "10m", "An upstream unused this long is stopped; the next use starts it again."),
          Setting.of("MCP_SESSION_IDLE_TIMEOUT", DURATION, "30m", "A client MCP session unused this long is forgotten."),
          Setting.of("MCP_UPSTREAM_POOL_SIZE", COUNT, "4", "Most connections (processes, for stdio) one upstream server gets: calls of clients that answer sampling, elicitation or roots requests each take one while they run."),
          Setting.choice("DIRECTOR_SANDBOX", "bubblewrap", "Driver that runs agent sessions: bubblewrap (Linux namespaces and cgroups), kubernetes (a Pod each) or process (no sandbox; development only).", "bubblewrap", "kubernetes", "process"),
          Setting.of("MAX_AGENT_SESSIONS", COUNT, "200", "Agent sessions that may run at once on this instance; more get 429. (MAX_SESSIONS is the login-session cap.)"),
          Setting.of("MAX_AGENT_SESSIONS_PER_TENANT", COUNT, "50", "Agent sessions one tenant may run at once across all instances, unless an admin set the tenant's own quota."),
          Setting.of("AGENT_SESSION_TIMEOUT", DURATION, "1h", "Default timeout of an agent session; the request's limits.timeout_s overrides it. (SESSION_TIMEOUT is the login-session lifetime.)"),
          Setting.of("AGENT_SESSION_STOP_GRACE", DURATION, "10s", "How long a stopped or timed-out session gets after SIGTERM before SIGKILL."),
          Setting.of("AGENT_SESSION_MEMORY", SIZE, "1GiB", "Default memory limit of an agent session."),
          Setting.of("AGENT_SESSION_CPUS", STRING, "1", "Default CPU limit of an agent session, in cores (0.5 is half a core)."),
          Setting.of("AGENT_SESSION_PIDS", COUNT, "512", "Default limit on processes and threads in an agent session."),
          Setting.of("AGENT_SESSION_OUTPUT", SIZE, "16MiB", "Default cap on the output kept per agent session; output past it is dropped and the transcript marked truncated."),
          Setting.of("AGENT_SESSION_RETENTION", DURATION, "7d", "Finished agent sessions, their transcripts and workspaces are deleted this long after they end (0 keeps them)."),
          Setting.of("SANDBOX_WORKSPACE_DIR", PATH, null, "Where session workspaces live. Default: sessions/ in the data dir."),
          Setting.of("SANDBOX_READONLY_PATHS", STRING, null, "Comma-separated host paths shown read-only inside every sandbox, such as where agent CLIs are installed."),
          Setting.of("KUBERNETES_NAMESPACE", STRING, "director-sessions", "kubernetes driver: namespace for session Pods, their NetworkPolicies and workspace Secrets."),
          Setting.of("KUBERNETES_SESSION_IMAGE", STRING, "debian:bookworm-slim", "kubernetes driver: image session commands run in (it needs cp for the workspace)."),
          Setting.of("KUBERNETES_DIRECTOR_NAMESPACE", STRING, "director", "kubernetes driver: namespace of Director's own Pods, which gateway sessions may reach."),
          Setting.of("KUBERNETES_DIRECTOR_SELECTOR", STRING, "app.kubernetes.io/name=director", "kubernetes driver: labels (k=v,...) of Director's Pods, for the gateway egress rule."),
          Setting.of("KUBERNETES_DNS_NAMESPACE", STRING, "kube-system", "kubernetes driver: namespace of the cluster DNS that sessions may query."),
          Setting.of("KUBERNETES_KEEP_PODS", BOOL, "false", "kubernetes driver: leave finished session Pods in place (for debugging) instead of deleting them."),
          Setting.of("SANDBOX_ALLOW_OPEN_NETWORK", BOOL, "false", "Let sessions use network mode open: the host's network unfiltered, Director's database and cloud metadata included."),
          Setting.of("SANDBOX_EGRESS_ALLOW_LOCAL", BOOL, "false", "Let allowlist sessions reach loopback, link-local and unspecified addresses (Director's own host, cloud metadata) when listed."),
          Setting.of("SANDBOX_UID", COUNT, "65534", "When Director runs as root, sandboxed processes run as this unprivileged user id (and group id)."),
          Setting.of("MEMORY_EMBEDDINGS_URL", HTTP_URL, null, "An OpenAI-compatible embeddings API (base URL such as https://api.openai.com/v1, or its /embeddings endpoint). Unset: the built-in all-MiniLM-L6-v2 model, offline."),
          Setting.of("MEMORY_EMBEDDINGS_MODEL", STRING, null, "Model name sent to MEMORY_EMBEDDINGS_URL (required with it)."),
          Setting.of("MEMORY_EMBEDDINGS_API_KEY", SECRET, null, "Bearer token for MEMORY_EMBEDDINGS_URL."),
          Setting.of("MEMORY_MAX_CONTENT_SIZE", SIZE, "64KiB", "Largest text of one event, memory or decision; larger ones get 413."),
          Setting.of("MEMORY_RETENTION_INTERVAL", DURATION, "10m", "How often items older than their namespace's ttl_days are deleted."),
          Setting.of("MEMORY_RATE_LIMIT_WRITES", COUNT, "100", "Memory writes (events, memories, decisions, deletions) a key may make per minute."),
          Setting.of("MEMORY_RATE_LIMIT_SEARCH", COUNT, "300", "Memory searches a key may make per minute."),
          Setting.of("MEMORY_RATE_LIMIT_CONTEXT", COUNT, "60", "Context bundles a key may request per minute."),
          Setting.of("DANGEROUSLY_ALLOW_ARBITRARY_STDIO_SERVERS", BOOL, "false", "Development only: allow any command as a stdio MCP server. Refused in production."),
          Setting.of("DANGEROUSLY_ALLOW_INSECURE_HTTP_SERVERS", BOOL, "false", "Development only: allow plain-http and private-network upstream MCP servers. Refused in production."),
          Setting.of("DANGEROUSLY_ALLOW_UNSANDBOXED_SESSIONS", BOOL, "false", "Development only: allow the unsandboxed process session driver. Refused in production."),
          Setting.of("DANGEROUSLY_ENABLE_SEEDING", BOOL, "false", "Development only: seed demo data at start. Refused in production."));

  private static final Map<String, Setting> BY_NAME = index();

  private Settings() {}

  public static List<Setting> all() {
    return ALL;
  }

  public static Optional<Setting> named(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }

  /** Maps a config-file key path such as {@code database.pool.max} to its variable name. */
  static String nameOfKey(String keyPath) {
    return keyPath.replace('.', '_').replace('-', '_').toUpperCase(java.util.Locale.ROOT);
  }

  private static Map<String, Setting> index() {
    Map<String, Setting> byName = new LinkedHashMap<>();
    for (Setting s : ALL) byName.put(s.name(), s);
    return Map.copyOf(byName);
  }
}
