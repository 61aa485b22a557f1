package registry_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/panjereh/panjereh/internal/iran"
	"github.com/panjereh/panjereh/internal/registry"
	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/internal/sqldb/sqldbtest"
)

// refNow is the reference date of the tests.
var refNow = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

func seeded(t testing.TB, persons int, seed int64) (*sqldb.DB, registry.SeedStats) {
	t.Helper()
	db := sqldbtest.Open(t)
	stats, err := registry.Seed(context.Background(), db, registry.SeedOptions{Persons: persons, Seed: seed, Now: refNow})
	if err != nil {
		t.Fatal(err)
	}
	return db, stats
}

func column(t *testing.T, db *sqldb.DB, q string) []string {
	t.Helper()
	rows, err := db.Read.QueryContext(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s sql.NullString
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s.String)
	}
	return out
}

func count(t *testing.T, db *sqldb.DB, q string) int {
	t.Helper()
	var n int
	if err := db.Read.QueryRowContext(context.Background(), q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func TestSeedIdentifiersValidate(t *testing.T) {
	db, _ := seeded(t, 4000, 7)
	checks := []struct {
		name  string
		query string
		norm  func(string) (string, error)
	}{
		{"national codes", `SELECT national_code FROM reg_persons`, iran.NormalizeNationalCode},
		{"fathers", `SELECT father_code FROM reg_persons WHERE father_code IS NOT NULL`, iran.NormalizeNationalCode},
		{"mobiles", `SELECT mobile FROM reg_mobiles`, iran.NormalizeMobile},
		{"mobile owners", `SELECT national_code FROM reg_mobiles WHERE length(national_code) = 10`, iran.NormalizeNationalCode},
		{"postal codes", `SELECT postal_code FROM reg_addresses`, iran.NormalizePostalCode},
		{"residences", `SELECT postal_code FROM reg_persons`, iran.NormalizePostalCode},
		{"legal IDs", `SELECT legal_id FROM reg_companies`, iran.NormalizeLegalID},
		{"signatories", `SELECT national_code FROM reg_signatories`, iran.NormalizeNationalCode},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			vals := column(t, db, c.query)
			if len(vals) == 0 {
				t.Fatal("no values")
			}
			for _, v := range vals {
				got, err := c.norm(v)
				if err != nil || got != v {
					t.Fatalf("%q: %v (normalised %q)", v, err, got)
				}
			}
		})
	}
	// Every mobile belongs to an operator; every residence has an address;
	// every signatory and owner exists.
	for _, q := range []string{
		`SELECT count(*) FROM reg_persons p LEFT JOIN reg_addresses a ON a.postal_code = p.postal_code WHERE a.postal_code IS NULL`,
		`SELECT count(*) FROM reg_companies c LEFT JOIN reg_addresses a ON a.postal_code = c.postal_code WHERE a.postal_code IS NULL`,
		`SELECT count(*) FROM reg_signatories s LEFT JOIN reg_persons p ON p.national_code = s.national_code WHERE p.national_code IS NULL`,
		`SELECT count(*) FROM reg_vehicles v LEFT JOIN reg_persons p ON p.national_code = v.owner_code WHERE p.national_code IS NULL`,
		`SELECT count(*) FROM reg_mobiles m LEFT JOIN reg_persons p ON p.national_code = m.national_code
			LEFT JOIN reg_foreigners f ON f.fida = m.national_code WHERE p.national_code IS NULL AND f.fida IS NULL`,
		`SELECT count(*) FROM reg_persons c JOIN reg_persons f ON f.national_code = c.father_code WHERE c.father_name <> f.first_name`,
		`SELECT count(*) FROM reg_persons c JOIN reg_persons f ON f.national_code = c.father_code WHERE c.last_name <> f.last_name`,
		`SELECT count(*) FROM reg_persons a JOIN reg_persons b ON b.national_code = a.spouse_code WHERE b.spouse_code <> a.national_code OR a.gender = b.gender`,
	} {
		if n := count(t, db, q); n != 0 {
			t.Errorf("%d rows break: %s", n, q)
		}
	}
	for _, m := range column(t, db, `SELECT mobile FROM reg_mobiles`) {
		if _, ok := iran.MobileOperator(m); !ok {
			t.Errorf("%s: no operator", m)
		}
	}
}

