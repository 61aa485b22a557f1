package oidc_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// TestConsentEventsNameThePerson: consents given, refused and withdrawn,
// and a logout an agency started, are about the person, so the audit log
// has them under the person's account as subject (which the person's
// security activity lists), with the agency in the details.
func TestConsentEventsNameThePerson(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	r := e.rp("agency", e.secretFor(t), "profile")
	b := e.browser()
	tok, _ := e.login(r, b)
	q := url.Values{"id_token_hint": {tok.Extra("id_token").(string)}}
	resp, err := b.Get(e.url + "/oauth2/logout?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := e.p.RevokeConsent(ctx, persona, "agency"); err != nil {
		t.Fatal(err)
	}
	// Asked again after the withdrawal, the person refuses.
	b = e.browser()
	resp, err = b.Get(r.cfg.AuthCodeURL("st-2", oauth2.S256ChallengeOption(oauth2.GenerateVerifier())))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `action="/oauth2/consent"`) {
		t.Fatalf("no consent page after the withdrawal: %.300s", body)
	}
	resp, err = b.PostForm(e.url+"/oauth2/consent", url.Values{"csrf_token": {csrfRE.FindStringSubmatch(string(body))[1]},
		"id": {idRE.FindStringSubmatch(string(body))[1]}, "decision": {"deny"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	seen := map[string]bool{}
	for _, ev := range e.audit.since(0) {
		switch ev.Kind {
		case "oidc.consent.grant", "oidc.consent.deny", "oidc.consent.revoke", "oidc.logout":
			seen[ev.Kind] = true
			if ev.Account != persona || ev.Subject != persona || ev.Details["client_id"] != "agency" {
				t.Errorf("%s: actor %q, subject %q, details %v; want the person as both and the agency in client_id",
					ev.Kind, ev.Account, ev.Subject, ev.Details)
			}
		}
	}
	if len(seen) != 4 {
		t.Errorf("recorded %v, want each of the four", seen)
	}
	if resp.StatusCode != http.StatusFound && resp.StatusCode != http.StatusOK {
		t.Errorf("refusal answered %d", resp.StatusCode)
	}
}

// TestRevokeConsentLogsOut: withdrawing an agency's consent also queues,
// in the same commit, one back-channel logout token for the person
// without a sid, which ends every session the agency has for them; a
// second withdrawal, with nothing left to withdraw, sends nothing.
func TestRevokeConsentLogsOut(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c, _ := e.p.Client(ctx, "agency")
	c.BackchannelURI = "http://127.0.0.1:9/backchannel"
	e.client(c)
	r := e.rp("agency", e.secretFor(t), "profile")
	e.login(r, e.browser())

	if err := e.p.RevokeConsent(ctx, persona, "agency"); err != nil {
		t.Fatal(err)
	}
	var client, uri, token string
	rows, err := e.db.Read.QueryContext(ctx, `SELECT client_id, uri, token FROM oidc_logout_deliveries`)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		n++
		if err := rows.Scan(&client, &uri, &token); err != nil {
			t.Fatal(err)
		}
	}
	rows.Close()
	if n != 1 || client != "agency" || uri != c.BackchannelURI {
		t.Fatalf("%d deliveries, the last to %q at %q; want one to the agency's back-channel URI", n, client, uri)
	}
	payload, err := gooidc.NewRemoteKeySet(ctx, e.url+"/oauth2/jwks").VerifySignature(ctx, token)
	if err != nil {
		t.Fatalf("logout token signature: %v", err)
	}
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	events, _ := claims["events"].(map[string]any)
	if claims["iss"] != e.url || claims["aud"] != "agency" || claims["sub"] != persona || claims["jti"] == nil ||
		events["http://schemas.openid.net/event/backchannel-logout"] == nil {
		t.Errorf("logout token claims = %v", claims)
	}
	if _, ok := claims["sid"]; ok {
		t.Errorf("the logout token names a session (%v); it must end all of the person's", claims["sid"])
	}

	if err := e.p.RevokeConsent(ctx, persona, "agency"); err != nil {
		t.Fatal(err)
	}
	if got := e.count(t, "oidc_logout_deliveries"); got != 1 {
		t.Errorf("after a second withdrawal %d deliveries, want still 1", got)
	}
}
