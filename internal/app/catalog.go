package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/panjereh/panjereh/internal/catalog"
	"github.com/panjereh/panjereh/internal/catalog/console"
	"github.com/panjereh/panjereh/internal/catalog/site"
	"github.com/panjereh/panjereh/internal/identity"
	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/internal/web"
)

// catalogReload is how often a node looks for catalog changes made on
// other nodes.
const catalogReload = 5 * time.Second

// windowSessions tells the catalog who is logged in at the window.
type windowSessions struct{ h *identity.Handler }

func (s windowSessions) Viewer(r *http.Request) (site.Viewer, bool) {
	_, a, ok := s.h.Current(r)
	if !ok {
		return site.Viewer{}, false
	}
	return site.Viewer{AccountID: a.ID, NationalCode: a.NationalCode}, true
}

// consoleSessions tells the agencies' console who is logged in and
// whether they speak for the ministry.
type consoleSessions struct{ h *identity.Handler }

func (s consoleSessions) Viewer(r *http.Request) (console.Viewer, bool) {
	_, a, ok := s.h.Current(r)
	if !ok {
		return console.Viewer{}, false
	}
	return console.Viewer{AccountID: a.ID, NationalCode: a.NationalCode, Name: strings.TrimSpace(a.FirstName + " " + a.LastName),
		Overseer: a.HasRole(identity.RoleOverseer)}, true
}

// seedCatalog loads the catalog shipped in the binary into db: new
// services are added, agencies' edits kept.
func seedCatalog(ctx context.Context, store *catalog.Store) (catalog.SeedStats, error) {
	c, err := catalog.Embedded()
	if err != nil {
		return catalog.SeedStats{}, err
	}
	return store.Seed(ctx, c)
}

// openCatalog mounts the service catalog on the window: the public site
// (the home page) and the agencies' console, seeding the shipped content
// on the first start.
// In the demo, the police's electronic services start at the demo agency.
func (st *stack) openCatalog(ctx context.Context, log *slog.Logger, db *sqldb.DB, acc *access, mux *web.Mux) error {
	taxonomy, err := catalog.Embedded()
	if err != nil {
		return err
	}
	store := &catalog.Store{DB: db, Audit: acc.audit}
	var n int
	if err := db.Read.QueryRowContext(ctx, `SELECT count(*) FROM catalog_agencies`).Scan(&n); err != nil {
		return fmt.Errorf("catalog: %w", err)
	}
	if n == 0 {
		stats, err := store.Seed(ctx, taxonomy)
		if err != nil {
			return err
		}
		log.Info("catalog seeded", "agencies", stats.Agencies, "services", stats.Services, "licences", stats.Licences)
	}
	s := &site.Site{Store: store, Taxonomy: taxonomy, Sessions: windowSessions{acc.handler}, LoginURL: identity.LoginURL, Logger: log}
	s.StartURL = func(sv *catalog.Service) string {
		if u := st.agencyURL.Load(); u != nil && sv.Agency == "police" {
			return *u + "/"
		}
		return ""
	}
	if err := s.Open(ctx); err != nil {
		return err
	}
	runCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	go s.Run(runCtx, catalogReload)
	st.closers = append(st.closers, stop)
	mux.Mount(s)
	mux.Mount(&console.Console{Store: store, Sessions: consoleSessions{acc.handler}, Snapshot: s.Snapshot,
		Changed: func(ctx context.Context) {
			if err := s.Reload(ctx); err != nil {
				log.ErrorContext(ctx, "catalog: reload after a change", "err", err)
			}
		},
		LoginURL: identity.LoginURL})
	return nil
}
