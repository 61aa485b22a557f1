package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/panjereh/panjereh/internal/audit"
	"github.com/panjereh/panjereh/internal/exchange"
	"github.com/panjereh/panjereh/internal/identity"
	"github.com/panjereh/panjereh/internal/identity/oidc"
	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/internal/web"
	"github.com/panjereh/panjereh/nix"
)

// privacyFeeds connects the account's privacy pages to the provider's
// consents, the exchange's index and the audit log.
func privacyFeeds(h *identity.Handler, db *sqldb.DB, p *oidc.Provider, l *audit.Log) {
	h.Connections = connections{p}
	h.Accesses = accesses{index: &exchange.Index{DB: db}, members: &exchange.Store{DB: db}}
	h.Activity = activity{l: l, p: p, tenures: h.Service}
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

// Accesses names, in both languages, the agency that asked, the service
// it asked (by the title it was published with, and its provider) and
// what came of it; the machine names stay beside them.
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
	titles := map[string]web.Text{}
	out := make([]identity.Access, 0, len(list))
	for _, x := range list {
		who, ok := names[x.Member]
		if !ok {
			who = web.Text{Fa: x.Member, En: x.Member}
		}
		title, ok := titles[x.Service]
		if !ok {
			if title, err = a.serviceTitle(ctx, names, x.Service); err != nil {
				return nil, err
			}
			titles[x.Service] = title
		}
		out = append(out, identity.Access{At: x.At, Who: who, Client: x.Client, Service: x.Service, ServiceTitle: title,
			TrackingCode: x.TrackingCode, Status: x.Status, Result: accessResult(x.Status)})
	}
	return out, nil
}

// serviceTitle is a service's title and its provider's name, such as
// «استعلام هویت، سازمان ثبت احوال کشور»; empty for a service no longer
// published, which the page shows by its address alone.
func (a accesses) serviceTitle(ctx context.Context, names map[string]web.Text, service string) (web.Text, error) {
	id, err := nix.ParseService(service)
	if err != nil {
		return web.Text{}, nil
	}
	svc, err := a.members.Service(ctx, id)
	if errors.Is(err, sqldb.ErrNotFound) {
		return web.Text{}, nil
	} else if err != nil {
		return web.Text{}, fmt.Errorf("app: accesses: %w", err)
	}
	t := web.Text{Fa: svc.TitleFa, En: svc.TitleEn}
	if who, ok := names[id.MemberID()]; ok {
		t = web.Text{Fa: t.Fa + "، " + who.Fa, En: t.En + ", " + who.En}
	}
	return t, nil
}

// accessResult says what came of an inquiry, from the status the
// exchange recorded: the provider's answer, or the gateway's refusal.
func accessResult(status int) web.Text {
	switch {
	case 200 <= status && status < 400:
		return web.Text{Fa: "پاسخ داده شد", En: "Answered"}
	case status == 404:
		return web.Text{Fa: "یافت نشد", En: "Not found"}
	case status == 400 || status == 422:
		return web.Text{Fa: "اطلاعات نادرست بود یا جور نبود", En: "Invalid or mismatched details"}
	case 400 < status && status < 500:
		return web.Text{Fa: "رد شد", En: "Refused"}
	}
	return web.Text{Fa: "پاسخی نیامد", En: "Not answered"}
}

// activity is a person's security activity: the window's events about
// their login ID, and the single sign-on provider's events about their
// account (consents given, refused and withdrawn, logouts an agency
// started), which the provider records under the account's ID, the only
// name it has for the person. A legal person's account, whose login ID
// and ID pass from one signatory to the next, shows its current
// signatory's tenure alone.
type activity struct {
	l       *audit.Log
	p       *oidc.Provider
	tenures tenures
}

// tenures tells who signs for a legal person's account now, and since
// when.
type tenures interface {
	SignatoryTenure(ctx context.Context, accountID string) (identity.Tenure, error)
}

// agencyEvents are the provider's kinds shown to the person, each with
// its title around the agency's name.
var agencyEvents = map[audit.Kind]web.Text{
	"oidc.consent.grant":  {Fa: "اجازهٔ ارسال اطلاعات به %s", En: "Consent given to %s"},
	"oidc.consent.deny":   {Fa: "رد درخواست اجازهٔ %s", En: "Consent refused to %s"},
	"oidc.consent.revoke": {Fa: "لغو اجازهٔ ارسال اطلاعات به %s", En: "Consent withdrawn from %s"},
	"oidc.logout":         {Fa: "خروج به درخواست %s", En: "Logout started at %s"},
}

