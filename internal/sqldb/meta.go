package sqldb

import (
	"context"
	"fmt"
	"time"
)

// GetMeta returns the value stored under key in the meta table, or a
// wrapped ErrNotFound.
func GetMeta(ctx context.Context, q Querier, key string) (string, error) {
	var v string
	if err := ScanOne(ctx, q, `SELECT value FROM meta WHERE key = $1`, []any{key}, &v); err != nil {
		return "", fmt.Errorf("sqldb: meta %s: %w", key, err)
	}
	return v, nil
}

// SetMeta stores value under key, replacing any earlier value.
func SetMeta(ctx context.Context, q Querier, key, value string, now time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO meta (key, value, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (key) DO UPDATE SET value = $2, updated_at = $3`, key, value, now.UTC())
	if err != nil {
		return fmt.Errorf("sqldb: set meta %s: %w", key, err)
	}
	return nil
}
