package audit

import (
	"context"
	"crypto/ecdsa"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/panjereh/panjereh/internal/sqldb"
)

// VerifyMain implements
//
//	panjereh audit verify --dsn DSN [--key audit-pub.pem]...
//
// It prints a summary, every problem found and "ok" when there is none.
// The exit code is 0 when the chain verifies, 1 on a problem or when the
// database cannot be read, 2 on a usage error. --key may be given more
// than once, for seals made with a key that has since been replaced.
func VerifyMain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dsn := fs.String("dsn", "", "database holding the audit log (postgres://... or sqlite:PATH)")
	var keys []*ecdsa.PublicKey
	fs.Func("key", "public key of the audit seals (PEM); repeatable; without it signatures are not checked", func(path string) error {
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		k, err := ParsePublicKeyPEM(data)
		if err != nil {
			return err
		}
		keys = append(keys, k)
		return nil
	})
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: panjereh audit verify --dsn DSN [--key audit-pub.pem]...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *dsn == "" || fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	db, err := sqldb.Open(ctx, *dsn)
	if err != nil {
		fmt.Fprintf(stderr, "audit verify: %v\n", err)
		return 1
	}
	defer db.Close()
	rep, err := Verify(ctx, db, keys...)
	if err != nil {
		fmt.Fprintf(stderr, "audit verify: %v\n", err)
		return 1
	}
	sigs := "signatures checked"
	if !rep.SignaturesChecked {
		sigs = "signatures NOT checked (no --key)"
	}
	fmt.Fprintf(stdout, "%d entries (seq %d..%d), %d seals, sealed up to %d; %s\n",
		rep.Entries, rep.FirstSeq, rep.LastSeq, rep.Seals, rep.LastSealed, sigs)
	if n := rep.Unsealed(); n > 0 {
		fmt.Fprintf(stdout, "note: the last %d entries are not sealed yet; a running node seals within seconds\n", n)
	}
	for _, p := range rep.Problems {
		fmt.Fprintf(stdout, "problem: %v\n", p)
	}
	if !rep.OK() {
		return 1
	}
	fmt.Fprintln(stdout, "ok")
	return 0
}
