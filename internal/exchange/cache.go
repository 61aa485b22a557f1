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
	services map[ServiceID]cachedService
	rights   map[rightKey]cachedRight
}

// rightKey is a caller and a service. The maps are keyed by the parsed
// identifiers rather than their text, which would cost a string per
// lookup.
type rightKey struct {
	client Subsystem
	id     ServiceID
}

type cachedService struct {
	svc Service
	err error
	exp time.Time
}

type cachedRight struct {
	right Right
	grant tree // right.Items as a tree, built once
	err   error
	exp   time.Time
}

// maxCached bounds each map; past it the cache starts afresh.
const maxCached = 50000

func (l *lookups) service(ctx context.Context, st *Store, id ServiceID, now time.Time) (Service, error) {
	key := id
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
			l.services = map[ServiceID]cachedService{}
		}
		l.services[key] = cachedService{svc, err, now.Add(l.ttl)}
		l.mu.Unlock()
	}
	return svc, err
}

func (l *lookups) right(ctx context.Context, st *Store, client Subsystem, id ServiceID, now time.Time) (Right, tree, error) {
	key := rightKey{client, id}
	l.mu.Lock()
	if c, ok := l.rights[key]; ok && now.Before(c.exp) {
		l.mu.Unlock()
		return c.right, c.grant, c.err
	}
	l.mu.Unlock()
	r, err := st.Right(ctx, client, id)
	grant := r.Items.grant()
	if err == nil || errors.Is(err, sqldb.ErrNotFound) {
		l.mu.Lock()
		if l.rights == nil || len(l.rights) > maxCached {
			l.rights = map[rightKey]cachedRight{}
		}
		l.rights[key] = cachedRight{r, grant, err, now.Add(l.ttl)}
		l.mu.Unlock()
	}
	return r, grant, err
}

// clear forgets everything.
func (l *lookups) clear() {
	l.mu.Lock()
	l.services, l.rights = nil, nil
	l.mu.Unlock()
}
