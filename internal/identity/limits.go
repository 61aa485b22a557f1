package identity

import (
	"context"
	"fmt"
	"time"

	"github.com/panjereh/panjereh/internal/sqldb"
)

// Limit is at most Max events per Window for one key.
type Limit struct {
	Max    int
	Window time.Duration
}

// hit counts one event for key in a fixed window kept in the database, so
// every node shares it and a restart does not reset it. It returns how
// long to wait when the limit is exceeded, zero otherwise.
func hit(ctx context.Context, q sqldb.Querier, key string, l Limit, now time.Time) (time.Duration, error) {
	if l.Max <= 0 {
		return 0, nil
	}
	now = now.UTC()
	stale := now.Add(-l.Window)
	var start time.Time
	var hits int
	err := sqldb.ScanOne(ctx, q, `INSERT INTO identity_limits (key, window_start, hits) VALUES ($1, $2, 1)
ON CONFLICT (key) DO UPDATE SET
    hits = CASE WHEN identity_limits.window_start <= $3 THEN 1 ELSE identity_limits.hits + 1 END,
    window_start = CASE WHEN identity_limits.window_start <= $3 THEN $2 ELSE identity_limits.window_start END
RETURNING window_start, hits`, []any{key, now, stale}, &start, &hits)
	if err != nil {
		return 0, fmt.Errorf("identity: rate limit %s: %w", key, err)
	}
	if hits > l.Max {
		return max(start.Add(l.Window).Sub(now), time.Second), nil
	}
	return 0, nil
}