// someAgency stands for the agency of a logout that named none.
var someAgency = web.Text{Fa: "یک دستگاه", En: "an agency"}

func (a activity) Activity(ctx context.Context, loginID, accountID string, limit int) ([]identity.ActivityItem, error) {
	if limit <= 0 {
		limit = 20
	}
	limit = min(limit, 100)
	var t identity.Tenure
	if accountID != "" {
		var err error
		if t, err = a.tenures.SignatoryTenure(ctx, accountID); err != nil {
			return nil, err
		}
	}
	// A legal person's events are its current signatory's from their
	// tenure on, but for those another person caused: a former
	// signatory's, such as the ends of their sessions at the takeover, or
	// a login of theirs the takeover overtook. The window names a person
	// who acted by national code; the provider names the account.
	byOther := func(audit.Entry) bool { return false }
	if !t.Since.IsZero() {
		person, current := audit.ActorPerson(""), audit.ActorPerson(t.NationalCode)
		byOther = func(e audit.Entry) bool { return strings.HasPrefix(e.Actor, person) && e.Actor != current }
	}
	entries, err := a.list(ctx, audit.Filter{Subject: loginID, Since: t.Since, Limit: limit}, byOther)
	if err != nil {
		return nil, err
	}
	if accountID != "" {
		kinds := make([]audit.Kind, 0, len(agencyEvents))
		for k := range agencyEvents {
			kinds = append(kinds, k)
		}
		sso, err := a.l.List(ctx, audit.Filter{Subject: accountID, Kinds: kinds, Since: t.Since, Limit: limit})
		if err != nil {
			return nil, err
		}
		// Both pages are newest first; together they are the newest
		// limit events of either.
		entries = append(entries, sso.Entries...)
		slices.SortFunc(entries, func(x, y audit.Entry) int { return cmp.Compare(y.Seq, x.Seq) })
		entries = entries[:min(len(entries), limit)]
	}
	names := map[string]web.Text{}
	out := make([]identity.ActivityItem, 0, len(entries))
	for _, e := range entries {
		var what web.Text
		if title, ok := agencyEvents[e.Kind]; ok {
			who, err := a.agency(ctx, names, e.Details["client_id"])
			if err != nil {
				return nil, err
			}
			what = web.Text{Fa: fmt.Sprintf(title.Fa, who.Fa), En: fmt.Sprintf(title.En, who.En)}
		} else {
			what.Fa, what.En = e.Kind.Title()
		}
		out = append(out, identity.ActivityItem{At: e.Time, What: what, IP: e.IP, UserAgent: e.UserAgent})
	}
	return out, nil
}

// list returns the newest f.Limit entries f selects, leaving out those
// skip tells, newest first.
func (a activity) list(ctx context.Context, f audit.Filter, skip func(audit.Entry) bool) ([]audit.Entry, error) {
	var out []audit.Entry
	for {
		page, err := a.l.List(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, e := range page.Entries {
			if !skip(e) {
				out = append(out, e)
			}
		}
		if len(out) >= f.Limit || page.Next == "" {
			return out[:min(len(out), f.Limit)], nil
		}
		f.Cursor = page.Next
	}
}

// agency names a client as the person knows it, in quotation marks; a
// client since deleted is named by its ID. names caches the answers.
func (a activity) agency(ctx context.Context, names map[string]web.Text, clientID string) (web.Text, error) {
	if clientID == "" {
		return someAgency, nil
	}
	if n, ok := names[clientID]; ok {
		return n, nil
	}
	n := web.Text{Fa: clientID, En: clientID}
	c, err := a.p.Client(ctx, clientID)
	switch {
	case err == nil:
		n = web.Text{Fa: c.NameFa, En: c.NameEn}
	case !errors.Is(err, sqldb.ErrNotFound):
		return web.Text{}, fmt.Errorf("app: activity: %w", err)
	}
	n = web.Text{Fa: "«" + n.Fa + "»", En: "“" + n.En + "”"}
	names[clientID] = n
	return n, nil
}
