package agency

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// Cookie names. They differ from the national window's, because in the
// demo both sites are on 127.0.0.1 and browsers share cookies across
// ports.
const (
	sessionCookie = "agency_session"
	loginCookie   = "agency_login"
)

func (a *Agency) cookieName(name string) string {
	if a.secure {
		return "__Host-" + name
	}
	return name
}

// setCookie writes an HttpOnly cookie. SameSite=Lax lets it come back on
// the provider's top-level redirect to the callback. maxAge 0 makes a
// browser-session cookie; negative deletes it.
func (a *Agency) setCookie(w http.ResponseWriter, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: a.cookieName(name), Value: value, Path: "/", HttpOnly: true,
		Secure: a.secure, SameSite: http.SameSiteLaxMode, MaxAge: maxAge})
}

func (a *Agency) cookie(r *http.Request, name string) string {
	c, err := r.Cookie(a.cookieName(name))
	if err != nil {
		return ""
	}
	return c.Value
}

// current returns the request's session, if it has a valid one.
func (a *Agency) current(r *http.Request) (*session, bool) {
	id := a.cookie(r, sessionCookie)
	if id == "" {
		return nil, false
	}
	return a.store.session(id)
}

// login is the «ورود از طریق دولت من» button: it remembers a fresh
// state, nonce and PKCE verifier for this browser and sends it to the
// provider's authorization endpoint.
func (a *Agency) login(w http.ResponseWriter, r *http.Request) {
	rp, err := a.discover(r.Context())
	if err != nil {
		a.log.WarnContext(r.Context(), "agency: login", "err", err)
		a.problem(w, r, http.StatusServiceUnavailable, "problem.unreachable")
		return
	}
	p := pendingLogin{State: randomID(), Nonce: randomID(), Verifier: oauth2.GenerateVerifier(),
		Return: safeReturn(r.URL.Query().Get("return"))}
	a.setCookie(w, loginCookie, a.store.addPending(p), int(pendingLifetime/time.Second))
	u := rp.oauth.AuthCodeURL(p.State, oauth2.S256ChallengeOption(p.Verifier), gooidc.Nonce(p.Nonce))
	http.Redirect(w, r, u, http.StatusFound)
}

// safeReturn keeps only the agency's own pages as places to return to.
func safeReturn(s string) string {
	switch s {
	case PathMe, PathLicences:
		return s
	}
	return PathMe
}

// callbackPage is where the provider sends the browser back. It checks
// the state against the login this browser started, exchanges the code
// with the PKCE verifier (authenticating with client_secret_basic),
// verifies the ID token and its nonce, reads userinfo and begins a
// session.
func (a *Agency) callbackPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	key := a.cookie(r, loginCookie)
	a.setCookie(w, loginCookie, "", -1)
	p, ok := a.store.takePending(key)
	if !ok || key == "" || q.Get("state") == "" || q.Get("state") != p.State {
		a.log.WarnContext(ctx, "agency: callback without a matching login", "has_cookie", key != "", "pending", ok)
		a.problem(w, r, http.StatusBadRequest, "problem.state")
		return
	}
	rp, err := a.discover(ctx)
	if err != nil {
		a.log.WarnContext(ctx, "agency: callback", "err", err)
		a.problem(w, r, http.StatusServiceUnavailable, "problem.unreachable")
		return
	}
	// RFC 9207: the provider names itself, so that a response from
	// another provider cannot be passed off as its own.
	if iss := q.Get("iss"); iss != "" && iss != a.cfg.Issuer {
		a.log.WarnContext(ctx, "agency: callback from another issuer", "iss", iss)
		a.problem(w, r, http.StatusBadRequest, "problem.state")
		return
	}
	if e := q.Get("error"); e != "" {
		a.log.InfoContext(ctx, "agency: the provider refused the login", "error", e, "description", q.Get("error_description"))
		switch e {
		case "access_denied":
			a.problem(w, r, http.StatusForbidden, "problem.denied")
		case "unmet_authentication_requirements":
			a.problem(w, r, http.StatusForbidden, "problem.assurance")
		default:
			a.problem(w, r, http.StatusBadGateway, "problem.login")
		}
		return
	}
	sess, err := a.finishLogin(a.withClient(ctx), rp, q.Get("code"), p)
	if err != nil {
		a.log.ErrorContext(ctx, "agency: login", "err", err)
		a.problem(w, r, http.StatusBadGateway, "problem.login")
		return
	}
	// A fresh session ID on every login, so that an ID planted before
	// login is worth nothing.
	if old := a.cookie(r, sessionCookie); old != "" {
		a.store.end(old)
	}
	a.store.addSession(sess, a.cfg.SessionLifetime)
	a.setCookie(w, sessionCookie, sess.ID, 0)
	a.log.InfoContext(ctx, "agency: login", "sub", sess.Subject, "acr", sess.ACR)
	http.Redirect(w, r, p.Return, http.StatusSeeOther)
}

