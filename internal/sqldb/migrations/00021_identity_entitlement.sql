-- +goose Up
-- Legal persons' and foreign nationals' accounts with a session, and when
-- the registries are next to be asked whether each is still its holder's
-- (A1): a login puts the account here, due an hour later; the window
-- asks about those due, and drops those whose sessions have all ended.
CREATE TABLE identity_entitlement_due (
    account_id TEXT PRIMARY KEY REFERENCES identity_accounts (id) ON DELETE CASCADE,
    due_at     {{TIME}} NOT NULL
);
CREATE INDEX identity_entitlement_due_at ON identity_entitlement_due (due_at);

-- +goose Down
DROP TABLE identity_entitlement_due;
