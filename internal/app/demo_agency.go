package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/panjereh/panjereh/internal/agency"
	"github.com/panjereh/panjereh/internal/config"
	"github.com/panjereh/panjereh/internal/exchange"
	"github.com/panjereh/panjereh/internal/exchange/pki"
	"github.com/panjereh/panjereh/internal/identity/oidc"
	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/internal/web"
	"github.com/panjereh/panjereh/nix"
)

// The demo's reference agency window: the traffic police's services, an
// OpenID Connect client of the window and a client of the exchange.
const (
	agencyClientID  = "rahvar"
	agencySubsystem = "rahvar"
	agencyMember    = "police"
)

// startAgency registers the reference agency window with the exchange and
// as a client of the national SSO, then serves it on AgencyAddr. It
// returns the bound server, already listening.
func startAgency(ctx context.Context, cfg config.Config, log *slog.Logger, db *sqldb.DB, st *stack) (*server, error) {
	if st.sso == nil {
		return nil, errors.New("the reference agency needs the window's single sign-on")
	}
	member := memberPrefix(cfg) + agencyMember
	nix, err := agencyExchange(ctx, cfg, db, member, st.url("exchange"))
	if err != nil {
		return nil, fmt.Errorf("agency: %w", err)
	}
	srv := &server{name: "agency", addr: cfg.AgencyAddr}
	if err := listen([]*server{srv}); err != nil {
		return nil, err
	}
	fail := func(err error) (*server, error) {
		srv.ln.Close()
		return nil, fmt.Errorf("agency: %w", err)
	}
	client := &oidc.Client{ID: agencyClientID, NameFa: "پلیس راهور (سامانهٔ نمایشی)", NameEn: "Traffic police (demo)",
		RedirectURIs: []string{srv.url + agency.PathCallback}, PostLogoutURIs: []string{srv.url + agency.PathLoggedOut},
		BackchannelURI: srv.url + agency.PathBackchannel,
		Scopes:         []string{"openid", "profile", "national_code", "birthdate", "phone", "address"},
		MaxACR:         "loa1", AuthMethod: oidc.AuthSecretBasic, IDTokenAlg: "ES256", RequirePKCE: true, SessionSeconds: 3600}
	secret, err := st.sso.SaveClient(ctx, "", client, true)
	if err != nil {
		return fail(err)
	}
	a, err := agency.New(agency.Config{Issuer: st.sso.Issuer(), ClientID: agencyClientID, ClientSecret: secret,
		RedirectURL: srv.url + agency.PathCallback, PostLogoutURL: srv.url + agency.PathLoggedOut,
		Scopes: client.Scopes, Nix: nix, Logger: log})
	if err != nil {
		return fail(err)
	}
	m, err := web.New(web.Options{Logger: log, Dev: true, Version: Version()})
	if err != nil {
		return fail(err)
	}
	m.Mount(a)
	srv.handler = m.Handler()
	st.closers = append(st.closers, func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		m.Close(cctx)
	})
	return srv, nil
}

// agencyExchange gives the agency's subsystem a certificate and the right
// to read a person's driving licences, and returns its exchange client.
func agencyExchange(ctx context.Context, cfg config.Config, db *sqldb.DB, member, gateway string) (*nix.Client, error) {
	st := &exchange.Store{DB: db}
	now := time.Now()
	sub, err := nix.ParseSubsystem(member + "/" + agencySubsystem)
	if err != nil {
		return nil, err
	}
	if err := st.AddSubsystem(ctx, sub, now); err != nil {
		return nil, err
	}
	svc, err := nix.ParseService(member + "/registry/persons")
	if err != nil {
		return nil, err
	}
	if _, err := st.Right(ctx, sub, svc); errors.Is(err, sqldb.ErrNotFound) {
		if err := st.Grant(ctx, "demo", sub, svc, nil, now); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, err
	}
	dir := filepath.Join(cfg.DataDir, "certs", agencyMember)
	if _, err := os.Stat(filepath.Join(dir, "member.crt")); err != nil {
		if err := issueMember(ctx, &pki.Store{DB: db}, caDir(cfg, ""), member, dir, now); err != nil {
			return nil, err
		}
	}
	return nix.New(gateway, sub.String(), dir)
}
