-- +goose Up
-- The tamper-evident audit log (K3); see internal/audit. Entries form one
-- hash chain across every node: hash = SHA-256(prev_hash || seq || body).
-- seq is assigned by the log inside the transaction that holds the head
-- row, never by the database; {{SERIAL}} only makes it SQLite's rowid.
CREATE TABLE audit_entries (
    seq        {{SERIAL}},
    at         {{TIME}} NOT NULL,
    kind       TEXT NOT NULL,
    actor      TEXT NOT NULL,
    subject    TEXT NOT NULL,
    ip         TEXT NOT NULL,
    user_agent TEXT NOT NULL,
    details    TEXT NOT NULL,      -- JSON object of strings, keys sorted
    prev_hash  {{BYTES}} NOT NULL,
    hash       {{BYTES}} NOT NULL
);
CREATE INDEX audit_entries_subject ON audit_entries (subject, seq);
CREATE INDEX audit_entries_kind ON audit_entries (kind, seq);
CREATE INDEX audit_entries_at ON audit_entries (at);

-- The chain's head: the last seq and hash. Every batch locks this one row,
-- which orders chain extension across nodes.
CREATE TABLE audit_head (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    seq        BIGINT NOT NULL,
    hash       {{BYTES}} NOT NULL,
    updated_at {{TIME}} NOT NULL
);

-- Events written inside a caller's transaction (RecordTx), waiting to be
-- chained. A node moves them into audit_entries within about a second.
CREATE TABLE audit_pending (
    id         TEXT PRIMARY KEY,
    at         {{TIME}} NOT NULL,
    kind       TEXT NOT NULL,
    actor      TEXT NOT NULL,
    subject    TEXT NOT NULL,
    ip         TEXT NOT NULL,
    user_agent TEXT NOT NULL,
    details    TEXT NOT NULL,
    queued_at  {{TIME}} NOT NULL
);
CREATE INDEX audit_pending_queued ON audit_pending (queued_at);

-- Signed checkpoints of the chain: the head's seq and hash, signed with
-- the platform's ECDSA P-256 audit key.
CREATE TABLE audit_seals (
    seq    BIGINT PRIMARY KEY,
    hash   {{BYTES}} NOT NULL,
    at     {{TIME}} NOT NULL,
    key_id TEXT NOT NULL,
    sig    {{BYTES}} NOT NULL
);

-- +goose Down
DROP TABLE audit_seals;
DROP TABLE audit_pending;
DROP TABLE audit_head;
DROP TABLE audit_entries;
