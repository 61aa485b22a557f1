-- +goose Up
-- Accounts of the national window (A1, A3, A9): one per natural person
-- (by national code), foreign national (by FIDA) or legal person (by legal
-- national ID, acting through its signatory). The attributes are the
-- registries' answers at registration; source says where each came from.
CREATE TABLE identity_accounts (
    id             TEXT PRIMARY KEY,
    kind           TEXT NOT NULL,
    login_id       TEXT NOT NULL UNIQUE,
    national_code  TEXT NOT NULL,
    legal_id       TEXT NOT NULL,
    foreign_id     TEXT NOT NULL,
    mobile         TEXT NOT NULL,
    birth_date     TEXT NOT NULL,
    first_name     TEXT NOT NULL,
    last_name      TEXT NOT NULL,
    father_name    TEXT NOT NULL,
    gender         TEXT NOT NULL,
    company_name   TEXT NOT NULL,
    signatory_role TEXT NOT NULL,
    roles          TEXT NOT NULL,
    source         {{JSON}} NOT NULL,
    created_at     {{TIME}} NOT NULL,
    updated_at     {{TIME}} NOT NULL
);
CREATE INDEX identity_accounts_national_code ON identity_accounts (national_code);

-- One-time codes (A2): only a keyed hash of the code is kept.
CREATE TABLE identity_challenges (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES identity_accounts (id) ON DELETE CASCADE,
    purpose     TEXT NOT NULL,
    mobile      TEXT NOT NULL,
    code_hash   {{BYTES}} NOT NULL,
    attempts    INTEGER NOT NULL,
    expires_at  {{TIME}} NOT NULL,
    consumed_at {{TIME}},
    created_at  {{TIME}} NOT NULL
);
CREATE INDEX identity_challenges_account ON identity_challenges (account_id, created_at);
CREATE INDEX identity_challenges_expires ON identity_challenges (expires_at);

-- Fixed-window counters for rate limits, shared by every node and kept
-- across restarts.
CREATE TABLE identity_limits (
    key          TEXT PRIMARY KEY,
    window_start {{TIME}} NOT NULL,
    hits         INTEGER NOT NULL
);

-- Browser sessions (A7): the cookie carries a random token, the table its
-- SHA-256.
CREATE TABLE identity_sessions (
    id          TEXT PRIMARY KEY,
    token_hash  {{BYTES}} NOT NULL UNIQUE,
    account_id  TEXT NOT NULL REFERENCES identity_accounts (id) ON DELETE CASCADE,
    acr         TEXT NOT NULL,
    amr         TEXT NOT NULL,
    auth_time   {{TIME}} NOT NULL,
    created_at  {{TIME}} NOT NULL,
    last_seen   {{TIME}} NOT NULL,
    idle        BIGINT NOT NULL,
    expires_at  {{TIME}} NOT NULL,
    ip          TEXT NOT NULL,
    user_agent  TEXT NOT NULL,
    ended_at    {{TIME}},
    end_reason  TEXT NOT NULL
);
CREATE INDEX identity_sessions_account ON identity_sessions (account_id, created_at);

-- +goose Down
DROP TABLE identity_sessions;
DROP TABLE identity_limits;
DROP TABLE identity_challenges;
DROP TABLE identity_accounts;
