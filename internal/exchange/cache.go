package exchange

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/panjereh/panjereh/internal/sqldb"
)

// lookups caches the service and right lookups of calls for a short time,
// so that a busy gateway does not ask the database twice per call. A
// change made through the gateway's own API clears it at once; one made
// elsewhere (the CLI, another node) is in force within the TTL.
type lookups struct {
	ttl time.Duration

	mu       sync.Mutex
	services map[string]cachedService
	rights   map[[2]string]cachedRight
}

type cachedService struct {
	svc Service
	err error
	exp time.Time
}

type cachedRight struct {
	right Right
	err   error
	exp   time.Time
}

// maxCached bounds each map; past it the cache starts afresh.
const maxCached = 50000

func (l *lookups) service(ctx context.Context, st *Store, id ServiceID, now time.Time) (Service, error) {
	key := id.String()
	l.mu.Lock()
	if c, ok := l.services[key]; ok && now.Before(c.exp) {
		l.mu.Unlock()
		return c.svc, c.err
	}
	l.mu.Unlock()
	svc, err := st.Service(ctx, id)
	if err == nil || errors.Is(err, sqldb.ErrNotFound) {
		l.mu.Lock()
		if l.services == nil || len(l.services) > maxCached {
			l.services = map[string]cachedService{}
		}
		l.services[key] = cachedService{svc, err, now.Add(l.ttl)}
		l.mu.Unlock()
	}
	return svc, err
}

func (l *lookups) right(ctx context.Context, st *Store, client Subsystem, id ServiceID, now time.Time) (Right, error) {
	key := [2]string{client.String(), id.String()}
	l.mu.Lock()
	if c, ok := l.rights[key]; ok && now.Before(c.exp) {
		l.mu.Unlock()
		return c.right, c.err
	}
	l.mu.Unlock()
	r, err := st.Right(ctx, client, id)
	if err == nil || errors.Is(err, sqldb.ErrNotFound) {
		l.mu.Lock()
		if l.rights == nil || len(l.rights) > maxCached {
			l.rights = map[[2]string]cachedRight{}
		}
		l.rights[key] = cachedRight{r, err, now.Add(l.ttl)}
		l.mu.Unlock()
	}
	return r, err
}

// clear forgets everything.
func (l *lookups) clear() {
	l.mu.Lock()
	l.services, l.rights = nil, nil
	l.mu.Unlock()
}
