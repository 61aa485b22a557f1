package identity

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/internal/sqldb/sqldbtest"
)

// TestSessionPlans: on tables without statistics, as a new database's
// are, a session is looked up and ended by its key, whatever the value
// asked for (PostgreSQL's generic plan, which a connection keeps for a
// statement run often), never by scanning the sweep's indexes of live
// sessions; and the sweep finds its sessions through one of those
// indexes (which one, on empty tables, is a toss-up).
func TestSessionPlans(t *testing.T) {
	ctx := context.Background()
	db := sqldbtest.Open(t)
	pg := db.Dialect == sqldb.Postgres
	key := func(col string) string {
		if pg {
			return "Index Cond: (" + col + " = $1)"
		}
		return "(" + col + "=?)"
	}
	sweepIndexes := []string{"identity_sessions_idle", "identity_sessions_expires"}
	for _, c := range []struct {
		name, query string
		args        int
		want        []string // any of
		notWant     []string
	}{
		{"authenticate", authenticateSQL, 1, []string{key("token_hash")}, sweepIndexes},
		{"end", endSQL, 3, []string{key("id")}, sweepIndexes},
		{"end when idle", endSQL + " AND idle_until <= $2", 3, []string{key("id")}, sweepIndexes},
		{"sweep idle", sweepSQL("idle_until"), 2, sweepIndexes, nil},
		{"sweep expired", sweepSQL("expires_at"), 2, sweepIndexes, nil},
	} {
		plan := explain(t, ctx, db, c.query, c.args)
		if !slices.ContainsFunc(c.want, func(w string) bool { return strings.Contains(plan, w) }) {
			t.Errorf("%s: the plan has none of %q:\n%s", c.name, c.want, plan)
		}
		for _, bad := range c.notWant {
			if strings.Contains(plan, bad) {
				t.Errorf("%s: the plan uses %s:\n%s", c.name, bad, plan)
			}
		}
	}
}

// explain returns the plan of query with n parameters: on PostgreSQL the
// generic plan, made for no value in particular.
func explain(t *testing.T, ctx context.Context, db *sqldb.DB, query string, n int) string {
	t.Helper()
	conn, err := db.Write.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var lines []string
	read := func(q string, args ...any) {
		rows, err := conn.QueryContext(ctx, q, args...)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			lines = append(lines, fmt.Sprint(vals[len(vals)-1])) // SQLite's detail is its last column
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	if db.Dialect != sqldb.Postgres {
		read("EXPLAIN QUERY PLAN "+query, make([]any, n)...)
		return strings.Join(lines, "\n")
	}
	for _, q := range []string{"SET plan_cache_mode = force_generic_plan", "PREPARE plan_test AS " + query} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	defer conn.ExecContext(ctx, "DEALLOCATE plan_test; RESET plan_cache_mode")
	read("EXPLAIN EXECUTE plan_test(" + strings.TrimSuffix(strings.Repeat("NULL, ", n), ", ") + ")")
	return strings.Join(lines, "\n")
}
