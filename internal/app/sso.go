package app

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/panjereh/panjereh/internal/audit"
	"github.com/panjereh/panjereh/internal/config"
	"github.com/panjereh/panjereh/internal/identity"
	"github.com/panjereh/panjereh/internal/identity/oidc"
	"github.com/panjereh/panjereh/internal/iran"
	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/internal/web"
)

// openSSO builds the OpenID Connect provider over the window's accounts
// and sessions, and tells it when a window session ends so that agencies
// get their back-channel logout.
func openSSO(ctx context.Context, log *slog.Logger, db *sqldb.DB, a *access, issuer string) (*oidc.Provider, error) {
	p, err := oidc.New(ctx, oidc.Options{
		Issuer:        issuer,
		AllowInsecure: strings.HasPrefix(issuer, "http://"),
		DB:            db,
		Sessions:      ssoSessions{a.handler},
		Accounts:      ssoAccounts{a.service},
		Audit:         ssoAudit{a.audit},
		Logger:        log,
		// The signing keys are sealed in the database with a key derived
		// from the window's secret, which the database does not hold.
		KeyEncryptionKey: keySealKey(a.service.Secret),
		// Pending authorization requests travel sealed in the browser's
		// URL; every node derives the same key from the same secret.
		RequestKey: deriveKey(a.service.Secret, "oidc authorization requests"),
	})
	if err != nil {
		return nil, sealBroken(err)
	}
	a.service.OnSessionEnd = p.SessionEnded
	a.service.OnAccountReplaced = p.SubjectReplaced
	a.service.OnAccountNotEntitled = p.SubjectNotEntitled
	a.handler.Resume = func(r *http.Request, returnTo string) identity.Onward {
		if z := p.Resumption(r, returnTo); z != nil {
			return ssoOnward{z}
		}
		return nil
	}
	return p, nil
}

// sealBroken tells the operator what a key sealed under another key
// means; other errors are returned as they are.
func sealBroken(err error) error {
	if errors.Is(err, oidc.ErrKeySealBroken) {
		return fmt.Errorf("%w: the signing keys in the database were sealed under another PANJEREH_SECRET; "+
			"every window node on one database must be started with the same PANJEREH_SECRET "+
			"(without it, a node makes its own in DATA-DIR/identity/secret.key)", err)
	}
	return err
}

// checkSecret returns the check a window makes before its database is
// migrated: that the single sign-on's signing keys stored there open
// with the key derived from the window's secret. A node started with
// another secret is refused before it changes the shared database.
func checkSecret(cfg config.Config) func(context.Context, *sqldb.DB) error {
	return func(ctx context.Context, db *sqldb.DB) error {
		secret, err := loadSecret(cfg)
		if err != nil {
			return err
		}
		return sealBroken(oidc.CheckKeySeal(ctx, db, keySealKey(secret)))
	}
}

// keySealKey is the key, derived from the window's secret, that seals the
// provider's signing keys in the database: what openSSO gives the
// provider and checkSecret checks them with.
func keySealKey(secret []byte) []byte { return deriveKey(secret, "oidc signing keys") }

// ssoOnward goes on with an authorization request in the login's
// transaction: its reads are queued with the challenge's, by the login's
// account as the person's subject.
type ssoOnward struct{ z *oidc.Resumption }

func (o ssoOnward) Prefetch(ctx context.Context, tx *sqldb.Tx, account, challengeID string) error {
	return o.z.Prefetch(ctx, tx, account, challengeID)
}

func (o ssoOnward) Resume(ctx context.Context, tx *sqldb.Tx, sess identity.Session, acc identity.Account) (func(http.ResponseWriter, *http.Request), error) {
	return o.z.Resume(ctx, tx, ssoSession(sess, acc))
}

// ssoSessions shows the window's sessions to the provider.
type ssoSessions struct{ h *identity.Handler }

func (s ssoSessions) Current(r *http.Request) (oidc.Session, bool) {
	sess, acc, ok := s.h.Current(r)
	if !ok {
		return oidc.Session{}, false
	}
	return ssoSession(sess, acc), true
}

