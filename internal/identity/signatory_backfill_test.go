package identity_test

import (
	"context"
	"database/sql"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/panjereh/panjereh/internal/identity"
	"github.com/panjereh/panjereh/internal/sqldb/sqldbtest"
)

// TestSignatoryTenureBackfill: the migration that keeps when a legal
// person's account passed to its current signatory gives each account
// registered before it its last takeover in the audit log (chained or
// still pending), or its creation if it was never taken over, and
// natural persons' accounts none.
func TestSignatoryTenureBackfill(t *testing.T) {
	ctx := context.Background()
	db := sqldbtest.Open(t)
	b, err := os.ReadFile("../sqldb/migrations/00024_identity_signatory_since.sql")
	if err != nil {
		t.Fatal(err)
	}
	up, _, _ := strings.Cut(string(b), "-- +goose Down")
	var lines []string
	for _, l := range strings.Split(up, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "--") {
			lines = append(lines, l)
		}
	}
	var backfill string
	for _, stmt := range strings.Split(strings.Join(lines, "\n"), ";") {
		if s := strings.TrimSpace(stmt); strings.HasPrefix(s, "UPDATE") {
			backfill = s
		}
	}
	if backfill == "" {
		t.Fatal("no UPDATE in the migration")
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.Write.ExecContext(ctx, q, args...); err != nil {
			t.Fatal(err)
		}
	}

	t0 := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	accounts := []struct{ id, kind, login string }{
		{"taken-twice", "legal", "10101234565"},
		{"never-taken", "legal", "10101234566"},
		{"taken-pending", "legal", "10101234567"},
		{"person", "natural", "0012345679"},
	}
	for _, a := range accounts {
		exec(`INSERT INTO identity_accounts (id, kind, login_id, national_code, legal_id, foreign_id, mobile, birth_date, first_name,
last_name, father_name, gender, company_name, signatory_role, roles, source, created_at, updated_at)
VALUES ($1, $2, $3, '0084575948', '', '', '09121234567', '1991-04-20', 'x', 'y', 'z', 'MALE', '', '', '', '{}', $4, $4)`,
			a.id, a.kind, a.login, t0)
	}
	replaced := func(id string) string { return `{"account":"` + id + `","kind":"legal","replaced":"signatory"}` }
	for _, e := range []struct {
		at      time.Time
		kind    string
		subject string
		details string
	}{
		{t0, "registration", "10101234565", `{"account":"taken-twice","kind":"legal"}`},
		{at(time.Hour), "registration", "10101234565", replaced("taken-twice")},
		{at(48*time.Hour + 1500*time.Microsecond), "registration", "10101234565", replaced("taken-twice")},
		{at(72 * time.Hour), "login", "10101234565", `{"session":"s"}`},
		{at(time.Hour), "registration", "10101234566", `{"account":"never-taken","kind":"legal"}`},
		{at(time.Hour), "registration", "0012345679", `{"account":"person","kind":"natural"}`},
	} {
		exec(`INSERT INTO audit_entries (at, kind, actor, subject, ip, user_agent, details, prev_hash, hash)
VALUES ($1, $2, '', $3, '', '', $4, $5, $5)`, e.at, e.kind, e.subject, e.details, []byte{0})
	}
	exec(`INSERT INTO audit_pending (id, at, kind, actor, subject, ip, user_agent, details, queued_at)
VALUES ('p1', $1, 'registration', '', '10101234567', '', '', $2, $1)`, at(5*time.Hour), replaced("taken-pending"))

	exec(backfill)
	svc := &identity.Service{DB: db}
	for _, c := range []struct {
		id   string
		want time.Time
	}{
		{"taken-twice", at(48*time.Hour + 1500*time.Microsecond)},
		{"never-taken", t0},
		{"taken-pending", at(5 * time.Hour)},
	} {
		got, err := svc.SignatoryTenure(ctx, c.id)
		if err != nil || !got.Since.Equal(c.want) || got.NationalCode != "0084575948" {
			t.Errorf("%s: tenure %+v (%v), want since %v", c.id, got, err, c.want)
		}
	}
	var since sql.NullTime
	if err := db.Read.QueryRowContext(ctx, `SELECT signatory_since FROM identity_accounts WHERE id = 'person'`).Scan(&since); err != nil || since.Valid {
		t.Errorf("a natural person's account has a signatory since %v (%v)", since, err)
	}
}
