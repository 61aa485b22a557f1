package identity

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/panjereh/panjereh/internal/sqldb"
)

// newID returns a random 128-bit identifier in hex.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}

const accountCols = `id, kind, login_id, national_code, legal_id, foreign_id, mobile, birth_date, first_name, last_name,
father_name, gender, company_name, signatory_role, roles, source, created_at, updated_at, postal_code, province, city,
codes_locked_until`

// accountRow holds an account's columns while they are scanned.
type accountRow struct {
	a                          *Account
	kind, birth, roles, source string
	locked                     sql.NullTime
}

func newAccountRow(a *Account) *accountRow { return &accountRow{a: a} }

func (r *accountRow) dest() []any {
	a := r.a
	return []any{&a.ID, &r.kind, &a.LoginID, &a.NationalCode, &a.LegalID, &a.ForeignID, &a.Mobile, &r.birth,
		&a.FirstName, &a.LastName, &a.FatherName, &a.Gender, &a.CompanyName, &a.SignatoryRole, &r.roles, &r.source,
		&a.Created, &a.Updated, &a.PostalCode, &a.Province, &a.City, &r.locked}
}

func (r *accountRow) finish() error {
	a := r.a
	a.Kind = Kind(r.kind)
	if r.birth != "" {
		a.BirthDate, _ = time.Parse(time.DateOnly, r.birth)
	}
	if r.roles != "" {
		a.Roles = strings.Split(r.roles, ",")
	}
	if err := json.Unmarshal([]byte(r.source), &a.Source); err != nil {
		return fmt.Errorf("account %s: source: %w", a.ID, err)
	}
	a.Created, a.Updated = a.Created.UTC(), a.Updated.UTC()
	if r.locked.Valid {
		a.CodesLocked = r.locked.Time.UTC()
	}
	return nil
}

func scanAccount(row interface{ Scan(...any) error }) (Account, error) {
	var a Account
	r := newAccountRow(&a)
	if err := row.Scan(r.dest()...); err != nil {
		return a, err
	}
	return a, r.finish()
}

func insertAccount(ctx context.Context, q sqldb.Querier, a Account) error {
	src, err := json.Marshal(a.Source)
	if err != nil {
		return err
	}
	// A legal person's account is its registering signatory's from its
	// creation (Tenure).
	since := sql.NullTime{Time: a.Created, Valid: a.Kind == KindLegal}
	_, err = q.ExecContext(ctx, `INSERT INTO identity_accounts (`+accountCols+`, signatory_since)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, NULL, $22)`,
		a.ID, string(a.Kind), a.LoginID, a.NationalCode, a.LegalID, a.ForeignID, a.Mobile, a.BirthDate.Format(time.DateOnly),
		a.FirstName, a.LastName, a.FatherName, a.Gender, a.CompanyName, a.SignatoryRole, strings.Join(a.Roles, ","),
		string(src), a.Created, a.Updated, a.PostalCode, a.Province, a.City, since)
	return err
}

// loadTenure loads the tenure of account id's current signatory; the
// zero Tenure for an account that is not a legal person's.
func loadTenure(ctx context.Context, q sqldb.Querier, id string) (Tenure, error) {
	var kind, code string
	var created time.Time
	var since sql.NullTime
	if err := sqldb.ScanOne(ctx, q, `SELECT kind, national_code, created_at, signatory_since FROM identity_accounts WHERE id = $1`,
		[]any{id}, &kind, &code, &created, &since); err != nil {
		return Tenure{}, err
	}
	if Kind(kind) != KindLegal {
		return Tenure{}, nil
	}
	if !since.Valid {
		since.Time = created // a row the window did not write
	}
	return Tenure{NationalCode: code, Since: since.Time.UTC()}, nil
}

// ids runs query, whose rows are one text column, such as IDs, and
// returns them.
func ids(ctx context.Context, q sqldb.Querier, query string, args ...any) ([]string, error) {
	var out []string
	err := sqldb.EachRow(ctx, q, query, args, func(scan func(...any) error) error {
		var id string
		err := scan(&id)
		out = append(out, id)
		return err
	})
	return out, err
}

// accountQuery selects the account whose column col is $1.
func accountQuery(col string) string {
	return `SELECT ` + accountCols + ` FROM identity_accounts WHERE ` + col + ` = $1`
}

// accountBy loads one account by a column that identifies it.
func accountBy(ctx context.Context, q sqldb.Querier, col, v string) (Account, error) {
	a, err := scanAccount(q.QueryRowContext(ctx, accountQuery(col), v))
	if err != nil {
		return a, sqldb.NotFound(err)
	}
	return a, nil
}

// challenge is a one-time code sent to a mobile.
type challenge struct {
	ID, AccountID, Purpose, Mobile string
	Device                         string // the known device it was asked for from, or ""
	Hash                           []byte
	Attempts                       int
	Expires, Created               time.Time
	Consumed                       sql.NullTime
	account                        Account // loadChallengeAccount fills it in
}

// challengeCols are the columns a challenge is read from, in the order
// of dest.
const challengeCols = `id, account_id, purpose, mobile, code_hash, attempts, expires_at, consumed_at, created_at, device`

func (c *challenge) dest() []any {
	return []any{&c.ID, &c.AccountID, &c.Purpose, &c.Mobile, &c.Hash, &c.Attempts, &c.Expires, &c.Consumed, &c.Created, &c.Device}
}

// challengeAccountSQL is an SQL expression for the ID of the account of
// challenge $1.
const challengeAccountSQL = `(SELECT account_id FROM identity_challenges WHERE id = $1)`

func loadChallenge(ctx context.Context, q sqldb.Querier, id string) (challenge, error) {
	var c challenge
	err := sqldb.ScanOne(ctx, q, `SELECT `+challengeCols+` FROM identity_challenges WHERE id = $1`, []any{id}, c.dest()...)
	return c, err
}

// openChallenge loads the account's latest challenge for purpose that can
// still be answered at now: sent to mobile, asked for from device ("" for
// none), neither consumed nor expired, with fewer than maxAttempts wrong
// codes.
func openChallenge(ctx context.Context, q sqldb.Querier, accountID, purpose, mobile, device string, maxAttempts int, now time.Time) (challenge, error) {
	var c challenge
	err := sqldb.ScanOne(ctx, q, `SELECT `+challengeCols+` FROM identity_challenges
WHERE account_id = $1 AND purpose = $2 AND mobile = $3 AND device = $4 AND consumed_at IS NULL AND expires_at > $5 AND attempts < $6
ORDER BY created_at DESC LIMIT 1`, []any{accountID, purpose, mobile, device, now, maxAttempts}, c.dest()...)
	return c, err
}

// loadChallengeAccount loads a challenge with its account in one query,
// locking the challenge's row until the transaction ends when lock is set
// (PostgreSQL; SQLite's writer is alone in its transaction).
func loadChallengeAccount(ctx context.Context, q sqldb.Querier, id string, lock bool) (challenge, error) {
	var c challenge
	ar := newAccountRow(&c.account)
	forUpdate := ""
	if lock {
		forUpdate = " FOR UPDATE OF c"
	}
	dest := append(c.dest(), ar.dest()...)
	err := sqldb.ScanOne(ctx, q, `SELECT `+prefixed("c.", challengeCols)+`, `+prefixed("a.", accountCols)+` FROM identity_challenges c JOIN identity_accounts a ON a.id = c.account_id
WHERE c.id = $1`+forUpdate, []any{id}, dest...)
	if err != nil {
		return c, err
	}
	return c, ar.finish()
}
