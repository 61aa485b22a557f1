-- +goose Up
-- The national OpenID Connect provider (A4-A6): agency clients, signing
-- keys shared by every node, authorizations with their single-use codes,
-- rotating refresh tokens, consents, the agencies each browser session
-- entered, and the back-channel logout deliveries still owed.
CREATE TABLE oidc_clients (
    id               TEXT PRIMARY KEY,
    name_fa          TEXT NOT NULL,
    name_en          TEXT NOT NULL,
    logo             {{BYTES}},            -- a copy of the agency's logo, served from the window
    logo_type        TEXT NOT NULL,
    logo_url         TEXT NOT NULL,
    redirect_uris    TEXT NOT NULL,        -- JSON array
    post_logout_uris TEXT NOT NULL,        -- JSON array
    backchannel_uri  TEXT NOT NULL,
    scopes           TEXT NOT NULL,        -- JSON array of allowed scopes
    max_acr          TEXT NOT NULL,
    auth_method      TEXT NOT NULL,        -- client_secret_basic | private_key_jwt | none
    secret_hash      TEXT NOT NULL,        -- hex SHA-256 of a random 256-bit secret
    jwks             TEXT NOT NULL,        -- the client's public keys for private_key_jwt
    id_token_alg     TEXT NOT NULL,        -- ES256 | RS256
    session_seconds  INTEGER NOT NULL,     -- lifetime hint for the window session (A7)
    require_pkce     BOOLEAN NOT NULL,
    client_credentials BOOLEAN NOT NULL,
    disabled         BOOLEAN NOT NULL,
    created_at       {{TIME}} NOT NULL,
    updated_at       {{TIME}} NOT NULL
);

CREATE TABLE oidc_keys (
    id          TEXT PRIMARY KEY,          -- the JWK key ID
    alg         TEXT NOT NULL,
    private_key {{BYTES}} NOT NULL,        -- PKCS #8
    created_at  {{TIME}} NOT NULL,
    sign_from   {{TIME}} NOT NULL,         -- published before it signs
    retire_at   {{TIME}},                  -- stops signing
    expires_at  {{TIME}}                   -- leaves the JWKS once its tokens have expired
);

-- An authorization: the request, then (once the person has logged in and
-- consented) its code, then the tokens issued from it.
CREATE TABLE oidc_grants (
    id           TEXT PRIMARY KEY,
    client_id    TEXT NOT NULL REFERENCES oidc_clients (id) ON DELETE CASCADE,
    request      TEXT NOT NULL,            -- JSON of the authorization request
    created_at   {{TIME}} NOT NULL,
    expires_at   {{TIME}} NOT NULL,
    subject      TEXT NOT NULL,
    session_id   TEXT NOT NULL,
    acr          TEXT NOT NULL,
    amr          TEXT NOT NULL,            -- space-separated
    auth_time    {{TIME}},
    offline      BOOLEAN NOT NULL,
    code_hash    TEXT UNIQUE,
    code_expires {{TIME}},
    code_used_at {{TIME}},
    revoked_at   {{TIME}}
);
CREATE INDEX oidc_grants_session ON oidc_grants (session_id);
CREATE INDEX oidc_grants_expires ON oidc_grants (expires_at);

CREATE TABLE oidc_refresh_tokens (
    hash       TEXT PRIMARY KEY,
    grant_id   TEXT NOT NULL REFERENCES oidc_grants (id) ON DELETE CASCADE,
    issued_at  {{TIME}} NOT NULL,
    expires_at {{TIME}} NOT NULL,
    used_at    {{TIME}}
);
CREATE INDEX oidc_refresh_tokens_grant ON oidc_refresh_tokens (grant_id);

CREATE TABLE oidc_consents (
    subject    TEXT NOT NULL,
    client_id  TEXT NOT NULL REFERENCES oidc_clients (id) ON DELETE CASCADE,
    scopes     TEXT NOT NULL,              -- space-separated, sorted
    granted_at {{TIME}} NOT NULL,
    PRIMARY KEY (subject, client_id)
);

CREATE TABLE oidc_session_clients (
    session_id TEXT NOT NULL,
    client_id  TEXT NOT NULL REFERENCES oidc_clients (id) ON DELETE CASCADE,
    subject    TEXT NOT NULL,
    first_at   {{TIME}} NOT NULL,
    PRIMARY KEY (session_id, client_id)
);

CREATE TABLE oidc_logout_deliveries (
    id           TEXT PRIMARY KEY,
    client_id    TEXT NOT NULL,
    uri          TEXT NOT NULL,
    token        TEXT NOT NULL,            -- the signed logout token
    created_at   {{TIME}} NOT NULL,
    next_at      {{TIME}} NOT NULL,
    attempts     INTEGER NOT NULL,
    last_error   TEXT NOT NULL,
    delivered_at {{TIME}},
    failed_at    {{TIME}}
);
CREATE INDEX oidc_logout_deliveries_due ON oidc_logout_deliveries (next_at);

-- +goose Down
DROP TABLE oidc_logout_deliveries;
DROP TABLE oidc_session_clients;
DROP TABLE oidc_consents;
DROP TABLE oidc_refresh_tokens;
DROP TABLE oidc_grants;
DROP TABLE oidc_keys;
DROP TABLE oidc_clients;
