package pki

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Defaults of a RevocationCache.
const (
	DefaultRevocationInterval = time.Second
	DefaultRevocationMaxStale = 30 * time.Second
)

// loadTimeout bounds one reload. A reload serves every request waiting on
// it, so it does not die with the request that happened to start it.
const loadTimeout = 5 * time.Second

// RevocationSource lists the serials of revoked, unexpired certificates.
// Store is one.
type RevocationSource interface {
	RevokedSerials(ctx context.Context, now time.Time) ([]string, error)
}

// CacheOptions tunes a RevocationCache. Zero values take the defaults.
type CacheOptions struct {
	// Interval is the longest a revocation written by another process
	// may go unnoticed (DefaultRevocationInterval).
	Interval time.Duration
	// MaxStale is how long the last good set is still used while reloads
	// fail (DefaultRevocationMaxStale). Past it the cache fails closed:
	// IsRevoked returns ErrRevocationUnavailable.
	MaxStale time.Duration
	// Now is the clock (time.Now).
	Now func() time.Time
}

// RevocationCache holds the revoked serials in memory for the gateway,
// which consults it on every request, and reloads them from the database
// at most every Interval. It is safe for concurrent use.
type RevocationCache struct {
	src      RevocationSource
	interval time.Duration
	maxStale time.Duration
	now      func() time.Time

	// loadMu serialises reloads so an older result never replaces a
	// newer one.
	loadMu sync.Mutex

	mu        sync.Mutex
	revoked   map[string]struct{}
	loadedAt  time.Time     // when the current set was loaded; zero if never
	attempted time.Time     // when a reload was last started
	lastErr   error         // the last reload's error, if it failed
	loading   chan struct{} // closed when the reload in flight ends; nil if none
}

// NewRevocationCache returns a cache over src. It loads nothing until it
// is first consulted or refreshed.
func NewRevocationCache(src RevocationSource, opts CacheOptions) *RevocationCache {
	c := &RevocationCache{src: src, interval: opts.Interval, maxStale: opts.MaxStale, now: opts.Now}
	if c.interval <= 0 {
		c.interval = DefaultRevocationInterval
	}
	if c.maxStale <= 0 {
		c.maxStale = DefaultRevocationMaxStale
	}
	c.maxStale = max(c.maxStale, c.interval)
	if c.now == nil {
		c.now = time.Now
	}
	return c
}

// Refresh reloads the revoked serials now.
func (c *RevocationCache) Refresh(ctx context.Context) error {
	return c.load(ctx)
}

// IsRevoked reports whether the certificate with serial (as Serial formats
// it) is revoked, reloading the set first if it is older than the
// interval. It returns an error wrapping ErrRevocationUnavailable when it
// cannot tell.
func (c *RevocationCache) IsRevoked(ctx context.Context, serial string) (bool, error) {
	c.mu.Lock()
	now := c.now()
	if c.loading == nil && (c.attempted.IsZero() || now.Sub(c.attempted) >= c.interval || now.Before(c.attempted)) {
		c.loading = make(chan struct{})
		c.attempted = now
		done := c.loading
		c.mu.Unlock()
		lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), loadTimeout)
		_ = c.load(lctx) // the outcome is recorded in lastErr and loadedAt
		cancel()
		c.mu.Lock()
		c.loading = nil
		close(done)
	}
	// Wait for a reload in flight only when the set we hold is no use.
	for c.loading != nil && !c.usable(now) {
		done := c.loading
		c.mu.Unlock()
		select {
		case <-done:
		case <-ctx.Done():
			return false, fmt.Errorf("pki: revocation check: %w: %w", ErrRevocationUnavailable, ctx.Err())
		}
		c.mu.Lock()
	}
	defer c.mu.Unlock()
	if !c.usable(now) {
		cause := c.lastErr
		if cause == nil {
			cause = errors.New("revoked serials not loaded")
		}
		return false, fmt.Errorf("pki: revocation check: %w: %w", ErrRevocationUnavailable, cause)
	}
	_, revoked := c.revoked[serial]
	return revoked, nil
}

// usable reports whether the set held is recent enough to answer at now.
// c.mu is held.
func (c *RevocationCache) usable(now time.Time) bool {
	return !c.loadedAt.IsZero() && now.Sub(c.loadedAt) <= c.maxStale
}

// load reads the revoked serials from the source and installs them.
func (c *RevocationCache) load(ctx context.Context) error {
	c.loadMu.Lock()
	defer c.loadMu.Unlock()
	now := c.now()
	serials, err := c.src.RevokedSerials(ctx, now)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		c.lastErr = err
		return fmt.Errorf("pki: reload revocations: %w", err)
	}
	set := make(map[string]struct{}, len(serials))
	for _, s := range serials {
		set[s] = struct{}{}
	}
	c.revoked, c.loadedAt, c.lastErr = set, now, nil
	if now.After(c.attempted) {
		c.attempted = now
	}
	return nil
}
