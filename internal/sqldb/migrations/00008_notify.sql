-- +goose Up
-- The SMS outbox of package notify (requirements A2, F3). A message is
-- written here, in the same transaction as whatever caused it when the
-- caller has one, and a dispatcher delivers it through the configured
-- provider (the 4040 operator over SMPP, or the development sink).
CREATE TABLE notify_sms (
    id              TEXT PRIMARY KEY,
    to_mobile       TEXT NOT NULL,           -- 09XXXXXXXXX
    sender          TEXT NOT NULL,           -- 4040 or an agency's 4040xxx
    body            TEXT NOT NULL,
    purpose         TEXT NOT NULL,           -- otp, notice, ...
    status          TEXT NOT NULL,           -- queued, sending, sent, failed, expired
    attempts        INTEGER NOT NULL,
    -- For a queued message, the earliest time to try it; for one being
    -- sent, when the dispatcher's claim on it lapses and another may
    -- take it over.
    next_attempt_at {{TIME}} NOT NULL,
    expires_at      {{TIME}},                -- not sent at all after this
    claimed_by      TEXT NOT NULL,           -- the dispatcher sending it
    provider_ref    TEXT NOT NULL,           -- the operator's message ID(s)
    last_error      TEXT NOT NULL,
    created_at      {{TIME}} NOT NULL,
    updated_at      {{TIME}} NOT NULL,
    sent_at         {{TIME}}
);
-- Only messages still to be sent are in the dispatcher's index, so it
-- stays small however many sent messages the table keeps.
CREATE INDEX notify_sms_due ON notify_sms (next_attempt_at) WHERE status IN ('queued', 'sending');
CREATE INDEX notify_sms_to ON notify_sms (to_mobile, created_at);
CREATE INDEX notify_sms_created ON notify_sms (created_at);

-- +goose Down
DROP TABLE notify_sms;
