-- Every tool call made through a playbook: who, what, how long, how it ended, how many bytes.
-- Arguments are kept only when the playbook opts in (record_arguments).
CREATE TABLE tool_calls (
    id          bigserial PRIMARY KEY,
    tenant_id   text        NOT NULL,
    playbook_id uuid        NOT NULL REFERENCES playbooks (id) ON DELETE CASCADE,
    principal   text        NOT NULL,
    server      text        NOT NULL,
    tool        text        NOT NULL,
    started_at  timestamptz NOT NULL,
    duration_ms double precision NOT NULL,
    outcome     text        NOT NULL CHECK (outcome IN ('ok', 'tool_error', 'error', 'timeout', 'unavailable', 'cancelled')),
    bytes_in    integer     NOT NULL,
    bytes_out   integer     NOT NULL,
    arguments   jsonb
);
CREATE INDEX tool_calls_playbook ON tool_calls (playbook_id, id DESC);
