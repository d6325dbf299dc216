-- Agent sessions: one sandboxed command each. The instance that started a session owns its process;
-- the others read its state and transcript from here and reach it through NOTIFY.
CREATE TABLE agent_sessions (
    id              uuid PRIMARY KEY,
    tenant_id       text        NOT NULL REFERENCES tenants (id),
    created_by      text        NOT NULL,
    creator_user_id uuid        NOT NULL,
    name            text        NOT NULL,
    command         text[]      NOT NULL,
    env_names       text[]      NOT NULL DEFAULT '{}',
    playbook_id     uuid,
    limits          jsonb       NOT NULL,
    network         jsonb       NOT NULL,
    stdin           boolean     NOT NULL DEFAULT false,
    driver          text        NOT NULL,
    status          text        NOT NULL CHECK (status IN ('pending', 'starting', 'running', 'completed', 'failed',
                                                           'timed_out', 'stopped', 'lost')),
    reason          text,
    exit_code       integer,
    enforced        jsonb       NOT NULL DEFAULT '{}',
    instance_id     uuid        NOT NULL,
    workspace       text,
    token_hash      bytea UNIQUE,
    output_bytes    bigint      NOT NULL DEFAULT 0,
    output_truncated boolean    NOT NULL DEFAULT false,
    stop_requested  text,
    created_at      timestamptz NOT NULL,
    started_at      timestamptz,
    first_output_at timestamptz,
    ended_at        timestamptz
);
CREATE INDEX agent_sessions_tenant ON agent_sessions (tenant_id, created_at DESC);
CREATE INDEX agent_sessions_active ON agent_sessions (instance_id) WHERE status IN ('pending', 'starting', 'running');

-- The transcript: stdout and stderr lines, status changes and the exit, numbered per session.
CREATE TABLE agent_session_events (
    session_id uuid        NOT NULL REFERENCES agent_sessions (id) ON DELETE CASCADE,
    seq        bigint      NOT NULL,
    at         timestamptz NOT NULL,
    kind       text        NOT NULL,
    data       text        NOT NULL,
    PRIMARY KEY (session_id, seq)
);

-- Input for a session whose process another instance holds: written here, then NOTIFY.
CREATE TABLE agent_session_inputs (
    id         bigserial PRIMARY KEY,
    session_id uuid        NOT NULL REFERENCES agent_sessions (id) ON DELETE CASCADE,
    data       bytea       NOT NULL,
    close      boolean     NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Per-tenant quota and default limits, set by tenant admins.
CREATE TABLE agent_session_tenant_settings (
    tenant_id    text PRIMARY KEY REFERENCES tenants (id),
    max_sessions integer,
    limits       jsonb NOT NULL DEFAULT '{}',
    updated_at   timestamptz NOT NULL
);