// finishLogin exchanges the code and checks what came back.
func (a *Agency) finishLogin(ctx context.Context, rp *relyingParty, code string, p pendingLogin) (*session, error) {
	tok, err := rp.oauth.Exchange(ctx, code, oauth2.VerifierOption(p.Verifier))
	if err != nil {
		return nil, fmt.Errorf("agency: exchange code: %w", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, errors.New("agency: the token response has no ID token")
	}
	idt, err := rp.verifier.Verify(ctx, raw)
	if err != nil {
		return nil, fmt.Errorf("agency: verify ID token: %w", err)
	}
	if idt.Nonce != p.Nonce {
		return nil, errors.New("agency: the ID token's nonce is not this login's")
	}
	if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
		return nil, fmt.Errorf("agency: at_hash: %w", err)
	}
	var c struct {
		SID      string   `json:"sid"`
		ACR      string   `json:"acr"`
		AMR      []string `json:"amr"`
		AuthTime int64    `json:"auth_time"`
	}
	claims := map[string]any{}
	if err := idt.Claims(&c); err != nil {
		return nil, fmt.Errorf("agency: ID token claims: %w", err)
	}
	if err := idt.Claims(&claims); err != nil {
		return nil, fmt.Errorf("agency: ID token claims: %w", err)
	}
	sess := &session{Subject: idt.Subject, SID: c.SID, IDToken: raw, ACR: c.ACR, AMR: c.AMR,
		AuthTime: time.Unix(c.AuthTime, 0), Claims: claims}
	// Userinfo is optional here: the ID token already carries the
	// attributes. The agency shows both answers to its developers.
	if ui, err := rp.provider.UserInfo(ctx, oauth2.StaticTokenSource(tok)); err != nil {
		a.log.WarnContext(ctx, "agency: userinfo", "err", err)
	} else if ui.Subject != idt.Subject {
		return nil, errors.New("agency: userinfo is about another subject than the ID token")
	} else {
		_ = ui.Claims(&sess.UserInfo)
	}
	if compat, err := a.compatUserinfo(ctx, tok.AccessToken); err != nil {
		a.log.WarnContext(ctx, "agency: compatibility userinfo", "err", err)
	} else {
		sess.Compat = compat
	}
	return sess, nil
}

// compatPath is the national SSO's own userinfo, with the field names
// its existing relying parties read (nationalId, firstName, ...). It is
// not in the discovery document.
const compatPath = "/api/v1/user/userinfo"

func (a *Agency) compatUserinfo(ctx context.Context, accessToken string) (map[string]any, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.cfg.Issuer+compatPath, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+accessToken)
	resp, err := a.cfg.HTTPClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %d: %.200s", resp.StatusCode, strings.TrimSpace(string(body)))
	}
	out := map[string]any{}
	if err := json.Unmarshal(body, &out); err != nil {
		return nil, err
	}
	return out, nil
}
