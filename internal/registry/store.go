package registry

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/panjereh/panjereh/internal/sqldb"
)

// Store answers registry lookups. Every query is a seek on a primary key or
// on one of the secondary indexes Seed creates, so a lookup costs the same
// at a thousand persons as at a million. The statements are prepared once.
type Store struct {
	db    *sqldb.DB
	stmts map[string]*sql.Stmt
}

// queries are the store's statements by name.
var queries = map[string]string{
	"person": `SELECT national_code, first_name, last_name, father_name, gender, birth_date, birth_place,
		shenasname_no, shenasname_seri, shenasname_serial, office_code, office_name, book_no, book_row,
		death_date, father_code, mother_code, spouse_code, postal_code, residence_since
		FROM reg_persons WHERE national_code = $1`,
	"family": `SELECT 'father', q.national_code, q.first_name, q.last_name, q.gender, q.birth_date, q.death_date
			FROM reg_persons p JOIN reg_persons q ON q.national_code = p.father_code WHERE p.national_code = $1
		UNION ALL SELECT 'mother', q.national_code, q.first_name, q.last_name, q.gender, q.birth_date, q.death_date
			FROM reg_persons p JOIN reg_persons q ON q.national_code = p.mother_code WHERE p.national_code = $1
		UNION ALL SELECT 'spouse', q.national_code, q.first_name, q.last_name, q.gender, q.birth_date, q.death_date
			FROM reg_persons p JOIN reg_persons q ON q.national_code = p.spouse_code WHERE p.national_code = $1
		UNION ALL SELECT 'child', national_code, first_name, last_name, gender, birth_date, death_date FROM reg_persons WHERE father_code = $1
		UNION ALL SELECT 'child', national_code, first_name, last_name, gender, birth_date, death_date FROM reg_persons WHERE mother_code = $1`,
	"mobileOwner": `SELECT national_code FROM reg_mobiles WHERE mobile = $1`,
	"address": `SELECT province, province_en, township, zone, village, locality_type, locality_name, locality_code,
		sub_locality, street, street2, house_number, floor, side_floor, building_name, description, postal_code
		FROM reg_addresses WHERE postal_code = $1`,
	"personResidence": `SELECT p.residence_since, a.province, a.province_en, a.township, a.zone, a.village, a.locality_type, a.locality_name, a.locality_code,
		a.sub_locality, a.street, a.street2, a.house_number, a.floor, a.side_floor, a.building_name, a.description, a.postal_code
		FROM reg_persons p JOIN reg_addresses a ON a.postal_code = p.postal_code WHERE p.national_code = $1`,
	"companyResidence": `SELECT c.residence_since, a.province, a.province_en, a.township, a.zone, a.village, a.locality_type, a.locality_name, a.locality_code,
		a.sub_locality, a.street, a.street2, a.house_number, a.floor, a.side_floor, a.building_name, a.description, a.postal_code
		FROM reg_companies c JOIN reg_addresses a ON a.postal_code = c.postal_code WHERE c.legal_id = $1`,
	"company": `SELECT legal_id, name, kind, status, registration_no, registration_date, registration_office,
		registration_city, postal_code FROM reg_companies WHERE legal_id = $1`,
	"signatories": `SELECT s.national_code, COALESCE(p.first_name, ''), COALESCE(p.last_name, ''), s.role, s.from_date, s.to_date
		FROM reg_signatories s LEFT JOIN reg_persons p ON p.national_code = s.national_code
		WHERE s.legal_id = $1 ORDER BY s.from_date, s.national_code`,
	"licences":         `SELECT number, national_code, class, issued, expires FROM reg_licences WHERE national_code = $1 ORDER BY issued`,
	"vehicle":          `SELECT plate, plate_fa, vin, maker, model, model_year, colour, owner_code FROM reg_vehicles WHERE plate = $1`,
	"vehiclesByOwner":  `SELECT plate, plate_fa, vin, maker, model, model_year, colour, owner_code FROM reg_vehicles WHERE owner_code = $1 ORDER BY plate`,
	"passports":        `SELECT number, national_code, issued, expires FROM reg_passports WHERE national_code = $1 ORDER BY issued`,
	"insuranceByPlate": `SELECT policy_no, insurer, plate, national_code, starts, ends FROM reg_insurance WHERE plate = $1 ORDER BY starts`,
	"insuranceByOwner": `SELECT policy_no, insurer, plate, national_code, starts, ends FROM reg_insurance WHERE national_code = $1 ORDER BY starts`,
	"education":        `SELECT certificate_no, national_code, level, field, institution, graduated FROM reg_education WHERE national_code = $1 ORDER BY graduated`,
	"foreigner": `SELECT fida, nationality, first_name, last_name, first_name_en, last_name_en, father_name, gender,
		birth_date, permit_no, permit_expires, postal_code FROM reg_foreigners WHERE fida = $1`,
}

