// Package sqldb opens Panjereh's relational store and keeps the few
// differences between its two backends in one place.
//
// The embedded default is SQLite (modernc.org/sqlite, pure Go) in a file
// under ./data; at scale the same code runs on PostgreSQL through pgx. SQL is
// written once, in the subset both accept: $1..$n placeholders (which may be
// reused and appear out of order), RETURNING, ON CONFLICT, IDs generated in
// Go and times stored in UTC. Migrations are embedded and applied with goose;
// the few type names that differ are written as macros such as {{TIME}} and
// expanded per dialect before goose reads the files.
//
// On SQLite the store keeps a read pool and a single-connection writer that
// begins its transactions IMMEDIATE, so writers queue in Go instead of
// failing with SQLITE_BUSY.
package sqldb
