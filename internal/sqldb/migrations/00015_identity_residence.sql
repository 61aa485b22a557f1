-- +goose Up
-- The account's legal residence (C5): the civil registry's postal code and
-- the Post's province and city for it, which the address scope releases.
ALTER TABLE identity_accounts ADD COLUMN postal_code TEXT NOT NULL DEFAULT '';
ALTER TABLE identity_accounts ADD COLUMN province TEXT NOT NULL DEFAULT '';
ALTER TABLE identity_accounts ADD COLUMN city TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE identity_accounts DROP COLUMN city;
ALTER TABLE identity_accounts DROP COLUMN province;
ALTER TABLE identity_accounts DROP COLUMN postal_code;
