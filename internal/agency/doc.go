// Package agency is a reference agency window: the small website of a
// demo agency (the traffic police's services, «سامانهٔ خدمات راهنمایی و
// رانندگی») that joins the national platform exactly as a real agency
// would. It logs people in with «ورود از طریق دولت من» through the
// national OpenID Connect provider using standard relying-party libraries
// (golang.org/x/oauth2 and github.com/coreos/go-oidc/v3: authorization
// code with PKCE, state and nonce, client_secret_basic), shows the
// attributes the provider released and the assurance level, calls the
// police registry through the national exchange on the person's behalf,
// and logs out through the provider's end-session endpoint and its
// back-channel logout.
//
// It talks to the provider only over HTTP, never through the provider's
// Go package, so that it shows everything an agency's developer has to
// do. Its sessions are kept in memory, which suits a reference app on one
// node; an agency running several nodes keeps them in a shared store.
package agency
