package sqldb_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/internal/sqldb/sqldbtest"
)

// These tests pin the behaviours that SQLite and PostgreSQL must share for
// the one-SQL-text rule to hold. Run them on PostgreSQL with
// PANJEREH_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable.

func setup(t *testing.T) (*sqldb.DB, context.Context) {
	t.Helper()
	db := sqldbtest.Open(t)
	ctx := context.Background()
	err := db.InTx(ctx, func(tx *sqldb.Tx) error {
		_, err := tx.ExecContext(ctx, `CREATE TABLE things (
			id TEXT PRIMARY KEY,
			name TEXT NOT NULL UNIQUE,
			n BIGINT NOT NULL,
			at `+timeType(db)+` NOT NULL
		)`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return db, ctx
}

func timeType(db *sqldb.DB) string {
	if db.Dialect == sqldb.Postgres {
		return "TIMESTAMPTZ"
	}
	return "TIMESTAMP"
}

func TestPlaceholdersReusedAndOutOfOrder(t *testing.T) {
	db, ctx := setup(t)
	now := time.Now().UTC()
	// $2 before $1, and $1 used twice.
	_, err := db.Write.ExecContext(ctx, `INSERT INTO things (name, id, n, at) VALUES ($2, $1, $3, $4)`, "a", "alpha", 7, now)
	if err != nil {
		t.Fatal(err)
	}
	var name string
	var n int64
	err = db.Read.QueryRowContext(ctx, `SELECT name, n FROM things WHERE id = $1 AND (n = $2 OR n = $2 + 1) AND id = $1`, "a", 7).Scan(&name, &n)
	if err != nil {
		t.Fatal(err)
	}
	if name != "alpha" || n != 7 {
		t.Errorf("got %q %d, want alpha 7", name, n)
	}
}

func TestTimesRoundTripInUTC(t *testing.T) {
	db, ctx := setup(t)
	tehran := time.FixedZone("IRST", 3*3600+1800)
	cases := []time.Time{
		time.Date(2024, 12, 18, 10, 30, 0, 0, time.UTC),
		time.Date(2024, 12, 18, 23, 59, 59, 123456000, tehran),
		time.Date(1950, 3, 21, 0, 0, 0, 0, time.UTC),
	}
	for i, in := range cases {
		id := fmt.Sprint(i)
		if _, err := db.Write.ExecContext(ctx, `INSERT INTO things (id, name, n, at) VALUES ($1, $1, 0, $2)`, id, in.UTC()); err != nil {
			t.Fatal(err)
		}
		var got time.Time
		if err := db.Read.QueryRowContext(ctx, `SELECT at FROM things WHERE id = $1`, id).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if !got.Equal(in) || got.Location() != time.UTC {
			t.Errorf("case %d: got %v (%v), want %v in UTC", i, got, got.Location(), in.UTC())
		}
	}
	// Ordering and range comparison on stored times agree with time order.
	var ids []string
	rows, err := db.Read.QueryContext(ctx, `SELECT id FROM things WHERE at > $1 ORDER BY at`, time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		rows.Scan(&id)
		ids = append(ids, id)
	}
	if diff := cmp.Diff([]string{"0", "1"}, ids); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
}

func TestUniqueViolation(t *testing.T) {
	db, ctx := setup(t)
	ins := `INSERT INTO things (id, name, n, at) VALUES ($1, $2, 0, $3)`
	if _, err := db.Write.ExecContext(ctx, ins, "1", "x", time.Now().UTC()); err != nil {
		t.Fatal(err)
	}
	_, err := db.Write.ExecContext(ctx, ins, "1", "y", time.Now().UTC())
	if !sqldb.IsUniqueViolation(err) {
		t.Errorf("duplicate primary key: IsUniqueViolation(%v) = false", err)
	}
	_, err = db.Write.ExecContext(ctx, ins, "2", "x", time.Now().UTC())
	if !sqldb.IsUniqueViolation(err) {
		t.Errorf("duplicate unique column: IsUniqueViolation(%v) = false", err)
	}
	if sqldb.IsUniqueViolation(errors.New("other")) || sqldb.IsUniqueViolation(nil) {
		t.Error("IsUniqueViolation true for an unrelated error")
	}
	// ON CONFLICT ... DO UPDATE with RETURNING works the same on both.
	var n int64
	err = db.Write.QueryRowContext(ctx, `INSERT INTO things (id, name, n, at) VALUES ($1, $2, 1, $3)
		ON CONFLICT (id) DO UPDATE SET n = things.n + 1 RETURNING n`, "1", "x", time.Now().UTC()).Scan(&n)
	if err != nil || n != 1 {
		t.Errorf("upsert: n=%d err=%v, want 1", n, err)
	}
}

func TestNotFound(t *testing.T) {
	db, ctx := setup(t)
	var name string
	err := sqldb.ScanOne(ctx, db.Read, `SELECT name FROM things WHERE id = $1`, []any{"missing"}, &name)
	if !errors.Is(err, sqldb.ErrNotFound) {
		t.Errorf("got %v, want ErrNotFound", err)
	}
}

func TestInTxCommitRollbackAndHooks(t *testing.T) {
	db, ctx := setup(t)
	ins := `INSERT INTO things (id, name, n, at) VALUES ($1, $1, 0, $2)`
	var ran []string
	err := db.InTx(ctx, func(tx *sqldb.Tx) error {
		tx.AfterCommit(func() { ran = append(ran, "first") })
		tx.AfterCommit(func() { ran = append(ran, "second") })
		_, err := tx.ExecContext(ctx, ins, "kept", time.Now().UTC())
		if len(ran) != 0 {
			t.Error("hook ran before commit")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"first", "second"}, ran); diff != "" {
		t.Errorf("hooks (-want +got):\n%s", diff)
	}

	boom := errors.New("boom")
	err = db.InTx(ctx, func(tx *sqldb.Tx) error {
		tx.AfterCommit(func() { t.Error("hook ran after rollback") })
		if _, err := tx.ExecContext(ctx, ins, "dropped", time.Now().UTC()); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("got %v, want boom", err)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("panic was swallowed")
			}
		}()
		db.InTx(ctx, func(tx *sqldb.Tx) error {
			tx.ExecContext(ctx, ins, "panicked", time.Now().UTC())
			panic("oops")
		})
	}()
	var count int
	db.Read.QueryRowContext(ctx, `SELECT count(*) FROM things`).Scan(&count)
	if count != 1 {
		t.Errorf("rows after commit, rollback and panic: %d, want 1", count)
	}
}

func TestBulkInsert(t *testing.T) {
	db, ctx := setup(t)
	const total = 1234
	i := 0
	row := make([]any, 4)
	at := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	n, err := db.BulkInsert(ctx, "things", []string{"id", "name", "n", "at"}, 100, func() ([]any, error) {
		if i == total {
			return nil, nil
		}
		row[0], row[1], row[2], row[3] = fmt.Sprint(i), fmt.Sprintf("name-%d", i), int64(i), at
		i++
		return row, nil
	})
	if err != nil || n != total {
		t.Fatalf("BulkInsert = %d, %v; want %d", n, err, total)
	}
	var count, sum int64
	var got time.Time
	db.Read.QueryRowContext(ctx, `SELECT count(*), sum(n) FROM things`).Scan(&count, &sum)
	db.Read.QueryRowContext(ctx, `SELECT at FROM things WHERE id = '77'`).Scan(&got)
	if count != total || sum != total*(total-1)/2 || !got.Equal(at) {
		t.Errorf("count=%d sum=%d at=%v", count, sum, got)
	}

	// A failing source stops the load and reports its error.
	fail := errors.New("source broke")
	_, err = db.BulkInsert(ctx, "things", []string{"id", "name", "n", "at"}, 100, func() ([]any, error) { return nil, fail })
	if !errors.Is(err, fail) {
		t.Errorf("got %v, want the source's error", err)
	}
}

func TestMigrationsApplyOnceAndExpandMacros(t *testing.T) {
	db := sqldbtest.Open(t)
	ctx := context.Background()
	n, err := db.Migrate(ctx, nil)
	if err != nil || n != 0 {
		t.Errorf("second Migrate = %d, %v; want 0 applied", n, err)
	}
	st, err := db.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range st {
		if !s.Applied {
			t.Errorf("migration %s not applied", s.File)
		}
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	if _, err := db.Write.ExecContext(ctx, `INSERT INTO meta (key, value, updated_at) VALUES ($1, $2, $3)`, "k", "v", now); err != nil {
		t.Fatal(err)
	}
	var got time.Time
	if err := db.Read.QueryRowContext(ctx, `SELECT updated_at FROM meta WHERE key = 'k'`).Scan(&got); err != nil || !got.Equal(now) {
		t.Errorf("meta.updated_at = %v, %v; want %v", got, err, now)
	}
}

func TestOpenRejectsUnknownDSN(t *testing.T) {
	_, err := sqldb.Open(context.Background(), "mysql://root@localhost/x")
	if err == nil || !strings.Contains(err.Error(), "unrecognised DSN") {
		t.Errorf("got %v", err)
	}
	_, err = sqldb.Open(context.Background(), "postgres://nobody:secret@127.0.0.1:1/none?connect_timeout=1")
	if err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("unreachable postgres: got %v; want an error without the password", err)
	}
}

func TestBackendMatchesEnvironment(t *testing.T) {
	db := sqldbtest.Open(t)
	if string(db.Dialect) != sqldbtest.Backend() {
		t.Errorf("dialect %s, backend %s", db.Dialect, sqldbtest.Backend())
	}
}

func TestMeta(t *testing.T) {
	db := sqldbtest.Open(t)
	ctx := context.Background()
	if _, err := sqldb.GetMeta(ctx, db.Read, "seed"); !errors.Is(err, sqldb.ErrNotFound) {
		t.Errorf("missing key: got %v, want ErrNotFound", err)
	}
	now := time.Now()
	for _, v := range []string{"first", "second"} {
		if err := sqldb.SetMeta(ctx, db.Write, "seed", v, now); err != nil {
			t.Fatal(err)
		}
		if got, err := sqldb.GetMeta(ctx, db.Read, "seed"); err != nil || got != v {
			t.Errorf("GetMeta = %q, %v; want %q", got, err, v)
		}
	}
}

// TestQueuedWrites: writes given to Queue take effect in order with the
// transaction's other statements, commit or roll back with it, and a
// queued write that fails makes the transaction fail as a whole.
func TestQueuedWrites(t *testing.T) {
	db, ctx := setup(t)
	ins := `INSERT INTO things (id, name, n, at) VALUES ($1, $1, $2, $3)`
	now := time.Now().UTC()
	names := func() []string {
		var out []string
		err := sqldb.EachRow(ctx, db.Read, `SELECT id FROM things ORDER BY id`, nil, func(scan func(...any) error) error {
			var id string
			err := scan(&id)
			out = append(out, id)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}

	err := db.InTx(ctx, func(tx *sqldb.Tx) error {
		if err := tx.Queue(ctx, ins, "a", 1, now); err != nil {
			return err
		}
		var n int64
		if err := sqldb.ScanOne(ctx, tx, `SELECT n FROM things WHERE id = $1`, []any{"a"}, &n); err != nil || n != 1 {
			t.Errorf("the transaction's own queued write: n = %d, %v", n, err)
		}
		tx.Queue(ctx, ins, "b", 2, now)
		var seen []string
		err := sqldb.EachRow(ctx, tx, `SELECT id FROM things ORDER BY id`, nil, func(scan func(...any) error) error {
			var id string
			err := scan(&id)
			seen = append(seen, id)
			return err
		})
		if diff := cmp.Diff([]string{"a", "b"}, seen); err != nil || diff != "" {
			t.Errorf("rows in the transaction (-want +got):\n%s %v", diff, err)
		}
		tx.Queue(ctx, ins, "c", 3, now)
		res, err := tx.ExecContext(ctx, `UPDATE things SET n = n + 10 WHERE n >= $1`, 2)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 2 {
			t.Errorf("rows updated after two queued inserts: %d, want 2", n)
		}
		return tx.Queue(ctx, ins, "d", 4, now) // sent with the commit
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a", "b", "c", "d"}, names()); diff != "" {
		t.Errorf("committed rows (-want +got):\n%s", diff)
	}

	// A queued write that breaks a constraint fails the commit; the
	// transaction's earlier statements are undone and its hooks not run.
	err = db.InTx(ctx, func(tx *sqldb.Tx) error {
		tx.AfterCommit(func() { t.Error("hook ran after a failed commit") })
		if _, err := tx.ExecContext(ctx, ins, "e", 5, now); err != nil {
			return err
		}
		return tx.Queue(ctx, `INSERT INTO things (id, name, n, at) VALUES ('f', 'a', 6, $1)`, now)
	})
	if !sqldb.IsUniqueViolation(err) {
		t.Errorf("duplicate name queued: got %v, want a unique violation", err)
	}
	// Rolled back: queued and sent writes alike.
	boom := errors.New("boom")
	err = db.InTx(ctx, func(tx *sqldb.Tx) error {
		tx.Queue(ctx, ins, "g", 7, now)
		var n int64
		if err := sqldb.ScanOne(ctx, tx, `SELECT n FROM things WHERE id = $1`, []any{"g"}, &n); err != nil {
			return err
		}
		tx.Queue(ctx, ins, "h", 8, now)
		return boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("got %v, want boom", err)
	}
	// A context cancelled inside the transaction: nothing of it stays,
	// and the connection does not go back to the pool in a transaction
	// that a later commit would complete.
	cctx, cancel := context.WithCancel(ctx)
	err = db.InTx(cctx, func(tx *sqldb.Tx) error {
		if _, err := tx.ExecContext(cctx, ins, "i", 9, now); err != nil {
			return err
		}
		cancel()
		_, err := tx.ExecContext(cctx, ins, "j", 10, now)
		return err
	})
	if err == nil {
		t.Error("a cancelled transaction committed")
	}
	for i := range 40 {
		if err := db.InTx(ctx, func(tx *sqldb.Tx) error {
			return tx.Queue(ctx, `UPDATE things SET n = n + 1 WHERE id = $1`, "a")
		}); err != nil {
			t.Fatalf("transaction %d after the cancelled one: %v", i, err)
		}
	}
	if diff := cmp.Diff([]string{"a", "b", "c", "d"}, names()); diff != "" {
		t.Errorf("rows after failed, rolled back and cancelled transactions (-want +got):\n%s", diff)
	}
	var n int64
	if err := sqldb.ScanOne(ctx, db.Read, `SELECT n FROM things WHERE id = $1`, []any{"a"}, &n); err != nil || n != 41 {
		t.Errorf("a after 40 queued updates: %d, %v; want 41", n, err)
	}
	// A transaction that does nothing commits.
	if err := db.InTx(ctx, func(*sqldb.Tx) error { return nil }); err != nil {
		t.Errorf("empty transaction: %v", err)
	}
}

// TestQueuedQuery: a queued query's rows are read by the time the
// transaction's next result is (on PostgreSQL in its round trip, not
// before), in order, seeing the writes queued before it; one queued last
// is read at the commit, and one before a statement sent on its own;
// one that fails fails the statement it went with and the transaction.
func TestQueuedQuery(t *testing.T) {
	db, ctx := setup(t)
	ins := `INSERT INTO things (id, name, n, at) VALUES ($1, $1, $2, $3)`
	now := time.Now().UTC()
	ids := func(out *[]string) func(scan func(...any) error) error {
		return func(scan func(...any) error) error {
			var id string
			err := scan(&id)
			*out = append(*out, id)
			return err
		}
	}
	var first, last []string
	var n int64
	err := db.InTx(ctx, func(tx *sqldb.Tx) error {
		tx.Queue(ctx, ins, "a", 1, now)
		tx.Queue(ctx, ins, "b", 2, now)
		if err := tx.QueueQuery(ctx, `SELECT id FROM things ORDER BY id`, nil, ids(&first)); err != nil {
			return err
		}
		if db.Dialect == sqldb.Postgres && first != nil {
			t.Error("the queued query was read before the next statement was sent")
		}
		tx.Queue(ctx, ins, "c", 3, now)
		if err := sqldb.ScanOne(ctx, tx, `SELECT n FROM things WHERE id = $1`, []any{"c"}, &n); err != nil {
			return err
		}
		if diff := cmp.Diff([]string{"a", "b"}, first); diff != "" {
			t.Errorf("queued query's rows when the next read came (-want +got):\n%s", diff)
		}
		return tx.QueueQuery(ctx, `SELECT id FROM things WHERE n >= $1 ORDER BY id`, []any{2}, ids(&last))
	})
	if err != nil || n != 3 {
		t.Fatalf("n = %d, %v", n, err)
	}
	if diff := cmp.Diff([]string{"b", "c"}, last); diff != "" {
		t.Errorf("query queued before the commit (-want +got):\n%s", diff)
	}

	// One queued before a statement that goes on its own after the
	// pending ones (QueryRowContext) is read too.
	var before []string
	err = db.InTx(ctx, func(tx *sqldb.Tx) error {
		if err := tx.QueueQuery(ctx, `SELECT id FROM things WHERE n = $1`, []any{1}, ids(&before)); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT n FROM things WHERE id = $1`, "b").Scan(&n)
	})
	if err != nil || n != 2 {
		t.Fatalf("n = %d, %v", n, err)
	}
	if diff := cmp.Diff([]string{"a"}, before); diff != "" {
		t.Errorf("query queued before QueryRowContext (-want +got):\n%s", diff)
	}

	err = db.InTx(ctx, func(tx *sqldb.Tx) error {
		tx.Queue(ctx, ins, "d", 4, now)
		if err := tx.QueueQuery(ctx, `SELECT nothing FROM things`, nil, ids(new([]string))); err != nil {
			return err
		}
		return sqldb.ScanOne(ctx, tx, `SELECT n FROM things WHERE id = $1`, []any{"a"}, &n)
	})
	if err == nil {
		t.Error("a failing queued query did not fail the transaction")
	}
	var count int64
	if err := sqldb.ScanOne(ctx, db.Read, `SELECT COUNT(*) FROM things`, nil, &count); err != nil || count != 3 {
		t.Errorf("rows after the failed transaction: %d, %v; want 3", count, err)
	}

	// One still pending at the commit is read before it, so that its
	// reader's error undoes the transaction on both databases.
	boom := errors.New("boom")
	read := false
	err = db.InTx(ctx, func(tx *sqldb.Tx) error {
		tx.Queue(ctx, ins, "e", 5, now)
		return tx.QueueQuery(ctx, `SELECT id FROM things WHERE id = $1`, []any{"e"}, func(scan func(...any) error) error {
			read = true
			return boom
		})
	})
	if !errors.Is(err, boom) || !read {
		t.Errorf("a queued query whose reader fails at the commit: read %v, err %v; want boom", read, err)
	}
	if err := sqldb.ScanOne(ctx, db.Read, `SELECT COUNT(*) FROM things`, nil, &count); err != nil || count != 3 {
		t.Errorf("rows after the transaction whose queued reader failed: %d, %v; want 3", count, err)
	}
}

// TestIgnoredFailure: a function that goes on after one of its
// statements failed. On PostgreSQL the failure has aborted the
// transaction, whose COMMIT the server answers with ROLLBACK: InTx says
// so rather than report a commit. SQLite fails the statement alone.
func TestIgnoredFailure(t *testing.T) {
	db, ctx := setup(t)
	ins := `INSERT INTO things (id, name, n, at) VALUES ($1, $1, $2, $3)`
	err := db.InTx(ctx, func(tx *sqldb.Tx) error {
		if _, err := tx.ExecContext(ctx, ins, "a", 1, time.Now().UTC()); err != nil {
			return err
		}
		var n int64
		_ = sqldb.ScanOne(ctx, tx, `SELECT nothing FROM things`, nil, &n) // ignored
		return nil
	})
	var count int64
	if err := sqldb.ScanOne(ctx, db.Read, `SELECT COUNT(*) FROM things`, nil, &count); err != nil {
		t.Fatal(err)
	}
	if db.Dialect == sqldb.Postgres {
		if !errors.Is(err, sqldb.ErrRolledBack) || count != 0 {
			t.Errorf("PostgreSQL: err %v, %d rows; want ErrRolledBack and none", err, count)
		}
		return
	}
	if err != nil || count != 1 {
		t.Errorf("SQLite: err %v, %d rows; want the insert committed", err, count)
	}
}

// TestRelaxDurability: a relaxed transaction commits its writes like any
// other; on PostgreSQL its commit alone does not wait for the disk, and
// the next transaction on the same connection does again.
func TestRelaxDurability(t *testing.T) {
	db, ctx := setup(t)
	db.Write.SetMaxOpenConns(1) // the next transaction gets the same connection
	setting := func(tx *sqldb.Tx) string {
		if db.Dialect != sqldb.Postgres {
			return "n/a"
		}
		var s string
		if err := sqldb.ScanOne(ctx, tx, `SELECT current_setting('synchronous_commit')`, nil, &s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	want := map[bool]string{true: "off", false: "on"}
	if db.Dialect != sqldb.Postgres {
		want = map[bool]string{true: "n/a", false: "n/a"}
	}
	for i, relaxed := range []bool{true, false} {
		err := db.InTx(ctx, func(tx *sqldb.Tx) error {
			if relaxed {
				tx.RelaxDurability()
			}
			if err := tx.Queue(ctx, `INSERT INTO things (id, name, n, at) VALUES ($1, $1, $2, $3)`, fmt.Sprint(i), i, time.Now().UTC()); err != nil {
				return err
			}
			if got := setting(tx); got != want[relaxed] {
				t.Errorf("relaxed %v: synchronous_commit %q, want %q", relaxed, got, want[relaxed])
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	var n int
	if err := db.Read.QueryRowContext(ctx, `SELECT count(*) FROM things`).Scan(&n); err != nil || n != 2 {
		t.Errorf("rows committed: %d, %v; want 2", n, err)
	}
}
