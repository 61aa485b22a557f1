package app

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/panjereh/panjereh/internal/audit"
	"github.com/panjereh/panjereh/internal/identity/oidc"
	"github.com/panjereh/panjereh/internal/web"
)

// TestActivityShowsAgencyEvents: a person's security activity lists, with
// the window's own events, what they did at the single sign-on provider —
// consents given, refused and withdrawn, logouts an agency started — which
// the provider records under the account's ID, naming the agency; another
// account's events stay out.
func TestActivityShowsAgencyEvents(t *testing.T) {
	ctx := context.Background()
	cfg, db := demoSetup(t)
	log := slog.New(slog.DiscardHandler)
	a, err := openAccess(ctx, cfg, log, db, "https://127.0.0.1:1", false, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	p, err := openSSO(ctx, log, db, a, "http://127.0.0.1:1")
	if err != nil {
		t.Fatal(err)
	}
	privacyFeeds(a.handler, db, p, a.audit)

	const code, accountID = "0084575948", "acct-activity"
	now := time.Now().UTC()
	for _, acc := range [][2]string{{accountID, code}, {"acct-other", "0012345679"}} {
		if _, err := db.Write.ExecContext(ctx, `INSERT INTO identity_accounts (id, kind, login_id, national_code, legal_id,
			foreign_id, mobile, birth_date, first_name, last_name, father_name, gender, company_name, signatory_role, roles,
			source, created_at, updated_at) VALUES ($1, 'natural', $2, $2, '', '', '09121234567', '1991-04-20', 'مریم', 'احمدی',
			'علی', 'FEMALE', '', '', '', '{}', $3, $3)`, acc[0], acc[1], now); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := p.SaveClient(ctx, "overseer", &oidc.Client{ID: "tax", NameFa: "سازمان امور مالیاتی", NameEn: "Tax administration",
		RedirectURIs: []string{"https://tax.example.ir/cb"}, Scopes: []string{"openid", "profile"}, MaxACR: "loa1",
		AuthMethod: oidc.AuthSecretBasic, IDTokenAlg: "ES256"}, false); err != nil {
		t.Fatal(err)
	}

	// The window's own event, then the provider's as the provider
	// records them: the withdrawal through the provider itself, the
	// others (which need a browser at the consent and logout pages)
	// through the same adapter the provider records with. "gone" is a
	// client since deleted; the logout named no agency.
	record := func(e oidc.AuditEvent) {
		t.Helper()
		if err := (ssoAudit{a.audit}).Record(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.audit.Record(ctx, audit.Event{Kind: audit.KindLogin, Actor: audit.ActorPerson(code), Subject: code}); err != nil {
		t.Fatal(err)
	}
	record(oidc.AuditEvent{Kind: "oidc.consent.grant", Account: accountID, Subject: accountID, Details: map[string]string{"client_id": "tax"}})
	record(oidc.AuditEvent{Kind: "oidc.consent.deny", Account: accountID, Subject: accountID, Details: map[string]string{"client_id": "gone"}})
	record(oidc.AuditEvent{Kind: "oidc.logout", Account: accountID, Subject: accountID, Details: map[string]string{"client_id": ""}})
	record(oidc.AuditEvent{Kind: "oidc.authorize", Account: accountID, Subject: "tax", Details: map[string]string{"client_id": "tax"}})
	record(oidc.AuditEvent{Kind: "oidc.consent.grant", Account: "acct-other", Subject: "acct-other", Details: map[string]string{"client_id": "tax"}})
	if err := p.RevokeConsent(ctx, accountID, "tax"); err != nil {
		t.Fatal(err)
	}

	items, err := a.handler.Activity.Activity(ctx, code, accountID, 100)
	if err != nil {
		t.Fatal(err)
	}
	var got []web.Text
	for _, it := range items {
		got = append(got, it.What)
	}
	want := []web.Text{
		{Fa: "لغو اجازهٔ ارسال اطلاعات به «سازمان امور مالیاتی»", En: "Consent withdrawn from “Tax administration”"},
		{Fa: "خروج به درخواست یک دستگاه", En: "Logout started at an agency"},
		{Fa: "رد درخواست اجازهٔ «gone»", En: "Consent refused to “gone”"},
		{Fa: "اجازهٔ ارسال اطلاعات به «سازمان امور مالیاتی»", En: "Consent given to “Tax administration”"},
		{Fa: "ورود", En: "Login"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("activity (-want +got):\n%s", diff)
	}

	// The limit holds across both sources, newest first.
	items, err = a.handler.Activity.Activity(ctx, code, accountID, 2)
	if err != nil || len(items) != 2 || items[0].What.En != want[0].En || items[1].What.En != want[1].En {
		t.Errorf("two newest = %+v, %v", items, err)
	}
}

// The provider's events name who acted as the audit log's actors do: a
// person by account, an agency by client, or the platform.
func TestSSOEventActors(t *testing.T) {
	for _, c := range []struct {
		e    oidc.AuditEvent
		want string
	}{
		{oidc.AuditEvent{Account: "acct-1", Subject: "acct-1"}, "account:acct-1"},
		{oidc.AuditEvent{Client: "tax", Subject: "acct-1"}, "client:tax"},
		{oidc.AuditEvent{Subject: "signing-keys"}, audit.ActorSystem},
	} {
		if got := ssoEvent(c.e).Actor; got != c.want {
			t.Errorf("actor of %+v = %q, want %q", c.e, got, c.want)
		}
	}
}
