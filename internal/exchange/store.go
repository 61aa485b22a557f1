package exchange

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/nix"
)

// Store keeps the exchange's registry of members, subsystems, services and
// rights in the database.
type Store struct {
	DB *sqldb.DB
}

// AddMember registers a member; registering it again updates its names.
func (s *Store) AddMember(ctx context.Context, m Member, now time.Time) error {
	if _, err := nix.ParseMember(m.ID); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	_, err := s.DB.Write.ExecContext(ctx, `INSERT INTO nix_members (id, name_fa, name_en, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (id) DO UPDATE SET name_fa = $2, name_en = $3`, m.ID, m.NameFa, m.NameEn, now.UTC())
	if err != nil {
		return fmt.Errorf("exchange: add member %s: %w", m.ID, err)
	}
	return nil
}

// AddSubsystem registers a subsystem of an existing member.
func (s *Store) AddSubsystem(ctx context.Context, sub Subsystem, now time.Time) error {
	_, err := s.DB.Write.ExecContext(ctx, `INSERT INTO nix_subsystems (id, member_id, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (id) DO NOTHING`, sub.String(), sub.MemberID(), now.UTC())
	if sqldb.IsForeignKeyViolation(err) {
		return invalidf("subsystem %s: member %s is not registered", sub, sub.MemberID())
	}
	if err != nil {
		return fmt.Errorf("exchange: add subsystem %s: %w", sub, err)
	}
	return nil
}

