-- +goose Up
-- Each rate-limit counter carries the end of its window, so counters of
-- different windows (a cooldown of a minute, limits of a quarter hour)
-- are kept in one statement.
ALTER TABLE identity_limits ADD COLUMN expires_at {{TIME}};

-- +goose Down
ALTER TABLE identity_limits DROP COLUMN expires_at;
