-- +goose Up
-- When a legal person's account passed to its current signatory: its
-- registration, or the registration again by a new signatory that took
-- it over. The account's security activity starts there, the events
-- before it being a former signatory's logins, addresses and browsers.
-- NULL for natural persons' and foreign nationals' accounts.
ALTER TABLE identity_accounts ADD COLUMN signatory_since {{TIME}};

-- An account taken over before now has its last takeover in the audit
-- log, the registration marked "replaced" (details are JSON with sorted
-- keys and no spaces; an event not yet chained is still pending); any
-- other has been its registering signatory's since its creation.
UPDATE identity_accounts SET signatory_since = COALESCE(
    (SELECT MAX(e.at) FROM (
        SELECT at FROM audit_entries
        WHERE subject = identity_accounts.login_id AND kind = 'registration' AND details LIKE '%"replaced":"signatory"%'
        UNION ALL
        SELECT at FROM audit_pending
        WHERE subject = identity_accounts.login_id AND kind = 'registration' AND details LIKE '%"replaced":"signatory"%'
    ) e),
    created_at)
WHERE kind = 'legal';

-- +goose Down
ALTER TABLE identity_accounts DROP COLUMN signatory_since;
