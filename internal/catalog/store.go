package catalog

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/panjereh/panjereh/internal/audit"
	"github.com/panjereh/panjereh/internal/sqldb"
)

// Store keeps the catalog in the database.
type Store struct {
	DB *sqldb.DB
	// Audit records every change agencies and the ministry make; nil
	// records nothing (tests of reading only).
	Audit *audit.Log
	// Now is the clock; default time.Now.
	Now func() time.Time
}

func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// Errors of the store.
var (
	// ErrConflict: the record changed since the editor loaded it.
	ErrConflict = errors.New("catalog: the record was changed by someone else meanwhile")
	// ErrNotFound: no such record.
	ErrNotFound = sqldb.ErrNotFound
)

// Audit event kinds of the catalog.
const (
	EventServiceSaved     audit.Kind = "catalog.service.save"
	EventOutageAdded      audit.Kind = "catalog.outage.add"
	EventOutageEnded      audit.Kind = "catalog.outage.end"
	EventStaffGranted     audit.Kind = "catalog.staff.grant"
	EventStaffRevoked     audit.Kind = "catalog.staff.revoke"
	seedActor                        = "seed"
	maxNote                          = 500
	maxOutageMessageRunes            = 500
)

// SeedStats says what Seed added.
type SeedStats struct {
	Agencies, Services, Licences int
}

