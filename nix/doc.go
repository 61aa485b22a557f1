// Package nix is what an agency's Go code needs to call services through
// the national information exchange: the identifiers of members,
// subsystems and services and their parsing, the exchange's headers, and
// a client that loads the member certificate, sets the headers (calling
// subsystem, end user, assurance level, data subject, tracking code) and
// turns the gateway's problem answers into typed errors. It depends on
// nothing but the standard library, so that an agency's program does not
// carry the gateway with it.
package nix
