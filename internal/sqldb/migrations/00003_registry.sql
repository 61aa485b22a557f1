-- +goose Up
-- The simulated base and agency registries (package registry). Dates are
-- 'YYYY-MM-DD' text, which compares and sorts the same on both backends.
-- Only primary keys are declared here: registry.Seed creates the secondary
-- indexes after it has loaded the rows, which is several times faster than
-- maintaining them during the load.

-- Civil registry (C1), with each person's legal residence (C5).
CREATE TABLE reg_persons (
    national_code     TEXT PRIMARY KEY,
    first_name        TEXT NOT NULL,
    last_name         TEXT NOT NULL,
    father_name       TEXT NOT NULL,
    gender            INTEGER NOT NULL,
    birth_date        TEXT NOT NULL,
    birth_place       TEXT NOT NULL,
    shenasname_no     TEXT NOT NULL,
    shenasname_seri   TEXT NOT NULL,
    shenasname_serial TEXT NOT NULL,
    office_code       TEXT NOT NULL,
    office_name       TEXT NOT NULL,
    book_no           INTEGER NOT NULL,
    book_row          INTEGER NOT NULL,
    death_date        TEXT,
    father_code       TEXT,
    mother_code       TEXT,
    spouse_code       TEXT,
    postal_code       TEXT NOT NULL,
    residence_since   TEXT NOT NULL
);

-- Shahkar (C3): who owns each mobile number.
CREATE TABLE reg_mobiles (
    mobile        TEXT PRIMARY KEY,
    national_code TEXT NOT NULL,
    operator      TEXT NOT NULL,
    since         TEXT NOT NULL
);

-- The Post's addresses by postal code (C4), in the Post's own fields.
CREATE TABLE reg_addresses (
    postal_code   TEXT PRIMARY KEY,
    province      TEXT NOT NULL,
    province_en   TEXT NOT NULL,
    township      TEXT NOT NULL,
    zone          TEXT NOT NULL,
    village       TEXT NOT NULL,
    locality_type TEXT NOT NULL,
    locality_name TEXT NOT NULL,
    locality_code TEXT NOT NULL,
    sub_locality  TEXT NOT NULL,
    street        TEXT NOT NULL,
    street2       TEXT NOT NULL,
    house_number  TEXT NOT NULL,
    floor         TEXT NOT NULL,
    side_floor    TEXT NOT NULL,
    building_name TEXT NOT NULL,
    description   TEXT NOT NULL
);

-- Legal persons (C2) with their legal residence (C5).
CREATE TABLE reg_companies (
    legal_id            TEXT PRIMARY KEY,
    name                TEXT NOT NULL,
    kind                TEXT NOT NULL,
    registration_no     TEXT NOT NULL,
    registration_date   TEXT NOT NULL,
    registration_office TEXT NOT NULL,
    registration_city   TEXT NOT NULL,
    status              TEXT NOT NULL,
    postal_code         TEXT NOT NULL,
    residence_since     TEXT NOT NULL
);

CREATE TABLE reg_signatories (
    legal_id      TEXT NOT NULL,
    national_code TEXT NOT NULL,
    role          TEXT NOT NULL,
    from_date     TEXT NOT NULL,
    to_date       TEXT,
    PRIMARY KEY (legal_id, national_code, role)
);

CREATE TABLE reg_licences (
    number        TEXT PRIMARY KEY,
    national_code TEXT NOT NULL,
    class         TEXT NOT NULL,
    issued        TEXT NOT NULL,
    expires       TEXT NOT NULL
);

-- Vehicles by plate in canonical ASCII form, e.g. 12B34567.
CREATE TABLE reg_vehicles (
    plate      TEXT PRIMARY KEY,
    plate_fa   TEXT NOT NULL,
    vin        TEXT NOT NULL,
    maker      TEXT NOT NULL,
    model      TEXT NOT NULL,
    model_year INTEGER NOT NULL,
    colour     TEXT NOT NULL,
    owner_code TEXT NOT NULL
);

CREATE TABLE reg_passports (
    number        TEXT PRIMARY KEY,
    national_code TEXT NOT NULL,
    issued        TEXT NOT NULL,
    expires       TEXT NOT NULL
);

-- Third-party motor insurance policies.
CREATE TABLE reg_insurance (
    policy_no     TEXT PRIMARY KEY,
    insurer       TEXT NOT NULL,
    plate         TEXT NOT NULL,
    national_code TEXT NOT NULL,
    starts        TEXT NOT NULL,
    ends          TEXT NOT NULL
);

CREATE TABLE reg_education (
    certificate_no TEXT PRIMARY KEY,
    national_code  TEXT NOT NULL,
    level          TEXT NOT NULL,
    field          TEXT NOT NULL,
    institution    TEXT NOT NULL,
    graduated      TEXT NOT NULL
);

-- Foreign nationals by their 12-digit comprehensive identifier (FIDA).
CREATE TABLE reg_foreigners (
    fida           TEXT PRIMARY KEY,
    nationality    TEXT NOT NULL,
    first_name     TEXT NOT NULL,
    last_name      TEXT NOT NULL,
    first_name_en  TEXT NOT NULL,
    last_name_en   TEXT NOT NULL,
    father_name    TEXT NOT NULL,
    gender         INTEGER NOT NULL,
    birth_date     TEXT NOT NULL,
    permit_no      TEXT NOT NULL,
    permit_expires TEXT NOT NULL,
    postal_code    TEXT
);

-- +goose Down
DROP TABLE reg_foreigners;
DROP TABLE reg_education;
DROP TABLE reg_insurance;
DROP TABLE reg_passports;
DROP TABLE reg_vehicles;
DROP TABLE reg_licences;
DROP TABLE reg_signatories;
DROP TABLE reg_companies;
DROP TABLE reg_addresses;
DROP TABLE reg_mobiles;
DROP TABLE reg_persons;
