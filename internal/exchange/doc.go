// Package exchange is the national information exchange (NIX, layer 4):
// the gateway every exchange between agencies, the national window and the
// base registries passes through (B1). It keeps the registry of members,
// their subsystems and the services they publish, and the access rights
// that allow one client subsystem to call one service, optionally only some
// of its data items (B2). Everything is denied unless a right allows it.
//
// Members and subsystems are addressed as X-Road addresses them:
// INSTANCE/CLASS/MEMBER/SUBSYSTEM, e.g. IR/GOV/10380284790/civil, and a
// service as its subsystem followed by the service code.
package exchange
