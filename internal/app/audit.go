package app

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/panjereh/panjereh/internal/audit"
	"github.com/panjereh/panjereh/internal/sqldb"
)

const auditUsage = `Usage: panjereh audit verify [--data-dir DIR] [--dsn DSN] [--key seal-pub.pem]...

Checks the audit log's hash chain and seals and names the first entry
altered, removed, inserted or reordered. It only reads: it never creates
or migrates a database.

The database is --dsn (PANJEREH_DSN), or else the SQLite file
DATA-DIR/panjereh.db, where DATA-DIR is --data-dir (PANJEREH_DATA_DIR,
default ./data). The seals' signatures are checked with every --key given,
or else with DATA-DIR/audit/seal-pub.pem when that file exists; with
neither, they are not checked, and the output says so. The output names
the key used.`

// auditTables are the tables a database holding an audit log has.
var auditTables = []string{"audit_entries", "audit_head", "audit_seals"}

// runAudit implements `panjereh audit verify`.
func runAudit(ctx context.Context, e env, args []string) int {
	if len(args) == 0 || args[0] != "verify" {
		fmt.Fprintln(e.stderr, auditUsage)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			return 0
		}
		return 2
	}
	var keyPaths []string
	cfg, pos, code, ok := parse(e, "audit verify", "", args[1:], func(fs *flag.FlagSet) {
		fs.Func("key", "public key of the audit seals (PEM); repeatable (default DATA-DIR/audit/seal-pub.pem when it exists)", func(path string) error {
			keyPaths = append(keyPaths, path)
			return nil
		})
		fs.Usage = func() {
			fmt.Fprintf(e.stderr, "%s\n\nFlags:\n", auditUsage)
			fs.PrintDefaults()
		}
	}, "data-dir", "dsn")
	if !ok {
		return code
	}
	if !noArgs(e, "audit verify", pos) {
		return 2
	}
	fail := func(code int, err error) int {
		fmt.Fprintf(e.stderr, "panjereh audit verify: %v\n", err)
		return code
	}

	// The keys come first: a mistyped --key is a usage error, found
	// before the database is touched.
	keySource := "--key"
	if len(keyPaths) == 0 {
		if p := filepath.Join(cfg.DataDir, "audit", "seal-pub.pem"); fileExists(p) {
			keyPaths, keySource = []string{p}, "the data directory"
		}
	}
	keys, err := loadAuditKeys(keyPaths)
	if err != nil {
		if keySource == "--key" {
			return fail(2, err)
		}
		return fail(1, err)
	}

	dsn := cfg.DatabaseDSN()
	db, err := openAuditLog(ctx, dsn)
	if err != nil {
		return fail(1, err)
	}
	defer db.Close()
	rep, err := audit.Verify(ctx, db, keys...)
	if err != nil {
		return fail(1, err)
	}

	sigs := fmt.Sprintf("signatures checked with %s (from %s)", strings.Join(keyPaths, ", "), keySource)
	if !rep.SignaturesChecked {
		sigs = fmt.Sprintf("signatures NOT checked: no --key and no %s", filepath.Join(cfg.DataDir, "audit", "seal-pub.pem"))
	}
	fmt.Fprintf(e.stdout, "%s: %d entries (seq %d..%d), %d seals, sealed up to %d\n%s\n",
		sqldb.Redact(dsn), rep.Entries, rep.FirstSeq, rep.LastSeq, rep.Seals, rep.LastSealed, sigs)
	if n := rep.Unsealed(); n > 0 {
		fmt.Fprintf(e.stdout, "note: the last %d entries are not sealed yet; a running node seals within seconds\n", n)
	}
	for _, p := range rep.Problems {
		fmt.Fprintf(e.stdout, "problem: %v\n", p)
	}
	if !rep.OK() {
		return 1
	}
	fmt.Fprintln(e.stdout, "ok")
	return 0
}

// loadAuditKeys reads the seals' public keys from PEM files.
func loadAuditKeys(paths []string) ([]*ecdsa.PublicKey, error) {
	var keys []*ecdsa.PublicKey
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("key: %w", err)
		}
		k, err := audit.ParsePublicKeyPEM(data)
		if err != nil {
			return nil, fmt.Errorf("key %s: %w", p, err)
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// openAuditLog opens the database at dsn for reading its audit log. Unlike
// openDB it neither creates nor migrates anything: a SQLite file must
// already exist, and a database without the audit tables is refused, so
// that a mistyped DSN or data directory is reported as such instead of
// verifying (or leaving behind) an empty database.
func openAuditLog(ctx context.Context, dsn string) (*sqldb.DB, error) {
	noLog := func(why string) error {
		return fmt.Errorf("no audit log at %s: %s (see --dsn and --data-dir)", sqldb.Redact(dsn), why)
	}
	if path, ok := strings.CutPrefix(dsn, "sqlite:"); ok {
		path, _, _ = strings.Cut(path, "?")
		// sqldb.Open creates a missing SQLite file, so look first.
		st, err := os.Stat(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return nil, noLog("the database file does not exist")
		case err != nil:
			return nil, err
		case !st.Mode().IsRegular():
			return nil, noLog("not a database file")
		}
	}
	db, err := sqldb.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	for _, table := range auditTables {
		has, err := db.HasTable(ctx, table)
		if err != nil {
			db.Close()
			return nil, err
		}
		if !has {
			db.Close()
			return nil, noLog("the database has no " + table + " table")
		}
	}
	return db, nil
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
