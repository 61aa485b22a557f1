-- +goose Up
-- The sweep's indexes hold the sessions not yet ended, marked by their
-- empty end reason (an ended session always has one) rather than by
-- ended_at IS NULL. A session's own queries (by its ID or its cookie's
-- token, "and not ended") say ended_at IS NULL; with that predicate the
-- indexes were candidates for them too, and a plan PostgreSQL made for a
-- table without statistics (new, or never analysed) scanned every live
-- session for one of them instead of looking it up by its key.
DROP INDEX identity_sessions_idle;
DROP INDEX identity_sessions_expires;
CREATE INDEX identity_sessions_idle ON identity_sessions (idle_until) WHERE end_reason = '';
CREATE INDEX identity_sessions_expires ON identity_sessions (expires_at) WHERE end_reason = '';

-- +goose Down
DROP INDEX identity_sessions_expires;
DROP INDEX identity_sessions_idle;
CREATE INDEX identity_sessions_idle ON identity_sessions (idle_until) WHERE ended_at IS NULL;
CREATE INDEX identity_sessions_expires ON identity_sessions (expires_at) WHERE ended_at IS NULL;
