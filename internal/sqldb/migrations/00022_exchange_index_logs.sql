-- +goose Up
-- The exchange's index tells gateways' logs apart (B7): each log counts
-- its records from 1, so a record is its log's ID and its seq. Every row
-- gets a position in the order it was indexed (id), by which people's
-- "who looked at my data" lists are read and paged, whatever log the
-- records came from. Rows indexed before are a log's made before logs had
-- IDs (log_id '').
CREATE TABLE nix_exchange_index_logs (
    id            {{SERIAL}},
    log_id        TEXT NOT NULL,
    seq           BIGINT NOT NULL,
    message_id    TEXT NOT NULL,
    at            {{TIME}} NOT NULL,
    client        TEXT NOT NULL,
    client_member TEXT NOT NULL,
    service       TEXT NOT NULL,
    end_user      TEXT NOT NULL,
    subject       TEXT NOT NULL,
    tracking_code TEXT NOT NULL,
    status        INTEGER NOT NULL,
    UNIQUE (log_id, seq)
);
INSERT INTO nix_exchange_index_logs
    (log_id, seq, message_id, at, client, client_member, service, end_user, subject, tracking_code, status)
SELECT '', seq, message_id, at, client, client_member, service, end_user, subject, tracking_code, status
FROM nix_exchange_index ORDER BY seq;
DROP TABLE nix_exchange_index;
ALTER TABLE nix_exchange_index_logs RENAME TO nix_exchange_index;
CREATE INDEX nix_exchange_index_subject ON nix_exchange_index (subject, id);
CREATE INDEX nix_exchange_index_at ON nix_exchange_index (at);

-- +goose Down
CREATE TABLE nix_exchange_index_seq (
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
INSERT INTO nix_exchange_index_seq
SELECT seq, message_id, at, client, client_member, service, end_user, subject, tracking_code, status
FROM nix_exchange_index WHERE log_id = '';
DROP TABLE nix_exchange_index;
ALTER TABLE nix_exchange_index_seq RENAME TO nix_exchange_index;
CREATE INDEX nix_exchange_index_subject ON nix_exchange_index (subject, at);
CREATE INDEX nix_exchange_index_at ON nix_exchange_index (at);
