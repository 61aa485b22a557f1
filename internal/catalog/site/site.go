// Package site serves the service catalog to the public: the home page,
// search, service guides, agencies, life events, categories, the
// licences database, a person's saved and recent services, the JSON API
// and the open-data downloads (D1–D8, J3, H5).
package site

import (
	"cmp"
	"context"
	"embed"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/panjereh/panjereh/internal/catalog"
	"github.com/panjereh/panjereh/internal/catalog/search"
	"github.com/panjereh/panjereh/internal/web"
)

//go:embed templates/*.html
var templates embed.FS

// Viewer is the logged-in person looking at a page.
type Viewer struct {
	AccountID    string
	NationalCode string
}

// Sessions tells who is logged in.
type Sessions interface {
	Viewer(r *http.Request) (Viewer, bool)
}

// Site is the catalog's public face. Set its fields, Open it, then Mount
// it.
type Site struct {
	Store *catalog.Store
	// Taxonomy supplies the life events and categories (the shipped
	// files').
	Taxonomy *catalog.Content
	// Sessions may be nil: nobody is ever logged in.
	Sessions Sessions
	// LoginURL is where a visitor is sent to log in before saving a
	// service; it returns there afterwards.
	LoginURL func(returnTo string) string
	// StartURL, if set, replaces a service's start address (the demo
	// points the services of its own agency at it); it returns "" to keep
	// the record's.
	StartURL func(svc *catalog.Service) string
	Logger   *slog.Logger
	Now      func() time.Time

	m      *web.Mux
	pages  *web.Templates
	cur    atomic.Pointer[view]
	loadMu sync.Mutex
}

// view is one loaded state of the catalog with its lookups and search
// index; it is never changed once built.
type view struct {
	sn       *catalog.Snapshot
	services map[string]*catalog.Service
	agencies map[string]*catalog.Agency
	licences map[string]*catalog.Licence
	byAgency map[string][]*catalog.Service
	outages  map[string][]catalog.Outage
	events   map[string]*catalog.Term
	cats     map[string]*catalog.Term
	popular  []*catalog.Service
	index    *search.Index
	// pages holds rendered page contents for visitors who are not logged
	// in, by language and address; it goes with the view.
	pages  sync.Map
	npages atomic.Int64
	// stale is when the next announced outage begins or ends after the
	// view was built: kept contents are not used from then on (zero:
	// never).
	stale time.Time
}

// maxCachedPages bounds how many rendered contents a view keeps.
const maxCachedPages = 4096

func (s *Site) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Site) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

// Open loads the catalog for the first time.
func (s *Site) Open(ctx context.Context) error {
	return s.reload(ctx, true)
}

// Reload loads the catalog again if it changed since it was last loaded.
func (s *Site) Reload(ctx context.Context) error { return s.reload(ctx, false) }

func (s *Site) reload(ctx context.Context, force bool) error {
	s.loadMu.Lock()
	defer s.loadMu.Unlock()
	if v := s.cur.Load(); v != nil && !force {
		g, err := s.Store.Generation(ctx)
		if err != nil {
			return err
		}
		if g == v.sn.Generation && (v.stale.IsZero() || s.now().Before(v.stale)) {
			return s.refreshUses(ctx, v)
		}
	}
	sn, err := s.Store.Load(ctx, s.Taxonomy)
	if err != nil {
		return err
	}
	v, err := build(sn, s.now())
	if err != nil {
		return err
	}
	if old := s.cur.Swap(v); old != nil && old.index != v.index {
		// Searches that began on the old index finish first.
		time.AfterFunc(time.Minute, func() { _ = old.index.Close() })
	}
	return nil
}

// Run reloads the catalog every interval until ctx ends, so that changes
// made on other nodes appear within it.
func (s *Site) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.Reload(ctx); err != nil && ctx.Err() == nil {
				s.logger().ErrorContext(ctx, "catalog: reload", "err", err)
			}
		}
	}
}

// refreshUses takes the latest use counts into ranking without rebuilding
// the index: the records have not changed. Called with loadMu held.
func (s *Site) refreshUses(ctx context.Context, v *view) error {
	uses, err := s.Store.Uses(ctx)
	if err != nil {
		return err
	}
	if maps.Equal(uses, v.sn.Uses) {
		return nil
	}
	sn := *v.sn
	sn.Uses = uses
	nv := view{sn: &sn, services: v.services, agencies: v.agencies, licences: v.licences, byAgency: v.byAgency,
		outages: v.outages, events: v.events, cats: v.cats, popular: slices.Clone(v.popular), index: v.index, stale: v.stale}
	nv.sortPopular()
	for id, n := range uses {
		v.index.SetUse(id, n, 0)
	}
	s.cur.Store(&nv)
	return nil
}

func (v *view) sortPopular() {
	slices.SortStableFunc(v.popular, func(a, b *catalog.Service) int {
		return cmp.Or(cmp.Compare(v.sn.Uses[b.ID], v.sn.Uses[a.ID]), cmp.Compare(a.ID, b.ID))
	})
}

// Snapshot returns the catalog as last loaded.
func (s *Site) Snapshot() *catalog.Snapshot { return s.cur.Load().sn }

func build(sn *catalog.Snapshot, now time.Time) (*view, error) {
	v := &view{sn: sn, services: map[string]*catalog.Service{}, agencies: map[string]*catalog.Agency{},
		licences: map[string]*catalog.Licence{}, byAgency: map[string][]*catalog.Service{}, outages: map[string][]catalog.Outage{},
		events: map[string]*catalog.Term{}, cats: map[string]*catalog.Term{}}
	for i := range sn.Agencies {
		v.agencies[sn.Agencies[i].Code] = &sn.Agencies[i]
	}
	for i := range sn.Services {
		sv := &sn.Services[i]
		v.services[sv.ID] = sv
		v.byAgency[sv.Agency] = append(v.byAgency[sv.Agency], sv)
		v.popular = append(v.popular, sv)
	}
	for i := range sn.Licences {
		v.licences[sn.Licences[i].ID] = &sn.Licences[i]
	}
	for _, o := range sn.Outages {
		v.outages[o.ServiceID] = append(v.outages[o.ServiceID], o)
		for _, t := range []time.Time{o.Starts, o.Ends} {
			if t.After(now) && (v.stale.IsZero() || t.Before(v.stale)) {
				v.stale = t
			}
		}
	}
	for i := range sn.LifeEvents {
		v.events[sn.LifeEvents[i].Key] = &sn.LifeEvents[i]
	}
	for i := range sn.Categories {
		v.cats[sn.Categories[i].Key] = &sn.Categories[i]
	}
	v.sortPopular()
	docs := search.DocsFrom(&sn.Content)
	for i := range docs {
		docs[i].Uses = sn.Uses[docs[i].ID]
	}
	ix, err := search.New(docs)
	if err != nil {
		return nil, fmt.Errorf("catalog: search index: %w", err)
	}
	v.index = ix
	return v, nil
}
