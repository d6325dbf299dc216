-- Every Director process that has served on this database. Several instances may share one
-- database; later capabilities use this table to find work left behind by an instance that died.
CREATE TABLE director_instances (
    id           uuid PRIMARY KEY,
    hostname     text        NOT NULL,
    pid          bigint      NOT NULL,
    version      text        NOT NULL,
    started_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    stopped_at   timestamptz
);

CREATE INDEX director_instances_live ON director_instances (last_seen_at) WHERE stopped_at IS NULL;