// Seed loads the shipped content: agencies and licences are written as
// the files have them; a service is added when the database has none by
// its ID, and otherwise left as its agency last saved it.
func (s *Store) Seed(ctx context.Context, c *Content) (SeedStats, error) {
	var st SeedStats
	now := s.now()
	err := s.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		for _, a := range c.Agencies {
			rec, _ := json.Marshal(a)
			if _, err := tx.ExecContext(ctx, `INSERT INTO catalog_agencies (code, number, record, updated_at)
				VALUES ($1, $2, $3, $4) ON CONFLICT (code) DO UPDATE SET number = $2, record = $3, updated_at = $4`,
				a.Code, a.Number, string(rec), now); err != nil {
				return fmt.Errorf("agency %s: %w", a.Code, err)
			}
			st.Agencies++
		}
		for _, sv := range c.Services {
			rec, _ := json.Marshal(sv)
			res, err := tx.ExecContext(ctx, `INSERT INTO catalog_services (id, agency, version, reviewed, record, updated_at, updated_by)
				VALUES ($1, $2, 1, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING`,
				sv.ID, sv.Agency, sv.Reviewed, string(rec), now, seedActor)
			if err != nil {
				return fmt.Errorf("service %s: %w", sv.ID, err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO catalog_service_versions (service_id, version, record, saved_at, saved_by, note)
				VALUES ($1, 1, $2, $3, $4, $5)`, sv.ID, string(rec), now, seedActor, "from the catalog's data files"); err != nil {
				return fmt.Errorf("service %s: %w", sv.ID, err)
			}
			st.Services++
		}
		for _, l := range c.Licences {
			rec, _ := json.Marshal(l)
			if _, err := tx.ExecContext(ctx, `INSERT INTO catalog_licences (id, issuer, record, updated_at)
				VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET issuer = $2, record = $3, updated_at = $4`,
				l.ID, l.Issuer, string(rec), now); err != nil {
				return fmt.Errorf("licence %s: %w", l.ID, err)
			}
			st.Licences++
		}
		return bump(ctx, tx)
	})
	if err != nil {
		return st, fmt.Errorf("catalog: seed: %w", err)
	}
	return st, nil
}

// bump tells every node the catalog changed.
func bump(ctx context.Context, tx *sqldb.Tx) error {
	_, err := tx.ExecContext(ctx, `UPDATE catalog_generation SET generation = generation + 1 WHERE id = 1`)
	return err
}

// Generation is a number that grows with every change to the catalog.
func (s *Store) Generation(ctx context.Context) (int64, error) {
	var g int64
	err := s.DB.Read.QueryRowContext(ctx, `SELECT generation FROM catalog_generation WHERE id = 1`).Scan(&g)
	return g, err
}

// Snapshot is the whole catalog as the database holds it at one moment.
type Snapshot struct {
	Content
	Generation int64
	// Meta is each service's version and last save, by service ID.
	Meta    map[string]Meta
	Outages []Outage
	Uses    map[string]int64
}

// Meta is a service record's version and last save.
type Meta struct {
	Version   int
	UpdatedAt time.Time
	UpdatedBy string
}

// Outage is an announced outage of a service (D4).
type Outage struct {
	ID        string    `json:"id"`
	ServiceID string    `json:"serviceId"`
	Starts    time.Time `json:"starts"`
	Ends      time.Time `json:"ends"`
	Message   Text      `json:"message"`
	CreatedBy string    `json:"-"`
	CreatedAt time.Time `json:"-"`
}

// Load reads the whole catalog, with the taxonomy from the shipped files.
func (s *Store) Load(ctx context.Context, taxonomy *Content) (*Snapshot, error) {
	sn := &Snapshot{Meta: map[string]Meta{}, Uses: map[string]int64{}}
	sn.LifeEvents, sn.Categories = taxonomy.LifeEvents, taxonomy.Categories
	g, err := s.Generation(ctx)
	if err != nil {
		return nil, fmt.Errorf("catalog: load: %w", err)
	}
	sn.Generation = g
	if err := scanRecords(ctx, s.DB, `SELECT record FROM catalog_agencies ORDER BY number`, &sn.Agencies); err != nil {
		return nil, err
	}
	if err := scanRecords(ctx, s.DB, `SELECT record FROM catalog_licences ORDER BY id`, &sn.Licences); err != nil {
		return nil, err
	}
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT record, version, updated_at, updated_by FROM catalog_services ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("catalog: load services: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var rec string
		var m Meta
		if err := rows.Scan(&rec, &m.Version, &m.UpdatedAt, &m.UpdatedBy); err != nil {
			return nil, fmt.Errorf("catalog: load services: %w", err)
		}
		var sv Service
		if err := json.Unmarshal([]byte(rec), &sv); err != nil {
			return nil, fmt.Errorf("catalog: load services: %w", err)
		}
		sn.Services = append(sn.Services, sv)
		sn.Meta[sv.ID] = m
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("catalog: load services: %w", err)
	}
	if sn.Outages, err = s.outages(ctx, `WHERE ends_at > $1`, s.now()); err != nil {
		return nil, err
	}
	if sn.Uses, err = s.Uses(ctx); err != nil {
		return nil, err
	}
	return sn, nil
}

// Uses returns how many times each service was started.
func (s *Store) Uses(ctx context.Context) (map[string]int64, error) {
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT service_id, uses FROM catalog_uses`)
	if err != nil {
		return nil, fmt.Errorf("catalog: load uses: %w", err)
	}
	defer rows.Close()
	uses := map[string]int64{}
	for rows.Next() {
		var id string
		var n int64
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("catalog: load uses: %w", err)
		}
		uses[id] = n
	}
	return uses, rows.Err()
}

func scanRecords[T any](ctx context.Context, db *sqldb.DB, q string, out *[]T) error {
	rows, err := db.Read.QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("catalog: load: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var rec string
		if err := rows.Scan(&rec); err != nil {
			return fmt.Errorf("catalog: load: %w", err)
		}
		var v T
		if err := json.Unmarshal([]byte(rec), &v); err != nil {
			return fmt.Errorf("catalog: load: %w", err)
		}
		*out = append(*out, v)
	}
	return rows.Err()
}

// SaveService saves a new version of a service's record on behalf of
// actor (a national code), after checking it against the rest of the
// catalog in sn. base is the version the editor started from: if someone
// saved meanwhile, nothing is saved and ErrConflict is returned. A new
// service (base 0) must have an unused ID. The change and its version are
// audited in the same transaction.
func (s *Store) SaveService(ctx context.Context, sn *Snapshot, sv Service, base int, actor, note string) (int, error) {
	note = strings.TrimSpace(note)
	if len([]rune(note)) > maxNote {
		return 0, Problems{fmt.Sprintf("service %s: the note is longer than %d characters", sv.ID, maxNote)}
	}
	if err := CheckService(sn, sv); err != nil {
		return 0, err
	}
	rec, _ := json.Marshal(sv)
	now := s.now()
	version := base + 1
	err := s.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		var res interface{ RowsAffected() (int64, error) }
		var err error
		if base == 0 {
			res, err = tx.ExecContext(ctx, `INSERT INTO catalog_services (id, agency, version, reviewed, record, updated_at, updated_by)
				VALUES ($1, $2, 1, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING`, sv.ID, sv.Agency, sv.Reviewed, string(rec), now, actor)
		} else {
			res, err = tx.ExecContext(ctx, `UPDATE catalog_services SET version = $2, reviewed = $3, record = $4, updated_at = $5, updated_by = $6
				WHERE id = $1 AND version = $7 AND agency = $8`, sv.ID, version, sv.Reviewed, string(rec), now, actor, base, sv.Agency)
		}
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrConflict
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO catalog_service_versions (service_id, version, record, saved_at, saved_by, note)
			VALUES ($1, $2, $3, $4, $5, $6)`, sv.ID, version, string(rec), now, actor, note); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, EventServiceSaved, actor, sv.ID, map[string]string{"version": fmt.Sprint(version), "agency": sv.Agency}); err != nil {
			return err
		}
		return bump(ctx, tx)
	})
	if err != nil {
		if errors.Is(err, ErrConflict) {
			return 0, err
		}
		return 0, fmt.Errorf("catalog: save %s: %w", sv.ID, err)
	}
	return version, nil
}

// CheckService checks sv as it would stand in the catalog sn and returns
// its own problems (Problems), or nil.
func CheckService(sn *Snapshot, sv Service) error {
	c := sn.Content
	c.Services = slices.Clone(c.Services)
	i := slices.IndexFunc(c.Services, func(x Service) bool { return x.ID == sv.ID })
	if i >= 0 {
		c.Services[i] = sv
	} else {
		c.Services = append(c.Services, sv)
	}
	err := c.Check()
	var probs Problems
	if !errors.As(err, &probs) {
		return err
	}
	// Only the problems of this record concern its editor.
	var mine Problems
	for _, p := range probs {
		if strings.HasPrefix(p, "service "+sv.ID+":") || strings.HasPrefix(p, "service "+sv.ID+" ") {
			mine = append(mine, p)
		}
	}
	if len(mine) == 0 {
		return nil
	}
	return mine
}

func (s *Store) audit(ctx context.Context, tx *sqldb.Tx, kind audit.Kind, actor, subject string, details map[string]string) error {
	if s.Audit == nil {
		return nil
	}
	return s.Audit.RecordTx(ctx, tx, audit.Event{Kind: kind, Actor: audit.ActorPerson(actor), Subject: subject, Details: details})
}

// Version is one saved version of a service.
type Version struct {
	Version int
	Record  Service
	SavedAt time.Time
	SavedBy string
	Note    string
}

// Versions lists a service's saved versions, newest first.
func (s *Store) Versions(ctx context.Context, id string) ([]Version, error) {
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT version, record, saved_at, saved_by, note
		FROM catalog_service_versions WHERE service_id = $1 ORDER BY version DESC`, id)
	if err != nil {
		return nil, fmt.Errorf("catalog: versions of %s: %w", id, err)
	}
	defer rows.Close()
	var out []Version
	for rows.Next() {
		var v Version
		var rec string
		if err := rows.Scan(&v.Version, &rec, &v.SavedAt, &v.SavedBy, &v.Note); err != nil {
			return nil, fmt.Errorf("catalog: versions of %s: %w", id, err)
		}
		if err := json.Unmarshal([]byte(rec), &v.Record); err != nil {
			return nil, fmt.Errorf("catalog: versions of %s: %w", id, err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// AddOutage announces an outage of a service from starts to ends.
func (s *Store) AddOutage(ctx context.Context, o Outage, actor string) (Outage, error) {
	o.Message = Text{Fa: strings.TrimSpace(o.Message.Fa), En: strings.TrimSpace(o.Message.En)}
	var probs Problems
	if !o.Ends.After(o.Starts) {
		probs = append(probs, "the outage must end after it starts")
	}
	if o.Message.Fa == "" || o.Message.En == "" {
		probs = append(probs, "the announcement needs both a Persian and an English text")
	}
	if len([]rune(o.Message.Fa)) > maxOutageMessageRunes || len([]rune(o.Message.En)) > maxOutageMessageRunes {
		probs = append(probs, fmt.Sprintf("the announcement is longer than %d characters", maxOutageMessageRunes))
	}
	if len(probs) > 0 {
		return o, probs
	}
	o.ID, o.CreatedBy, o.CreatedAt = newID(), actor, s.now()
	o.Starts, o.Ends = o.Starts.UTC(), o.Ends.UTC()
	err := s.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO catalog_outages (id, service_id, starts_at, ends_at, message_fa, message_en, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, o.ID, o.ServiceID, o.Starts, o.Ends, o.Message.Fa, o.Message.En, actor, o.CreatedAt); err != nil {
			if sqldb.IsForeignKeyViolation(err) {
				return ErrNotFound
			}
			return err
		}
		if err := s.audit(ctx, tx, EventOutageAdded, actor, o.ServiceID, map[string]string{"outage": o.ID, "starts": o.Starts.Format(time.RFC3339), "ends": o.Ends.Format(time.RFC3339)}); err != nil {
			return err
		}
		return bump(ctx, tx)
	})
	if err != nil {
		return o, fmt.Errorf("catalog: outage of %s: %w", o.ServiceID, err)
	}
	return o, nil
}

// EndOutage ends an announced outage now (or removes one not yet begun).
func (s *Store) EndOutage(ctx context.Context, id, actor string) error {
	now := s.now()
	return s.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		var svc string
		if err := tx.QueryRowContext(ctx, `SELECT service_id FROM catalog_outages WHERE id = $1`, id).Scan(&svc); err != nil {
			return sqldb.NotFound(err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE catalog_outages SET ends_at = $2,
			starts_at = CASE WHEN starts_at > $2 THEN $2 ELSE starts_at END WHERE id = $1`, id, now); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, EventOutageEnded, actor, svc, map[string]string{"outage": id}); err != nil {
			return err
		}
		return bump(ctx, tx)
	})
}

// Outages lists the outages of a service not yet over at now, soonest first.
func (s *Store) Outages(ctx context.Context, serviceID string) ([]Outage, error) {
	return s.outages(ctx, `WHERE service_id = $2 AND ends_at > $1`, s.now(), serviceID)
}

func (s *Store) outages(ctx context.Context, where string, args ...any) ([]Outage, error) {
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT id, service_id, starts_at, ends_at, message_fa, message_en, created_by, created_at
		FROM catalog_outages `+where+` ORDER BY starts_at, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("catalog: outages: %w", err)
	}
	defer rows.Close()
	var out []Outage
	for rows.Next() {
		var o Outage
		if err := rows.Scan(&o.ID, &o.ServiceID, &o.Starts, &o.Ends, &o.Message.Fa, &o.Message.En, &o.CreatedBy, &o.CreatedAt); err != nil {
			return nil, fmt.Errorf("catalog: outages: %w", err)
		}
		o.Starts, o.Ends, o.CreatedAt = o.Starts.UTC(), o.Ends.UTC(), o.CreatedAt.UTC()
		out = append(out, o)
	}
	return out, rows.Err()
}

// Use counts one start of a service and, for a logged-in person
// (accountID not empty), remembers it among their recent services.
func (s *Store) Use(ctx context.Context, serviceID, accountID string) error {
	return s.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO catalog_uses (service_id, uses) VALUES ($1, 1)
			ON CONFLICT (service_id) DO UPDATE SET uses = catalog_uses.uses + 1`, serviceID); err != nil {
			return err
		}
		if accountID == "" {
			return nil
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO catalog_recent (account_id, service_id, used_at) VALUES ($1, $2, $3)
			ON CONFLICT (account_id, service_id) DO UPDATE SET used_at = $3`, accountID, serviceID, s.now())
		return err
	})
}

// Save adds a service to a person's saved services, or removes it.
func (s *Store) Save(ctx context.Context, accountID, serviceID string, saved bool) error {
	var err error
	if saved {
		_, err = s.DB.Write.ExecContext(ctx, `INSERT INTO catalog_saved (account_id, service_id, saved_at) VALUES ($1, $2, $3)
			ON CONFLICT (account_id, service_id) DO NOTHING`, accountID, serviceID, s.now())
	} else {
		_, err = s.DB.Write.ExecContext(ctx, `DELETE FROM catalog_saved WHERE account_id = $1 AND service_id = $2`, accountID, serviceID)
	}
	return err
}

// Mine returns a person's saved services (newest first) and their
// recently used ones (at most ten, newest first).
func (s *Store) Mine(ctx context.Context, accountID string) (saved, recent []string, err error) {
	if saved, err = s.ids(ctx, `SELECT service_id FROM catalog_saved WHERE account_id = $1 ORDER BY saved_at DESC, service_id`, accountID); err != nil {
		return nil, nil, err
	}
	recent, err = s.ids(ctx, `SELECT service_id FROM catalog_recent WHERE account_id = $1 ORDER BY used_at DESC, service_id LIMIT 10`, accountID)
	return saved, recent, err
}

func (s *Store) ids(ctx context.Context, q string, args ...any) ([]string, error) {
	rows, err := s.DB.Read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("catalog: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// Grant lets the person with nationalCode edit agency's records, on the
// ministry's word (by is the overseer's national code).
func (s *Store) Grant(ctx context.Context, nationalCode, agency, by string) error {
	return s.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO catalog_staff (national_code, agency, granted_by, granted_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (national_code, agency) DO NOTHING`, nationalCode, agency, by, s.now())
		if sqldb.IsForeignKeyViolation(err) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // already staff: nothing changed
		}
		return s.audit(ctx, tx, EventStaffGranted, by, nationalCode, map[string]string{"agency": agency})
	})
}

