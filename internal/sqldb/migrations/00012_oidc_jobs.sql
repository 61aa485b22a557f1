-- +goose Up
-- The provider's background jobs and replay protection. Each
-- private_key_jwt client assertion's jti is kept until the assertion
-- expires, so that a copied assertion is refused on every node; one
-- signing key per algorithm may be waiting to sign or signing without a
-- retirement date, so that two nodes rotating at once cannot both add
-- one; the cleanup finds expired rows by these indexes.
CREATE TABLE oidc_assertion_jtis (
    client_id  TEXT NOT NULL,
    jti        TEXT NOT NULL,
    expires_at {{TIME}} NOT NULL,
    PRIMARY KEY (client_id, jti)
);
CREATE INDEX oidc_assertion_jtis_expires ON oidc_assertion_jtis (expires_at);
CREATE UNIQUE INDEX oidc_keys_one_current ON oidc_keys (alg) WHERE retire_at IS NULL;
CREATE INDEX oidc_refresh_tokens_expires ON oidc_refresh_tokens (expires_at);

-- +goose Down
DROP INDEX oidc_refresh_tokens_expires;
DROP INDEX oidc_keys_one_current;
DROP TABLE oidc_assertion_jtis;
