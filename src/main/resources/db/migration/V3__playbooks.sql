-- Playbooks: tenant-owned bundles of upstream MCP servers and prompts, served as one MCP endpoint.

CREATE TABLE playbooks (
    id               uuid PRIMARY KEY,
    tenant_id        text        NOT NULL REFERENCES tenants (id),
    name             text        NOT NULL,
    description      text        NOT NULL DEFAULT '',
    memory           boolean     NOT NULL DEFAULT true,
    record_arguments boolean     NOT NULL DEFAULT false,
    revision         bigint      NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    UNIQUE (tenant_id, name)
);

-- spec holds the transport settings; env and header values marked secret are AES-GCM ciphertext.
CREATE TABLE playbook_servers (
    id          uuid PRIMARY KEY,
    playbook_id uuid        NOT NULL REFERENCES playbooks (id) ON DELETE CASCADE,
    tenant_id   text        NOT NULL,
    name        text        NOT NULL,
    transport   text        NOT NULL CHECK (transport IN ('stdio', 'http', 'sse')),
    spec        jsonb       NOT NULL,
    prefix      text,
    disabled    boolean     NOT NULL DEFAULT false,
    tools       jsonb       NOT NULL DEFAULT '{}',
    position    integer     NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    UNIQUE (playbook_id, name)
);

CREATE TABLE playbook_prompts (
    id          uuid PRIMARY KEY,
    playbook_id uuid        NOT NULL REFERENCES playbooks (id) ON DELETE CASCADE,
    tenant_id   text        NOT NULL,
    name        text        NOT NULL,
    description text        NOT NULL DEFAULT '',
    arguments   jsonb       NOT NULL DEFAULT '[]',
    template    text        NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    UNIQUE (playbook_id, name)
);

CREATE INDEX playbooks_tenant ON playbooks (tenant_id, name);

-- Every change is announced, so that every instance drops what it cached for the playbook.
CREATE FUNCTION playbooks_notify() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed uuid;
BEGIN
    IF TG_TABLE_NAME = 'playbooks' THEN
        changed := COALESCE(NEW.id, OLD.id);
    ELSE
        changed := COALESCE(NEW.playbook_id, OLD.playbook_id);
    END IF;
    PERFORM pg_notify('director_playbooks', changed::text);
    RETURN NULL;
END;
$$;
CREATE TRIGGER playbooks_changed AFTER INSERT OR UPDATE OR DELETE ON playbooks
    FOR EACH ROW EXECUTE FUNCTION playbooks_notify();
CREATE TRIGGER playbook_servers_changed AFTER INSERT OR UPDATE OR DELETE ON playbook_servers
    FOR EACH ROW EXECUTE FUNCTION playbooks_notify();
CREATE TRIGGER playbook_prompts_changed AFTER INSERT OR UPDATE OR DELETE ON playbook_prompts
    FOR EACH ROW EXECUTE FUNCTION playbooks_notify();
