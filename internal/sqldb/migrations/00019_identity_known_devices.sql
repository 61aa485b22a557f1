-- +goose Up
-- The known device a login code was asked for from (identity's device
-- cookie, A2): the nonce of the browser's mark for the login identifier,
-- or '' for any other browser. A known device's codes are counted under
-- its own limits, so that others asking for the account's codes cannot
-- stop its owner's.
ALTER TABLE identity_challenges ADD COLUMN device TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE identity_challenges DROP COLUMN device;
