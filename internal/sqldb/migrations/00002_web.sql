-- +goose Up
-- Visitor statistics of the pages (requirement H8), owned by package web.
-- Web nodes count in memory and add their counts here every few seconds
-- with upserts, so several nodes can write at once.

-- web_visit_days holds one row per calendar day in Tehran ('YYYY-MM-DD',
-- Gregorian): page views and distinct visitors.
CREATE TABLE web_visit_days (
    day      TEXT PRIMARY KEY,
    visits   BIGINT NOT NULL DEFAULT 0,
    visitors BIGINT NOT NULL DEFAULT 0
);

-- web_day_visitors remembers which visitors (a hash of their anonymous
-- cookie) were already counted on a day; rows older than yesterday are
-- pruned.
CREATE TABLE web_day_visitors (
    day     TEXT NOT NULL,
    visitor TEXT NOT NULL,
    PRIMARY KEY (day, visitor)
);

-- web_online holds when each visitor was last seen, for "online now";
-- rows well past the online window are pruned.
CREATE TABLE web_online (
    visitor   TEXT PRIMARY KEY,
    last_seen {{TIME}} NOT NULL
);
CREATE INDEX web_online_last_seen ON web_online (last_seen);

-- +goose Down
DROP TABLE web_online;
DROP TABLE web_day_visitors;
DROP TABLE web_visit_days;
