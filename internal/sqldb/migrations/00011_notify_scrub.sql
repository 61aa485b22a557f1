-- +goose Up
-- One-time codes are wiped from the outbox once they expire (A2: a code
-- is kept only as a keyed hash); this index finds the ones still to wipe.
CREATE INDEX notify_sms_otp_unwiped ON notify_sms (expires_at) WHERE purpose = 'otp' AND body <> '';

-- +goose Down
DROP INDEX notify_sms_otp_unwiped;
