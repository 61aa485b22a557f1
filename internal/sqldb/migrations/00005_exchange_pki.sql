-- +goose Up
-- Certificates issued by the exchange's certificate authority (package
-- exchange/pki) and their revocation. The gateway reloads the revoked,
-- unexpired serials every second or so, so a revocation written here by
-- any process is in force without a restart. member_id is
-- INSTANCE/CLASS/MEMBER and is deliberately not a foreign key: the
-- platform's own member holds certificates before it is registered.
CREATE TABLE nix_certificates (
    serial        TEXT PRIMARY KEY,  -- lowercase hexadecimal
    member_id     TEXT NOT NULL,
    not_before    {{TIME}} NOT NULL,
    not_after     {{TIME}} NOT NULL,
    issued_at     {{TIME}} NOT NULL,
    revoked_at    {{TIME}},
    revoke_reason TEXT NOT NULL DEFAULT '',
    cert_pem      TEXT NOT NULL
);
CREATE INDEX nix_certificates_member ON nix_certificates (member_id);
CREATE INDEX nix_certificates_revoked ON nix_certificates (revoked_at, not_after);

-- +goose Down
DROP TABLE nix_certificates;
