-- +goose Up
-- The exchange's registry: members, their subsystems, the services they
-- publish, and the access rights between them (B1, B2).
CREATE TABLE nix_members (
    id         TEXT PRIMARY KEY,   -- INSTANCE/CLASS/MEMBER
    name_fa    TEXT NOT NULL,
    name_en    TEXT NOT NULL,
    created_at {{TIME}} NOT NULL
);

CREATE TABLE nix_subsystems (
    id         TEXT PRIMARY KEY,   -- INSTANCE/CLASS/MEMBER/SUBSYSTEM
    member_id  TEXT NOT NULL REFERENCES nix_members (id),
    created_at {{TIME}} NOT NULL
);
CREATE INDEX nix_subsystems_member ON nix_subsystems (member_id);

CREATE TABLE nix_services (
    id           TEXT PRIMARY KEY, -- INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE
    subsystem_id TEXT NOT NULL REFERENCES nix_subsystems (id),
    title_fa     TEXT NOT NULL,
    title_en     TEXT NOT NULL,
    target_url   TEXT NOT NULL,
    openapi      TEXT NOT NULL,
    items        TEXT NOT NULL,    -- JSON array of the data items answers may carry
    require_mtls BOOLEAN NOT NULL,
    created_at   {{TIME}} NOT NULL,
    updated_at   {{TIME}} NOT NULL
);
CREATE INDEX nix_services_subsystem ON nix_services (subsystem_id);

CREATE TABLE nix_rights (
    client_id  TEXT NOT NULL REFERENCES nix_subsystems (id),
    service_id TEXT NOT NULL REFERENCES nix_services (id),
    items      TEXT NOT NULL,      -- JSON array; empty grants every item
    granted_by TEXT NOT NULL,
    granted_at {{TIME}} NOT NULL,
    PRIMARY KEY (client_id, service_id)
);
CREATE INDEX nix_rights_service ON nix_rights (service_id);

-- Every change of a right, kept for ever (K3).
CREATE TABLE nix_rights_audit (
    id         TEXT PRIMARY KEY,
    at         {{TIME}} NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,      -- grant, change, revoke
    client_id  TEXT NOT NULL,
    service_id TEXT NOT NULL,
    items      TEXT NOT NULL
);
CREATE INDEX nix_rights_audit_at ON nix_rights_audit (at);

-- +goose Down
DROP TABLE nix_rights_audit;
DROP TABLE nix_rights;
DROP TABLE nix_services;
DROP TABLE nix_subsystems;
DROP TABLE nix_members;
