-- +goose Up
-- When the registries last said a legal person's or a foreign national's
-- account is still its holder's (A1); NULL until first asked after
-- registration. The window asks again, about accounts with a session
-- open, once an hour; the index finds the accounts due.
ALTER TABLE identity_accounts ADD COLUMN entitled_at {{TIME}};
CREATE INDEX identity_accounts_entitled ON identity_accounts (entitled_at) WHERE kind <> 'natural';

-- +goose Down
DROP INDEX identity_accounts_entitled;
ALTER TABLE identity_accounts DROP COLUMN entitled_at;