// Members lists every member in ID order.
func (s *Store) Members(ctx context.Context) ([]Member, error) {
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT id, name_fa, name_en, created_at FROM nix_members ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("exchange: members: %w", err)
	}
	defer rows.Close()
	var out []Member
	for rows.Next() {
		var m Member
		if err := rows.Scan(&m.ID, &m.NameFa, &m.NameEn, &m.CreatedAt); err != nil {
			return nil, fmt.Errorf("exchange: members: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Subsystems lists a member's subsystems.
func (s *Store) Subsystems(ctx context.Context, member string) ([]Subsystem, error) {
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT id FROM nix_subsystems WHERE member_id = $1 ORDER BY id`, member)
	if err != nil {
		return nil, fmt.Errorf("exchange: subsystems of %s: %w", member, err)
	}
	defer rows.Close()
	var out []Subsystem
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		sub, err := nix.ParseSubsystem(id)
		if err != nil {
			return nil, err
		}
		out = append(out, sub)
	}
	return out, rows.Err()
}

// Publish registers a service, or updates it when it exists.
func (s *Store) Publish(ctx context.Context, svc Service, now time.Time) error {
	if err := svc.validate(); err != nil {
		return err
	}
	items, _ := json.Marshal(nonNil(svc.Items))
	_, err := s.DB.Write.ExecContext(ctx, `INSERT INTO nix_services
		(id, subsystem_id, title_fa, title_en, target_url, openapi, items, require_mtls, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
		ON CONFLICT (id) DO UPDATE SET title_fa = $3, title_en = $4, target_url = $5, openapi = $6,
			items = $7, require_mtls = $8, updated_at = $9`,
		svc.ID.String(), svc.ID.Subsystem.String(), svc.TitleFa, svc.TitleEn, svc.TargetURL, svc.OpenAPI,
		string(items), svc.RequireMTLS, now.UTC())
	if sqldb.IsForeignKeyViolation(err) {
		return invalidf("service %s: subsystem %s is not registered", svc.ID, svc.ID.Subsystem)
	}
	if err != nil {
		return fmt.Errorf("exchange: publish %s: %w", svc.ID, err)
	}
	return nil
}

const serviceColumns = `id, title_fa, title_en, target_url, openapi, items, require_mtls, created_at, updated_at`

func scanService(sc interface{ Scan(...any) error }) (Service, error) {
	var svc Service
	var id, items string
	if err := sc.Scan(&id, &svc.TitleFa, &svc.TitleEn, &svc.TargetURL, &svc.OpenAPI, &items, &svc.RequireMTLS, &svc.CreatedAt, &svc.UpdatedAt); err != nil {
		return Service{}, err
	}
	var err error
	if svc.ID, err = nix.ParseService(id); err != nil {
		return Service{}, err
	}
	if err := json.Unmarshal([]byte(items), &svc.Items); err != nil {
		return Service{}, fmt.Errorf("service %s: items: %w", id, err)
	}
	return svc, nil
}

// Service returns one service, or a wrapped sqldb.ErrNotFound.
func (s *Store) Service(ctx context.Context, id ServiceID) (Service, error) {
	svc, err := scanService(s.DB.Read.QueryRowContext(ctx, `SELECT `+serviceColumns+` FROM nix_services WHERE id = $1`, id.String()))
	if err != nil {
		return Service{}, fmt.Errorf("exchange: service %s: %w", id, sqldb.NotFound(err))
	}
	return svc, nil
}

// Services lists the services of a provider member (INSTANCE/CLASS/MEMBER),
// or of every provider when member is empty.
func (s *Store) Services(ctx context.Context, member string) ([]Service, error) {
	q := `SELECT ` + serviceColumns + ` FROM nix_services ORDER BY id`
	args := []any{}
	if member != "" {
		q = `SELECT ` + serviceColumns + ` FROM nix_services WHERE subsystem_id IN
			(SELECT id FROM nix_subsystems WHERE member_id = $1) ORDER BY id`
		args = append(args, member)
	}
	return s.queryServices(ctx, q, args...)
}

// Allowed lists the services a client subsystem holds a right to call.
func (s *Store) Allowed(ctx context.Context, client Subsystem) ([]Service, error) {
	return s.queryServices(ctx, `SELECT `+serviceColumns+` FROM nix_services
		WHERE id IN (SELECT service_id FROM nix_rights WHERE client_id = $1) ORDER BY id`, client.String())
}

func (s *Store) queryServices(ctx context.Context, q string, args ...any) ([]Service, error) {
	rows, err := s.DB.Read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("exchange: services: %w", err)
	}
	defer rows.Close()
	var out []Service
	for rows.Next() {
		svc, err := scanService(rows)
		if err != nil {
			return nil, fmt.Errorf("exchange: services: %w", err)
		}
		out = append(out, svc)
	}
	return out, rows.Err()
}

// Right returns the right of client to call service, or a wrapped
// sqldb.ErrNotFound: without one the call is denied.
func (s *Store) Right(ctx context.Context, client Subsystem, service ServiceID) (Right, error) {
	r := Right{Client: client, Service: service}
	var items string
	err := s.DB.Read.QueryRowContext(ctx, `SELECT items, granted_by, granted_at FROM nix_rights WHERE client_id = $1 AND service_id = $2`,
		client.String(), service.String()).Scan(&items, &r.GrantedBy, &r.GrantedAt)
	if err != nil {
		return Right{}, fmt.Errorf("exchange: right of %s on %s: %w", client, service, sqldb.NotFound(err))
	}
	if err := json.Unmarshal([]byte(items), &r.Items); err != nil {
		return Right{}, fmt.Errorf("exchange: right of %s on %s: items: %w", client, service, err)
	}
	return r, nil
}

// Grant gives client the right to call service, limited to items when
// given, and records who did it. Granting again changes the items.
func (s *Store) Grant(ctx context.Context, actor string, client Subsystem, service ServiceID, items Items, now time.Time) error {
	svc, err := s.Service(ctx, service)
	if errors.Is(err, sqldb.ErrNotFound) {
		return invalidf("service %s is not published", service)
	}
	if err != nil {
		return err
	}
	if err := svc.checkGrantable(items); err != nil {
		return err
	}
	js, _ := json.Marshal(nonNil(items))
	return s.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		action := "grant"
		var old string
		switch err := tx.QueryRowContext(ctx, `SELECT items FROM nix_rights WHERE client_id = $1 AND service_id = $2`,
			client.String(), service.String()).Scan(&old); {
		case err == nil:
			action = "change"
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("exchange: grant: %w", err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO nix_rights (client_id, service_id, items, granted_by, granted_at)
			VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (client_id, service_id) DO UPDATE SET items = $3, granted_by = $4, granted_at = $5`,
			client.String(), service.String(), string(js), actor, now.UTC())
		if sqldb.IsForeignKeyViolation(err) {
			return invalidf("client subsystem %s is not registered", client)
		}
		if err != nil {
			return fmt.Errorf("exchange: grant: %w", err)
		}
		return audit(ctx, tx, actor, action, client.String(), service.String(), string(js), now)
	})
}

// Revoke removes client's right to call service and records who did it.
// Revoking a right that does not exist is a wrapped sqldb.ErrNotFound.
func (s *Store) Revoke(ctx context.Context, actor string, client Subsystem, service ServiceID, now time.Time) error {
	return s.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM nix_rights WHERE client_id = $1 AND service_id = $2`, client.String(), service.String())
		if err != nil {
			return fmt.Errorf("exchange: revoke: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("exchange: revoke right of %s on %s: %w", client, service, sqldb.ErrNotFound)
		}
		return audit(ctx, tx, actor, "revoke", client.String(), service.String(), "[]", now)
	})
}

// Audit lists the latest changes of rights, newest first.
func (s *Store) Audit(ctx context.Context, limit int) ([]AuditEntry, error) {
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT id, at, actor, action, client_id, service_id, items
		FROM nix_rights_audit ORDER BY at DESC, id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("exchange: audit: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var items string
		if err := rows.Scan(&e.ID, &e.At, &e.Actor, &e.Action, &e.Client, &e.Service, &items); err != nil {
			return nil, fmt.Errorf("exchange: audit: %w", err)
		}
		_ = json.Unmarshal([]byte(items), &e.Items)
		out = append(out, e)
	}
	return out, rows.Err()
}

func audit(ctx context.Context, tx *sqldb.Tx, actor, action, client, service, items string, now time.Time) error {
	var b [12]byte
	_, _ = rand.Read(b[:])
	_, err := tx.ExecContext(ctx, `INSERT INTO nix_rights_audit (id, at, actor, action, client_id, service_id, items)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, hex.EncodeToString(b[:]), now.UTC(), actor, action, client, service, items)
	if err != nil {
		return fmt.Errorf("exchange: audit %s: %w", action, err)
	}
	return nil
}

func nonNil(it Items) Items {
	if it == nil {
		return Items{}
	}
	return it
}