// NewStore prepares the lookups on db's read pool.
func NewStore(ctx context.Context, db *sqldb.DB) (*Store, error) {
	s := &Store{db: db, stmts: make(map[string]*sql.Stmt, len(queries))}
	for name, q := range queries {
		st, err := db.Read.PrepareContext(ctx, q)
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("registry: prepare %s: %w", name, err)
		}
		s.stmts[name] = st
	}
	return s, nil
}

// Close releases the prepared statements.
func (s *Store) Close() error {
	var errs []error
	for _, st := range s.stmts {
		errs = append(errs, st.Close())
	}
	return errors.Join(errs...)
}

// one runs a single-row statement.
func (s *Store) one(ctx context.Context, name string, arg any, dest ...any) error {
	err := s.stmts[name].QueryRowContext(ctx, arg).Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("registry: %s %s: %w", name, arg, sqldb.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("registry: %s: %w", name, err)
	}
	return nil
}

// many runs a statement and scans each row with scan.
func (s *Store) many(ctx context.Context, name string, arg any, scan func(*sql.Rows) error) error {
	rows, err := s.stmts[name].QueryContext(ctx, arg)
	if err != nil {
		return fmt.Errorf("registry: %s: %w", name, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return fmt.Errorf("registry: %s: %w", name, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("registry: %s: %w", name, err)
	}
	return nil
}

// Person returns the civil registry record of a national code.
func (s *Store) Person(ctx context.Context, code string) (Person, error) {
	var p Person
	var death, father, mother, spouse sql.NullString
	err := s.one(ctx, "person", code, &p.NationalCode, &p.FirstName, &p.LastName, &p.FatherName, &p.Gender, &p.BirthDate,
		&p.BirthPlace, &p.ShenasnameNo, &p.ShenasnameSeri, &p.ShenasnameSerial, &p.OfficeCode, &p.OfficeName, &p.BookNo,
		&p.BookRow, &death, &father, &mother, &spouse, &p.PostalCode, &p.ResidenceSince)
	p.DeathDate, p.FatherCode, p.MotherCode, p.SpouseCode = death.String, father.String, mother.String, spouse.String
	return p, err
}

// Family returns the person's father, mother, spouse and children as far
// as the civil registry knows them, in one query; an unknown person is a
// wrapped sqldb.ErrNotFound.
func (s *Store) Family(ctx context.Context, code string) ([]Relative, error) {
	out := []Relative{}
	err := s.many(ctx, "family", code, func(r *sql.Rows) error {
		var c Relative
		var death sql.NullString
		err := r.Scan(&c.Relation, &c.NationalCode, &c.FirstName, &c.LastName, &c.Gender, &c.BirthDate, &death)
		c.Alive = !death.Valid
		out = append(out, c)
		return err
	})
	if err == nil && len(out) == 0 {
		_, err = s.Person(ctx, code)
	}
	return out, err
}

// MobileOwner returns the national code Shahkar has registered a mobile
// number to.
func (s *Store) MobileOwner(ctx context.Context, mobile string) (string, error) {
	var code string
	err := s.one(ctx, "mobileOwner", mobile, &code)
	return code, err
}

// Address returns the Post's address of a postal code.
func (s *Store) Address(ctx context.Context, postal string) (Address, error) {
	var a Address
	err := s.one(ctx, "address", postal, &a.Province, &a.EnProvince, &a.TownShip, &a.Zone, &a.Village, &a.LocalityType,
		&a.LocalityName, &a.LocalityCode, &a.SubLocality, &a.Street, &a.Street2, &a.HouseNumber, &a.Floor, &a.SideFloor,
		&a.BuildingName, &a.Description, &a.PostCode)
	return a, err
}

// Residence returns the legal residence of a person (by national code) or
// of a legal person (by legal ID) with its address.
func (s *Store) Residence(ctx context.Context, id string, legal bool) (Residence, error) {
	r := Residence{ID: id, Kind: "person"}
	name := "personResidence"
	if legal {
		r.Kind, name = "legal-person", "companyResidence"
	}
	a := &r.Address
	err := s.one(ctx, name, id, &r.Since, &a.Province, &a.EnProvince, &a.TownShip, &a.Zone, &a.Village, &a.LocalityType,
		&a.LocalityName, &a.LocalityCode, &a.SubLocality, &a.Street, &a.Street2, &a.HouseNumber, &a.Floor, &a.SideFloor,
		&a.BuildingName, &a.Description, &a.PostCode)
	r.PostalCode = a.PostCode
	return r, err
}

// LegalPerson returns a legal person with its signatories.
func (s *Store) LegalPerson(ctx context.Context, legalID string) (LegalPerson, error) {
	var c LegalPerson
	err := s.one(ctx, "company", legalID, &c.LegalID, &c.Name, &c.Type, &c.Status, &c.RegistrationNo, &c.RegistrationDate,
		&c.RegistrationOffice, &c.RegistrationCity, &c.PostalCode)
	if err != nil {
		return c, err
	}
	for _, st := range companyStatuses {
		if st.code == c.Status {
			c.StatusFa = st.fa
		}
	}
	c.Signatories = []Signatory{}
	err = s.many(ctx, "signatories", legalID, func(r *sql.Rows) error {
		var sg Signatory
		var to sql.NullString
		err := r.Scan(&sg.NationalCode, &sg.FirstName, &sg.LastName, &sg.Role, &sg.From, &to)
		sg.To = to.String
		c.Signatories = append(c.Signatories, sg)
		return err
	})
	return c, err
}

// DrivingLicences returns a person's driving licences.
func (s *Store) DrivingLicences(ctx context.Context, code string) ([]DrivingLicence, error) {
	out := []DrivingLicence{}
	err := s.many(ctx, "licences", code, func(r *sql.Rows) error {
		var l DrivingLicence
		err := r.Scan(&l.Number, &l.NationalCode, &l.Class, &l.Issued, &l.Expires)
		out = append(out, l)
		return err
	})
	return out, err
}

func scanVehicle(r interface{ Scan(...any) error }) (Vehicle, error) {
	var v Vehicle
	err := r.Scan(&v.Plate, &v.PlateFa, &v.VIN, &v.Maker, &v.Model, &v.ModelYear, &v.Colour, &v.Owner)
	return v, err
}

// Vehicle returns the vehicle with a plate in canonical form.
func (s *Store) Vehicle(ctx context.Context, plate string) (Vehicle, error) {
	var v Vehicle
	err := s.one(ctx, "vehicle", plate, &v.Plate, &v.PlateFa, &v.VIN, &v.Maker, &v.Model, &v.ModelYear, &v.Colour, &v.Owner)
	return v, err
}

// VehiclesByOwner returns the vehicles registered to a person.
func (s *Store) VehiclesByOwner(ctx context.Context, code string) ([]Vehicle, error) {
	out := []Vehicle{}
	err := s.many(ctx, "vehiclesByOwner", code, func(r *sql.Rows) error {
		v, err := scanVehicle(r)
		out = append(out, v)
		return err
	})
	return out, err
}

// Passports returns a person's passports.
func (s *Store) Passports(ctx context.Context, code string) ([]Passport, error) {
	out := []Passport{}
	err := s.many(ctx, "passports", code, func(r *sql.Rows) error {
		var p Passport
		err := r.Scan(&p.Number, &p.NationalCode, &p.Issued, &p.Expires)
		out = append(out, p)
		return err
	})
	return out, err
}

func (s *Store) policies(ctx context.Context, name, key string) ([]InsurancePolicy, error) {
	out := []InsurancePolicy{}
	err := s.many(ctx, name, key, func(r *sql.Rows) error {
		var p InsurancePolicy
		err := r.Scan(&p.PolicyNo, &p.Insurer, &p.Plate, &p.NationalCode, &p.Starts, &p.Ends)
		out = append(out, p)
		return err
	})
	return out, err
}

// InsuranceByPlate returns the third-party policies of a vehicle.
func (s *Store) InsuranceByPlate(ctx context.Context, plate string) ([]InsurancePolicy, error) {
	return s.policies(ctx, "insuranceByPlate", plate)
}

// InsuranceByOwner returns the third-party policies a person holds.
func (s *Store) InsuranceByOwner(ctx context.Context, code string) ([]InsurancePolicy, error) {
	return s.policies(ctx, "insuranceByOwner", code)
}

// Education returns a person's certificates, oldest first.
func (s *Store) Education(ctx context.Context, code string) ([]EducationCertificate, error) {
	out := []EducationCertificate{}
	err := s.many(ctx, "education", code, func(r *sql.Rows) error {
		var c EducationCertificate
		err := r.Scan(&c.CertificateNo, &c.NationalCode, &c.Level, &c.Field, &c.Institution, &c.Graduated)
		out = append(out, c)
		return err
	})
	return out, err
}

// Foreigner returns a foreign national by FIDA.
func (s *Store) Foreigner(ctx context.Context, fida string) (Foreigner, error) {
	var f Foreigner
	var postal sql.NullString
	err := s.one(ctx, "foreigner", fida, &f.FIDA, &f.Nationality, &f.FirstName, &f.LastName, &f.FirstNameEn, &f.LastNameEn,
		&f.FatherName, &f.Gender, &f.BirthDate, &f.PermitNo, &f.PermitExpires, &postal)
	f.PostalCode = postal.String
	return f, err
}
