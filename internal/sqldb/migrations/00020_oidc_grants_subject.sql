-- +goose Up
-- A person's grants, by agency: withdrawing a consent (the account's
-- connections page) and withdrawing everything agencies hold for an
-- account that passes to a new signatory find them without reading every
-- grant.
CREATE INDEX oidc_grants_subject ON oidc_grants (subject, client_id);

-- +goose Down
DROP INDEX oidc_grants_subject;