// ssoSession is a window session as the provider sees it, with its
// account's attributes as they were just read.
func ssoSession(sess identity.Session, acc identity.Account) oidc.Session {
	c := ssoClaims(acc)
	return oidc.Session{ID: sess.ID, Subject: acc.ID, ACR: sess.ACR, AMR: sess.AMR, AuthTime: sess.AuthTime, Roles: acc.Roles, Claims: &c}
}

// LoginPage shows the window's login page at the provider's endpoint
// (in the request's language, which is lang), so that the browser need
// not be redirected to /login.
func (s ssoSessions) LoginPage(w http.ResponseWriter, r *http.Request, returnTo, _ string, _ bool, _ string) {
	s.h.LoginPage(w, r, returnTo)
}

func (s ssoSessions) LoginURL(returnTo, _ string, _ bool, lang string) string {
	u := identity.LoginURL(returnTo)
	if lang == "en" {
		u += "&lang=en"
	}
	return u
}

func (s ssoSessions) Extend(ctx context.Context, sessionID string, d time.Duration) error {
	return s.h.Service.ExtendIdle(ctx, sessionID, d)
}

// End ends a session at the agency's logout, recorded with the address
// the logout came from (the request's, which ctx carries).
func (s ssoSessions) End(ctx context.Context, sessionID string) error {
	var cl identity.Client
	if ip := web.ClientIP(ctx); ip.IsValid() {
		cl.IP = ip.String()
	}
	return s.h.Service.EndSessionByID(ctx, sessionID, "logout", cl)
}

// ssoAccounts gives the provider an account's attributes.
type ssoAccounts struct{ s *identity.Service }

func (a ssoAccounts) Claims(ctx context.Context, subject string) (oidc.Claims, error) {
	acc, err := a.s.Account(ctx, subject)
	if err != nil {
		return oidc.Claims{}, err
	}
	return ssoClaims(acc), nil
}

// ssoClaims are an account's attributes as the provider releases them.
func ssoClaims(acc identity.Account) oidc.Claims {
	c := oidc.Claims{Kind: string(acc.Kind), NationalID: acc.NationalCode, ForeignID: acc.ForeignID, Mobile: acc.Mobile,
		FirstName: acc.FirstName, LastName: acc.LastName, FatherName: acc.FatherName, Gender: acc.Gender, BirthDate: acc.BirthDate,
		PostalCode: acc.PostalCode, Province: acc.Province, City: acc.City}
	if !acc.BirthDate.IsZero() {
		c.BirthDateShamsi = iran.ToJalali(acc.BirthDate).String()
	}
	if acc.Kind == identity.KindLegal {
		c.Legal = &oidc.LegalClaims{LegalNationalID: acc.LegalID, Name: acc.CompanyName, SignatoryRole: acc.SignatoryRole}
	}
	return c
}

// ssoAudit records the provider's events in the audit log.
type ssoAudit struct{ l *audit.Log }

func (a ssoAudit) Record(ctx context.Context, e oidc.AuditEvent) error {
	return a.l.Record(ctx, ssoEvent(e))
}

func (a ssoAudit) RecordTx(ctx context.Context, tx *sqldb.Tx, e oidc.AuditEvent) error {
	return a.l.RecordTx(ctx, tx, ssoEvent(e))
}

func ssoEvent(e oidc.AuditEvent) audit.Event {
	actor := audit.ActorSystem
	switch {
	case e.Account != "":
		actor = audit.ActorAccount(e.Account)
	case e.Client != "":
		actor = audit.ActorClient(e.Client)
	}
	return audit.Event{Kind: audit.Kind(e.Kind), Actor: actor, Subject: e.Subject, IP: e.IP, UserAgent: e.UserAgent, Details: e.Details}
}

// issuerURL is the provider's issuer: the public URL, or the window's.
func issuerURL(public, window string) string {
	if public != "" {
		return strings.TrimRight(public, "/")
	}
	if u, err := url.Parse(window); err == nil {
		return u.Scheme + "://" + u.Host
	}
	return window
}

// deriveKey derives a 32-byte key for one purpose from the window's
// secret.
func deriveKey(secret []byte, purpose string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(purpose))
	return m.Sum(nil)
}
