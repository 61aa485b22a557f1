-- +goose Up
-- The service catalog (D1-D8). Records are kept whole as JSON, as the
-- agency last saved them; the columns beside them are what lists filter
-- and sort on. Every saved version of a service is kept (D1).
CREATE TABLE catalog_agencies (
    code       TEXT PRIMARY KEY,
    number     INTEGER NOT NULL UNIQUE,
    record     {{JSON}} NOT NULL,
    updated_at {{TIME}} NOT NULL
);

CREATE TABLE catalog_services (
    id         TEXT PRIMARY KEY,
    agency     TEXT NOT NULL REFERENCES catalog_agencies (code),
    version    INTEGER NOT NULL,
    reviewed   TEXT NOT NULL,
    record     {{JSON}} NOT NULL,
    updated_at {{TIME}} NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX catalog_services_agency ON catalog_services (agency, id);

CREATE TABLE catalog_service_versions (
    service_id TEXT NOT NULL REFERENCES catalog_services (id),
    version    INTEGER NOT NULL,
    record     {{JSON}} NOT NULL,
    saved_at   {{TIME}} NOT NULL,
    saved_by   TEXT NOT NULL,
    note       TEXT NOT NULL,
    PRIMARY KEY (service_id, version)
);

CREATE TABLE catalog_licences (
    id         TEXT PRIMARY KEY,
    issuer     TEXT NOT NULL REFERENCES catalog_agencies (code),
    record     {{JSON}} NOT NULL,
    updated_at {{TIME}} NOT NULL
);

-- Announced outages of a service (D4), shown from starts_at to ends_at.
CREATE TABLE catalog_outages (
    id         TEXT PRIMARY KEY,
    service_id TEXT NOT NULL REFERENCES catalog_services (id),
    starts_at  {{TIME}} NOT NULL,
    ends_at    {{TIME}} NOT NULL,
    message_fa TEXT NOT NULL,
    message_en TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at {{TIME}} NOT NULL
);
CREATE INDEX catalog_outages_service ON catalog_outages (service_id, ends_at);

-- How often each service was started from the window, for ranking.
CREATE TABLE catalog_uses (
    service_id TEXT PRIMARY KEY,
    uses       BIGINT NOT NULL
);

-- A logged-in person's saved and recently used services (J3).
CREATE TABLE catalog_saved (
    account_id TEXT NOT NULL,
    service_id TEXT NOT NULL,
    saved_at   {{TIME}} NOT NULL,
    PRIMARY KEY (account_id, service_id)
);
CREATE TABLE catalog_recent (
    account_id TEXT NOT NULL,
    service_id TEXT NOT NULL,
    used_at    {{TIME}} NOT NULL,
    PRIMARY KEY (account_id, service_id)
);

-- Agency staff: accounts the ministry lets edit an agency's records.
CREATE TABLE catalog_staff (
    national_code TEXT NOT NULL,
    agency        TEXT NOT NULL REFERENCES catalog_agencies (code),
    granted_by    TEXT NOT NULL,
    granted_at    {{TIME}} NOT NULL,
    PRIMARY KEY (national_code, agency)
);

-- Bumped by every change, so other nodes reload the catalog.
CREATE TABLE catalog_generation (
    id         INTEGER PRIMARY KEY,
    generation BIGINT NOT NULL
);
INSERT INTO catalog_generation (id, generation) VALUES (1, 0);

-- +goose Down
DROP TABLE catalog_generation;
DROP TABLE catalog_staff;
DROP TABLE catalog_recent;
DROP TABLE catalog_saved;
DROP TABLE catalog_uses;
DROP TABLE catalog_outages;
DROP TABLE catalog_licences;
DROP TABLE catalog_service_versions;
DROP TABLE catalog_services;
DROP TABLE catalog_agencies;
