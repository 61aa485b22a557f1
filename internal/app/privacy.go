package app

import (
	"context"

	"github.com/panjereh/panjereh/internal/audit"
	"github.com/panjereh/panjereh/internal/exchange"
	"github.com/panjereh/panjereh/internal/identity"
	"github.com/panjereh/panjereh/internal/identity/oidc"
	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/internal/web"
)

// privacyFeeds connects the account's privacy pages to the provider's
// consents, the exchange's index and the audit log.
func privacyFeeds(h *identity.Handler, db *sqldb.DB, p *oidc.Provider, l *audit.Log) {
	h.Connections = connections{p}
	h.Accesses = accesses{index: &exchange.Index{DB: db}, members: &exchange.Store{DB: db}}
	h.Activity = activity{l}
}

type connections struct{ p *oidc.Provider }

func (c connections) Connections(ctx context.Context, accountID string) ([]identity.Connection, error) {
	list, err := c.p.Consents(ctx, accountID)
	if err != nil {
		return nil, err
	}
	out := make([]identity.Connection, 0, len(list))
	for _, x := range list {
		out = append(out, identity.Connection{ClientID: x.ClientID, Name: x.ClientName, Attributes: x.Attributes, Granted: x.GrantedAt})
	}
	return out, nil
}

func (c connections) Revoke(ctx context.Context, accountID, clientID string, _ identity.Client) error {
	return c.p.RevokeConsent(ctx, accountID, clientID)
}

type accesses struct {
	index   *exchange.Index
	members *exchange.Store
}

func (a accesses) Accesses(ctx context.Context, subject string, limit int) ([]identity.Access, error) {
	list, err := a.index.Accesses(ctx, subject, 0, limit)
	if err != nil {
		return nil, err
	}
	members, err := a.members.Members(ctx)
	if err != nil {
		return nil, err
	}
	names := make(map[string]web.Text, len(members))
	for _, m := range members {
		names[m.ID] = web.Text{Fa: m.NameFa, En: m.NameEn}
	}
	out := make([]identity.Access, 0, len(list))
	for _, x := range list {
		who, ok := names[x.Member]
		if !ok {
			who = web.Text{Fa: x.Member, En: x.Member}
		}
		out = append(out, identity.Access{At: x.At, Who: who, Client: x.Client, Service: x.Service, TrackingCode: x.TrackingCode, Status: x.Status})
	}
	return out, nil
}

type activity struct{ l *audit.Log }

func (a activity) Activity(ctx context.Context, loginID string, limit int) ([]identity.ActivityItem, error) {
	page, err := a.l.ForSubject(ctx, loginID, "", limit)
	if err != nil {
		return nil, err
	}
	out := make([]identity.ActivityItem, 0, len(page.Entries))
	for _, e := range page.Entries {
		fa, en := e.Kind.Title()
		out = append(out, identity.ActivityItem{At: e.Time, What: web.Text{Fa: fa, En: en}, IP: e.IP, UserAgent: e.UserAgent})
	}
	return out, nil
}
