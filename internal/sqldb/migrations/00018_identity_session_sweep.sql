-- +goose Up
-- When a session ends unless used again: last use plus its idle time,
-- kept with each use, so that sessions left to idle out can be found and
-- ended (and the agencies they entered told) without waiting for their
-- browser to come back. NULL for sessions made before; their absolute
-- end finds them.
ALTER TABLE identity_sessions ADD COLUMN idle_until {{TIME}};
CREATE INDEX identity_sessions_idle ON identity_sessions (idle_until) WHERE ended_at IS NULL;
CREATE INDEX identity_sessions_expires ON identity_sessions (expires_at) WHERE ended_at IS NULL;

-- +goose Down
DROP INDEX identity_sessions_expires;
DROP INDEX identity_sessions_idle;
ALTER TABLE identity_sessions DROP COLUMN idle_until;
