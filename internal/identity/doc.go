// Package identity is the national window's access layer (layer 2, A1–A9):
// registration of natural persons, legal persons and foreign nationals
// checked against the base registries through the exchange, login with an
// SMS one-time code sent from 4040 to the verified mobile only, browser
// sessions whose lifetime fits the service in use, and the account pages
// where a person sees their profile, their sessions and the agencies they
// let in.
//
// Rate limits, attempt counters and sessions live in the database, so they
// survive a restart and hold across every node. One-time codes are kept
// only as a keyed hash and compared in constant time. Every registration,
// login, failed attempt, code sent and logout goes to the audit log,
// without secrets.
package identity
