-- +goose Up
-- A queryable index of the exchange's message log: who looked at whose
-- data, and monthly counts per agency (B7). The message log files are the
-- record of truth; this table is rebuilt from them when it falls behind.
CREATE TABLE nix_exchange_index (
    seq           BIGINT PRIMARY KEY,
    message_id    TEXT NOT NULL,
    at            {{TIME}} NOT NULL,
    client        TEXT NOT NULL,
    client_member TEXT NOT NULL,
    service       TEXT NOT NULL,
    end_user      TEXT NOT NULL,
    subject       TEXT NOT NULL,
    tracking_code TEXT NOT NULL,
    status        INTEGER NOT NULL
);
CREATE INDEX nix_exchange_index_subject ON nix_exchange_index (subject, at);
CREATE INDEX nix_exchange_index_at ON nix_exchange_index (at);

-- +goose Down
DROP TABLE nix_exchange_index;
