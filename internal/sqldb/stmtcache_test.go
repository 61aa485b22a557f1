package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
)

// openCachingSQLite opens an SQLite store in the test's directory with a
// table of numbered rows, whatever backend the suite runs on: the cache
// is SQLite's.
func openCachingSQLite(t *testing.T) (*DB, context.Context) {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "cache.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Write.ExecContext(ctx, `CREATE TABLE n (i INTEGER PRIMARY KEY, sq INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		if _, err := db.Write.ExecContext(ctx, `INSERT INTO n (i, sq) VALUES ($1, $2)`, i, i*i); err != nil {
			t.Fatal(err)
		}
	}
	return db, ctx
}

// kept returns the statements the writer's connection keeps.
func kept(t *testing.T, ctx context.Context, db *DB) map[string]*cachedStmt {
	t.Helper()
	conn, err := db.Write.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var out map[string]*cachedStmt
	if err := conn.Raw(func(dc any) error {
		c, ok := dc.(*cachingConn)
		if !ok {
			return fmt.Errorf("the connection is a %T", dc)
		}
		out = c.stmts
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestStatementKept: a statement run again with other arguments is the
// same compiled statement, and answers for its new arguments.
func TestStatementKept(t *testing.T) {
	db, ctx := openCachingSQLite(t)
	const q = `SELECT sq FROM n WHERE i = $1`
	var first *cachedStmt
	for i := range 10 {
		var sq int
		if err := db.Write.QueryRowContext(ctx, q, i).Scan(&sq); err != nil || sq != i*i {
			t.Fatalf("%d: %d, %v", i, sq, err)
		}
		s := kept(t, ctx, db)[q]
		if s == nil || s.busy {
			t.Fatalf("%d: kept %+v", i, s)
		}
		if first == nil {
			first = s
		} else if s != first {
			t.Fatalf("%d: compiled again", i)
		}
	}
	// A write that fails leaves its statement able to run again.
	const ins = `INSERT INTO n (i, sq) VALUES ($1, $2)`
	if _, err := db.Write.ExecContext(ctx, ins, 3, 0); !IsUniqueViolation(err) {
		t.Fatalf("a duplicate: %v", err)
	}
	if _, err := db.Write.ExecContext(ctx, ins, 10, 100); err != nil {
		t.Fatal(err)
	}
	var sq int
	if err := db.Write.QueryRowContext(ctx, q, 10).Scan(&sq); err != nil || sq != 100 {
		t.Fatalf("after the failure: %d, %v", sq, err)
	}
}

// TestStatementWhileItsRowsAreOpen: in a transaction, the statement whose
// rows are being read runs again, and writes run, before those rows are
// closed; each answers for itself.
func TestStatementWhileItsRowsAreOpen(t *testing.T) {
	db, ctx := openCachingSQLite(t)
	const q = `SELECT i, sq FROM n WHERE i >= $1 ORDER BY i`
	err := db.InTx(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, q, 5)
		if err != nil {
			return err
		}
		defer rows.Close()
		want := 5
		for rows.Next() {
			var i, sq int
			if err := rows.Scan(&i, &sq); err != nil {
				return err
			}
			if i != want || sq != i*i {
				return fmt.Errorf("outer row %d: %d %d", want, i, sq)
			}
			want++
			// The same text, from the other end.
			var inner []int
			if err := EachRow(ctx, tx, q, []any{8}, func(scan func(...any) error) error {
				var i, sq int
				if err := scan(&i, &sq); err != nil {
					return err
				}
				inner = append(inner, i)
				return nil
			}); err != nil {
				return err
			}
			if fmt.Sprint(inner) != "[8 9]" {
				return fmt.Errorf("inner rows %v", inner)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE n SET sq = sq WHERE i = $1`, i); err != nil {
				return err
			}
		}
		if want != 10 {
			return fmt.Errorf("outer rows ended at %d", want)
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	if s := kept(t, ctx, db)[q]; s == nil || s.busy {
		t.Fatalf("after the rows closed: %+v", s)
	}
}

// TestStatementsEvicted: a connection keeps at most stmtCacheSize
// statements, the least recently used making way, and every statement
// answers rightly whether kept, evicted or compiled again.
func TestStatementsEvicted(t *testing.T) {
	db, ctx := openCachingSQLite(t)
	const hot = `SELECT sq FROM n WHERE i = $1`
	for round := range 3 {
		for k := range stmtCacheSize + 20 {
			var got int
			// Distinct texts: the constant is part of each.
			if err := db.Write.QueryRowContext(ctx, fmt.Sprintf(`SELECT sq + %d FROM n WHERE i = $1`, k), k%10).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if want := (k%10)*(k%10) + k; got != want {
				t.Fatalf("round %d, statement %d: %d, want %d", round, k, got, want)
			}
			if k%10 == 0 {
				if err := db.Write.QueryRowContext(ctx, hot, 7).Scan(&got); err != nil || got != 49 {
					t.Fatalf("hot: %d, %v", got, err)
				}
			}
		}
		stmts := kept(t, ctx, db)
		if len(stmts) > stmtCacheSize {
			t.Fatalf("round %d: %d statements kept", round, len(stmts))
		}
		if stmts[hot] == nil {
			t.Fatalf("round %d: the statement used most often was evicted", round)
		}
	}
}

// TestStatementAfterSchemaChange: a kept statement runs against the table
// as it is now after the table is dropped and made again differently.
func TestStatementAfterSchemaChange(t *testing.T) {
	db, ctx := openCachingSQLite(t)
	const q = `SELECT * FROM n WHERE i = $1`
	var i, sq int
	if err := db.Write.QueryRowContext(ctx, q, 2).Scan(&i, &sq); err != nil || sq != 4 {
		t.Fatalf("%d, %v", sq, err)
	}
	for _, stmt := range []string{`DROP TABLE n`, `CREATE TABLE n (i INTEGER PRIMARY KEY, sq INTEGER, cube INTEGER)`,
		`INSERT INTO n VALUES (2, 4, 8)`} {
		if _, err := db.Write.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	var cube int
	if err := db.Write.QueryRowContext(ctx, q, 2).Scan(&i, &sq, &cube); err != nil || cube != 8 {
		t.Fatalf("after the change: %d, %v", cube, err)
	}
	if err := db.Write.QueryRowContext(ctx, q, 3).Scan(&i, &sq, &cube); err != sql.ErrNoRows {
		t.Fatalf("a row not there: %v", err)
	}
}
