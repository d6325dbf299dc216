-- A stateless (2026-07-28) call that waits for its client's input lives on the instance that
-- started it. The client's retry may reach any instance: that one hands the retry over through this
-- table (and a NOTIFY), and the owner writes the answer back.
CREATE TABLE mcp_continuations (
    id           uuid PRIMARY KEY,
    instance_id  uuid        NOT NULL,
    principal_id uuid        NOT NULL,
    playbook_id  uuid        NOT NULL,
    request      jsonb       NOT NULL,
    response     jsonb,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX mcp_continuations_created ON mcp_continuations (created_at);
