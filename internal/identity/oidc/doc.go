// Package oidc is the national OpenID Connect provider: single sign-on
// from the national window into every agency window (requirements A4-A7,
// K3). It is built on zitadel/oidc's op package and serves, at paths that
// mirror the national SSO, discovery, the authorization endpoint with its
// login bridge and consent page, the token endpoint (authorization code
// with PKCE, rotating refresh tokens with reuse detection,
// client_credentials), JWKS, userinfo (standard and the compatibility
// /api/v1/user/userinfo), revocation, introspection, RP-initiated logout
// and back-channel logout. Agencies are registered as clients at a
// console for overseers.
//
// The provider keeps its state in the database (sqldb), so several nodes
// share clients, signing keys, codes and tokens. A pending authorization
// request is the exception: it travels sealed in the browser's URL
// (Options.RequestKey, the same on every node), and its grant is written
// only when the person approves it, or when the request is ended because
// its client has been disabled. It does not log people in itself:
// Sessions, implemented by package identity, says who is logged in at the
// window and where to send a browser to log in.
package oidc
