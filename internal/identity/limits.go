package identity

import (
	"context"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/panjereh/panjereh/internal/sqldb"
)

// Limit is at most Max events per Window for one key.
type Limit struct {
	Max    int
	Window time.Duration
}

// counter is one key to count under its limit. A counter with a column
// takes its key from the account whose login identifier hit is given:
// key, the column's value, then suffix; an account that does not exist
// counts nothing there.
type counter struct {
	key            string
	l              Limit
	column, suffix string
}

// ipKey is the per-address counter's key for ip: an IPv6 address counts
// with its whole /64, which one subscriber is given and can take any
// address of; an IPv4 address on its own. An empty or unreadable ip
// gives a key that is not counted.
func ipKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return "ip:"
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.WithZone("").Prefix(64)
		return "ip:" + p.String()
	}
	return "ip:" + a.String()
}

// exceeded is a counter over its limit and how long until its window
// ends.
type exceeded struct {
	key  string
	wait time.Duration
}

// hit counts one event for every counter, in fixed windows kept in the
// database (every node shares them, a restart keeps them), with one
// statement, which reads the account with login identifier login for
// the counters keyed by it. It returns the counters over their limits.
// Counters with Max 0 or an empty key are not counted. pg says whether
// the database is PostgreSQL, which needs the times' type spelt out.
func hit(ctx context.Context, q sqldb.Querier, pg bool, counters []counter, login string, now time.Time) ([]exceeded, error) {
	now = now.UTC()
	var arms []string
	args := []any{now}
	param := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	stamp := func(t time.Time) string {
		if pg {
			return "CAST(" + param(t) + " AS TIMESTAMPTZ)"
		}
		return param(t)
	}
	byKey := map[string]Limit{}
	var byAccount []counter
	loginParam := ""
	for _, c := range counters {
		switch {
		case c.l.Max <= 0:
		case c.column != "":
			if loginParam == "" {
				loginParam = param(login)
			}
			arms = append(arms, "SELECT "+param(c.key)+" || "+c.column+" || "+param(c.suffix)+" AS k, "+stamp(now.Add(c.l.Window))+
				" AS e FROM identity_accounts WHERE login_id = "+loginParam)
			byAccount = append(byAccount, c)
		case !strings.HasSuffix(c.key, ":"):
			arms = append(arms, "SELECT "+param(c.key)+" AS k, "+stamp(now.Add(c.l.Window))+" AS e")
			byKey[c.key] = c.l
		}
	}
	if len(arms) == 0 {
		return nil, nil
	}
	limitOf := func(key string) Limit {
		if l, ok := byKey[key]; ok {
			return l
		}
		for _, c := range byAccount {
			if strings.HasPrefix(key, c.key) && strings.HasSuffix(key, c.suffix) {
				return c.l
			}
		}
		return Limit{}
	}
	const stale = `identity_limits.expires_at IS NULL OR identity_limits.expires_at <= excluded.window_start`
	var over []exceeded
	err := sqldb.EachRow(ctx, q, `INSERT INTO identity_limits (key, window_start, expires_at, hits)
SELECT k, $1, e, 1 FROM (`+strings.Join(arms, " UNION ALL ")+`) AS v WHERE true
ON CONFLICT (key) DO UPDATE SET
    hits = CASE WHEN `+stale+` THEN 1 ELSE identity_limits.hits + 1 END,
    window_start = CASE WHEN `+stale+` THEN excluded.window_start ELSE identity_limits.window_start END,
    expires_at = CASE WHEN `+stale+` THEN excluded.expires_at ELSE identity_limits.expires_at END
RETURNING key, expires_at, hits`, args, func(scan func(...any) error) error {
		var key string
		var end time.Time
		var hits int
		if err := scan(&key, &end, &hits); err != nil {
			return err
		}
		if hits > limitOf(key).Max {
			over = append(over, exceeded{key: key, wait: max(end.Sub(now), time.Second)})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("identity: rate limits: %w", err)
	}
	return over, nil
}

// overBy reads, without counting, which of counters are over their
// limits, and returns the longest wait until the window of one that is
// ends (0 when none is).
func overBy(ctx context.Context, q sqldb.Querier, counters []counter, now time.Time) (time.Duration, error) {
	limits := make(map[string]Limit, len(counters))
	var marks []string
	var args []any
	for _, c := range counters {
		limits[c.key] = c.l
		args = append(args, c.key)
		marks = append(marks, "$"+strconv.Itoa(len(args)))
	}
	var wait time.Duration
	err := sqldb.EachRow(ctx, q, `SELECT key, expires_at, hits FROM identity_limits WHERE key IN (`+strings.Join(marks, ", ")+`)`, args,
		func(scan func(...any) error) error {
			var key string
			var end time.Time
			var hits int
			if err := scan(&key, &end, &hits); err != nil {
				return err
			}
			if hits > limits[key].Max && end.After(now) {
				wait = max(wait, end.Sub(now))
			}
			return nil
		})
	if err != nil {
		return 0, fmt.Errorf("identity: rate limits: %w", err)
	}
	return wait, nil
}