func TestSeedPlausibleFamilies(t *testing.T) {
	db, _ := seeded(t, 6000, 11)
	rows, err := db.Read.Query(`SELECT a.birth_date, b.birth_date FROM reg_persons a JOIN reg_persons b
		ON b.national_code = a.spouse_code WHERE a.gender = 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var h, w string
		rows.Scan(&h, &w)
		hd, _ := time.Parse(time.DateOnly, h)
		wd, _ := time.Parse(time.DateOnly, w)
		gap := wd.Sub(hd).Hours() / 24 / 365
		if gap < -2 || gap > 15 {
			t.Errorf("spouses born %s and %s", h, w)
		}
		n++
	}
	if n < 500 {
		t.Errorf("only %d married men among 6000 persons", n)
	}
	// Parents were adults when their children were born.
	if n := count(t, db, `SELECT count(*) FROM reg_persons c JOIN reg_persons f ON f.national_code = c.father_code
		WHERE c.birth_date < f.birth_date`); n != 0 {
		t.Errorf("%d children born before their fathers", n)
	}
	if n := count(t, db, `SELECT count(*) FROM reg_persons WHERE father_code IS NOT NULL`); n < 1500 {
		t.Errorf("only %d persons have a father on record", n)
	}
}

func TestSeedAgePyramid(t *testing.T) {
	db, _ := seeded(t, 20000, 3)
	births := column(t, db, `SELECT birth_date FROM reg_persons WHERE death_date IS NULL`)
	bands := map[string]int{}
	for _, b := range births {
		d, _ := time.Parse(time.DateOnly, b)
		age := int(refNow.Sub(d).Hours() / 24 / 365.25)
		switch {
		case age < 18:
			bands["minors"]++
		case age >= 30 && age < 45:
			bands["30-44"]++
		case age >= 80:
			bands["80+"]++
		}
		if age >= 65 {
			bands["65+"]++
		}
	}
	share := func(k string) float64 { return float64(bands[k]) / float64(len(births)) }
	for _, c := range []struct {
		band   string
		lo, hi float64
	}{{"minors", 0.18, 0.35}, {"30-44", 0.22, 0.40}, {"65+", 0.02, 0.12}, {"80+", 0.001, 0.03}} {
		if s := share(c.band); s < c.lo || s > c.hi {
			t.Errorf("share of %s = %.3f, want %.2f..%.2f", c.band, s, c.lo, c.hi)
		}
	}
	dead := count(t, db, `SELECT count(*) FROM reg_persons WHERE death_date IS NOT NULL`)
	if dead == 0 || dead > len(births)/5 {
		t.Errorf("%d deceased among %d living", dead, len(births))
	}
}

func TestSeedExpiries(t *testing.T) {
	db, _ := seeded(t, 6000, 5)
	today, in90 := refNow.Format(time.DateOnly), refNow.AddDate(0, 0, 90).Format(time.DateOnly)
	for _, tb := range []struct{ table, col string }{{"reg_licences", "expires"}, {"reg_insurance", "ends"}, {"reg_passports", "expires"}} {
		soon := count(t, db, fmt.Sprintf(`SELECT count(*) FROM %s WHERE %s >= '%s' AND %s < '%s'`, tb.table, tb.col, today, tb.col, in90))
		gone := count(t, db, fmt.Sprintf(`SELECT count(*) FROM %s WHERE %s < '%s'`, tb.table, tb.col, today))
		all := count(t, db, `SELECT count(*) FROM `+tb.table)
		if soon == 0 || gone == 0 || gone > all/3 {
			t.Errorf("%s: %d of %d expire within 90 days, %d expired", tb.table, soon, all, gone)
		}
	}
}

// digest is a hash of a query's rows.
func digest(t *testing.T, db *sqldb.DB, q string) string {
	t.Helper()
	h := sha256.New()
	for _, s := range column(t, db, q) {
		fmt.Fprintln(h, s)
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

func TestSeedDeterministic(t *testing.T) {
	const firstPersons = `SELECT national_code || first_name || last_name || birth_date || postal_code FROM reg_persons ORDER BY national_code`
	a, sa := seeded(t, 1500, 42)
	b, sb := seeded(t, 1500, 42)
	c, _ := seeded(t, 1500, 43)
	if diff := cmp.Diff(sa.Tables, sb.Tables); diff != "" {
		t.Errorf("row counts differ for the same seed (-a +b):\n%s", diff)
	}
	for _, q := range []string{firstPersons, `SELECT mobile || national_code FROM reg_mobiles ORDER BY mobile`,
		`SELECT plate || owner_code FROM reg_vehicles ORDER BY plate`, `SELECT street || postal_code FROM reg_addresses ORDER BY postal_code`} {
		if digest(t, a, q) != digest(t, b, q) {
			t.Errorf("same seed, different rows: %s", q)
		}
	}
	if digest(t, a, firstPersons) == digest(t, c, firstPersons) {
		t.Error("different seeds made the same persons")
	}
	if n := count(t, a, `SELECT count(*) FROM reg_persons`); n != 1500 {
		t.Errorf("%d persons, want 1500", n)
	}
}

func TestSeedRefusesNonEmptyAndResets(t *testing.T) {
	db, _ := seeded(t, 200, 1)
	ctx := context.Background()
	_, err := registry.Seed(ctx, db, registry.SeedOptions{Persons: 200, Seed: 1, Now: refNow})
	if !errors.Is(err, registry.ErrNotEmpty) {
		t.Fatalf("second seed: %v, want ErrNotEmpty", err)
	}
	if err := registry.Reset(ctx, db); err != nil {
		t.Fatal(err)
	}
	if _, err := registry.Seed(ctx, db, registry.SeedOptions{Persons: 300, Seed: 2, Now: refNow}); err != nil {
		t.Fatalf("seed after reset: %v", err)
	}
	if n := count(t, db, `SELECT count(*) FROM reg_persons`); n != 300 {
		t.Errorf("%d persons after reseed, want 300", n)
	}
}

func TestPersonasAlwaysPresent(t *testing.T) {
	ps := registry.Personas()
	if len(ps) < 13 {
		t.Fatalf("%d personas", len(ps))
	}
	for _, c := range []struct {
		persons int
		seed    int64
	}{{0, 1}, {50, 2}, {3000, 99}} {
		t.Run(fmt.Sprint(c.persons, "/", c.seed), func(t *testing.T) {
			db, _ := seeded(t, c.persons, c.seed)
			for _, p := range ps {
				if p.FIDA != "" {
					if n := count(t, db, `SELECT count(*) FROM reg_foreigners WHERE fida = '`+p.FIDA+`'`); n != 1 {
						t.Errorf("%s: foreigner missing", p.Key)
					}
					continue
				}
				var first, birth string
				err := db.Read.QueryRow(`SELECT first_name, birth_date FROM reg_persons WHERE national_code = $1`, p.NationalCode).Scan(&first, &birth)
				if err != nil || first != p.FirstName || birth != p.BirthDateISO {
					t.Errorf("%s: %q %q %v", p.Key, first, birth, err)
				}
				for _, m := range p.Mobiles {
					if n := count(t, db, `SELECT count(*) FROM reg_mobiles WHERE mobile = '`+m+`' AND national_code = '`+p.NationalCode+`'`); n != 1 {
						t.Errorf("%s: mobile %s not theirs", p.Key, m)
					}
				}
				if _, err := iran.NormalizeNationalCode(p.NationalCode); err != nil {
					t.Errorf("%s: %v", p.Key, err)
				}
			}
		})
	}
}
