-- Shared agent memory: an append-only event log, durable memories with their history, decisions,
-- and one search index over all three (full text here, vectors here and in each instance's memory).

CREATE TABLE memory_namespaces (
    id         bigserial PRIMARY KEY,
    tenant_id  text        NOT NULL REFERENCES tenants (id),
    name       text        NOT NULL,
    ttl_days   integer CHECK (ttl_days IS NULL OR ttl_days > 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, name)
);

-- content is the redacted text; a secret's text is only in sealed (AES-GCM), content is then ''.
CREATE TABLE memory_events (
    id           uuid PRIMARY KEY,
    tenant_id    text        NOT NULL,
    namespace_id bigint      NOT NULL REFERENCES memory_namespaces (id) ON DELETE CASCADE,
    kind         text        NOT NULL,
    actor_type   text        NOT NULL,
    actor_id     text        NOT NULL,
    channel      text        NOT NULL,
    content      text        NOT NULL,
    content_json jsonb,
    sealed       text,
    tags         text[]      NOT NULL DEFAULT '{}',
    refs         text[]      NOT NULL DEFAULT '{}',
    sensitivity  text        NOT NULL,
    session_id   uuid,
    created_at   timestamptz NOT NULL
);
CREATE INDEX memory_events_recent ON memory_events (namespace_id, created_at DESC);

CREATE TABLE memory_memories (
    id           uuid PRIMARY KEY,
    tenant_id    text        NOT NULL,
    namespace_id bigint      NOT NULL REFERENCES memory_namespaces (id) ON DELETE CASCADE,
    text         text        NOT NULL,
    sealed       text,
    sensitivity  text        NOT NULL,
    tags         text[]      NOT NULL DEFAULT '{}',
    importance   real        NOT NULL,
    source_refs  text[]      NOT NULL DEFAULT '{}',
    valid_from   timestamptz,
    valid_to     timestamptz,
    version      integer     NOT NULL,
    created_by   text        NOT NULL,
    updated_by   text        NOT NULL,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL
);
CREATE INDEX memory_memories_recent ON memory_memories (namespace_id, updated_at DESC);

-- Earlier versions of a memory, each with who wrote it and when; deleted with it.
CREATE TABLE memory_memory_history (
    memory_id   uuid        NOT NULL REFERENCES memory_memories (id) ON DELETE CASCADE,
    version     integer     NOT NULL,
    text        text        NOT NULL,
    sealed      text,
    tags        text[]      NOT NULL,
    importance  real        NOT NULL,
    valid_from  timestamptz,
    valid_to    timestamptz,
    changed_by  text        NOT NULL,
    changed_at  timestamptz NOT NULL,
    PRIMARY KEY (memory_id, version)
);

CREATE TABLE memory_decisions (
    id            uuid PRIMARY KEY,
    tenant_id     text        NOT NULL,
    namespace_id  bigint      NOT NULL REFERENCES memory_namespaces (id) ON DELETE CASCADE,
    title         text        NOT NULL,
    decision      text        NOT NULL,
    rationale     text        NOT NULL DEFAULT '',
    alternatives  text[]      NOT NULL DEFAULT '{}',
    status        text        NOT NULL CHECK (status IN ('active', 'superseded')),
    superseded_by uuid REFERENCES memory_decisions (id) ON DELETE SET NULL,
    scope         text        NOT NULL DEFAULT '',
    tags          text[]      NOT NULL DEFAULT '{}',
    created_by    text        NOT NULL,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);
CREATE INDEX memory_decisions_recent ON memory_decisions (namespace_id, created_at DESC);

-- What search sees: one row per searchable event, memory or decision (secrets are never indexed).
-- embedding is little-endian float32, from the model named in model; NULL until embedded.
CREATE TABLE memory_index (
    item_id      uuid PRIMARY KEY,
    tenant_id    text        NOT NULL,
    namespace_id bigint      NOT NULL REFERENCES memory_namespaces (id) ON DELETE CASCADE,
    item_type    text        NOT NULL CHECK (item_type IN ('event', 'memory', 'decision')),
    kind         text        NOT NULL,
    tags         text[]      NOT NULL DEFAULT '{}',
    body         text        NOT NULL,
    tsv          tsvector GENERATED ALWAYS AS (to_tsvector('english', body)) STORED,
    embedding    bytea,
    model        text,
    importance   real,
    valid_to     timestamptz,
    created_at   timestamptz NOT NULL,
    changed_at   timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX memory_index_tsv ON memory_index USING gin (tsv);
CREATE INDEX memory_index_scope ON memory_index (tenant_id, namespace_id, created_at DESC);
CREATE INDEX memory_index_changed ON memory_index (changed_at);
CREATE INDEX memory_index_unembedded ON memory_index (changed_at) WHERE embedding IS NULL;

-- Removed index rows, so that every instance drops them from its in-memory vectors.
CREATE TABLE memory_index_removals (
    item_id    uuid        NOT NULL,
    tenant_id  text        NOT NULL,
    removed_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX memory_index_removals_at ON memory_index_removals (removed_at);

CREATE FUNCTION memory_index_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO memory_index_removals (item_id, tenant_id) VALUES (OLD.item_id, OLD.tenant_id);
    RETURN NULL;
END $$;
CREATE TRIGGER memory_index_removed AFTER DELETE ON memory_index FOR EACH ROW EXECUTE FUNCTION memory_index_removed();

-- One notification per changing statement (identical payloads in a transaction are folded into one).
CREATE FUNCTION memory_index_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('director_memory_index', '');
    RETURN NULL;
END $$;
CREATE TRIGGER memory_index_changed AFTER INSERT OR UPDATE OR DELETE ON memory_index
    FOR EACH STATEMENT EXECUTE FUNCTION memory_index_changed();

-- Whatever deletes an event, memory or decision (an API call, retention, a namespace) removes its index row too.
CREATE FUNCTION memory_item_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM memory_index WHERE item_id = OLD.id;
    RETURN NULL;
END $$;
CREATE TRIGGER memory_event_deleted AFTER DELETE ON memory_events FOR EACH ROW EXECUTE FUNCTION memory_item_deleted();
CREATE TRIGGER memory_memory_deleted AFTER DELETE ON memory_memories FOR EACH ROW EXECUTE FUNCTION memory_item_deleted();
CREATE TRIGGER memory_decision_deleted AFTER DELETE ON memory_decisions FOR EACH ROW EXECUTE FUNCTION memory_item_deleted();
