-- +goose Up
-- Until when the account's one-time codes are stopped after too many
-- wrong ones (A2): no code is sent or checked before then. NULL when
-- they are not.
ALTER TABLE identity_accounts ADD COLUMN codes_locked_until {{TIME}};

-- +goose Down
ALTER TABLE identity_accounts DROP COLUMN codes_locked_until;
