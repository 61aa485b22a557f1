-- +goose Up
-- meta holds small facts about the installation itself, such as when the
-- synthetic registries were seeded and with which seed.
CREATE TABLE meta (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at {{TIME}} NOT NULL
);

-- +goose Down
DROP TABLE meta;
