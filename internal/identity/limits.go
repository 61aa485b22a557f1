package identity

import (
	"context"
	"fmt"
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

// counter is one key to count under its limit.
type counter struct {
	key string
	l   Limit
}

// exceeded is a counter over its limit and how long until its window
// ends.
type exceeded struct {
	key  string
	wait time.Duration
}

// hit counts one event for every counter, in fixed windows kept in the
// database (every node shares them, a restart keeps them), with one
// statement. It returns the counters over their limits. Counters with
// Max 0 or an empty key are not counted.
func hit(ctx context.Context, q sqldb.Querier, counters []counter, now time.Time) ([]exceeded, error) {
	now = now.UTC()
	var values []string
	args := []any{now}
	limits := map[string]Limit{}
	for _, c := range counters {
		if c.l.Max <= 0 || strings.HasSuffix(c.key, ":") {
			continue
		}
		n := len(args)
		values = append(values, "($"+strconv.Itoa(n+1)+", $1, $"+strconv.Itoa(n+2)+", 1)")
		args = append(args, c.key, now.Add(c.l.Window))
		limits[c.key] = c.l
	}
	if len(values) == 0 {
		return nil, nil
	}
	const stale = `identity_limits.expires_at IS NULL OR identity_limits.expires_at <= excluded.window_start`
	var over []exceeded
	err := sqldb.EachRow(ctx, q, `INSERT INTO identity_limits (key, window_start, expires_at, hits) VALUES `+
		strings.Join(values, ", ")+` ON CONFLICT (key) DO UPDATE SET
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
		if hits > limits[key].Max {
			over = append(over, exceeded{key: key, wait: max(end.Sub(now), time.Second)})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("identity: rate limits: %w", err)
	}
	return over, nil
}
