-- +goose Up
-- What an approval releases to the agency (the scopes' claims, as JSON),
-- kept from the login that approved it until its code is exchanged, so
-- that the exchange need not read the account again; cleared when the
-- code is spent. NULL when the approval had no account at hand.
ALTER TABLE oidc_grants ADD COLUMN claims TEXT;

-- +goose Down
ALTER TABLE oidc_grants DROP COLUMN claims;
