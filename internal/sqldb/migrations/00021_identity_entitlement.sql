-- +goose Up
-- Legal persons' and foreign nationals' accounts that have logged in,
-- and when the registries are next to be asked whether each is still its
-- holder's (A1): a login sets it an hour on; the window asks about those
-- due, and sets it to NULL for an account whose sessions have all ended,
-- until its next login. A node that takes accounts to ask about moves
-- their time a few minutes on first, so that other nodes leave them.
CREATE TABLE identity_entitlement_due (
    account_id TEXT PRIMARY KEY REFERENCES identity_accounts (id) ON DELETE CASCADE,
    due_at     {{TIME}}
);
CREATE INDEX identity_entitlement_due_at ON identity_entitlement_due (due_at) WHERE due_at IS NOT NULL;

-- +goose Down
DROP TABLE identity_entitlement_due;
