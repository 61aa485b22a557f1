// Package pki is the certificate authority of the national information
// exchange (NIX) and the gateway's authentication of its callers.
//
// The platform runs one CA per instance (IR). It issues each member a
// client certificate whose identity is stated twice, so that it cannot be
// misread: in the Subject as C=<instance>, O=<class>, CN=<member code>,
// and in a URI SAN nix:member:<instance>/<class>/<member code>. The
// gateway accepts a caller only when both agree.
//
// Issued certificates are recorded in the database (table
// nix_certificates). Revocation is a row update that any process may make,
// such as the command line; the gateway's RevocationCache reloads the
// revoked serials at most every second by default, so a revocation is in
// force within that interval without a restart.
//
// The gateway's TLS configuration requests but does not require a client
// certificate: the handshake always completes and the HTTP layer answers
// a missing, foreign, expired or revoked certificate with a 401
// problem+json in Persian and English (see Authenticator and ProblemFor)
// instead of a bare handshake failure that tells the caller nothing.
package pki