// Revoke takes the right to edit agency's records away.
func (s *Store) Revoke(ctx context.Context, nationalCode, agency, by string) error {
	return s.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM catalog_staff WHERE national_code = $1 AND agency = $2`, nationalCode, agency)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return s.audit(ctx, tx, EventStaffRevoked, by, nationalCode, map[string]string{"agency": agency})
	})
}

// StaffOf returns the agencies whose records nationalCode may edit.
func (s *Store) StaffOf(ctx context.Context, nationalCode string) ([]string, error) {
	return s.ids(ctx, `SELECT agency FROM catalog_staff WHERE national_code = $1 ORDER BY agency`, nationalCode)
}

// StaffGrant is one person's right to edit an agency's records.
type StaffGrant struct {
	NationalCode, Agency, GrantedBy string
	GrantedAt                       time.Time
}

// Staff lists every grant.
func (s *Store) Staff(ctx context.Context) ([]StaffGrant, error) {
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT national_code, agency, granted_by, granted_at FROM catalog_staff ORDER BY agency, national_code`)
	if err != nil {
		return nil, fmt.Errorf("catalog: staff: %w", err)
	}
	defer rows.Close()
	var out []StaffGrant
	for rows.Next() {
		var g StaffGrant
		if err := rows.Scan(&g.NationalCode, &g.Agency, &g.GrantedBy, &g.GrantedAt); err != nil {
			return nil, fmt.Errorf("catalog: staff: %w", err)
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

func newID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
