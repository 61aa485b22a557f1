package app

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/panjereh/panjereh/internal/config"
	"github.com/panjereh/panjereh/internal/exchange/pki"
)

const caUsage = `Usage:
  panjereh ca init [--instance IR]                      create the platform certificate authority
  panjereh ca issue --member IR/GOV/CODE --out DIR      issue a member certificate (member.crt, member.key, ca.crt)
  panjereh ca revoke (--member IR/GOV/CODE | --serial HEX) [--reason TEXT]
  panjereh ca list [--member IR/GOV/CODE]

The CA lives in --ca-dir (default DATA-DIR/ca). Issued certificates and
revocations are recorded in the database; the gateway enforces a
revocation within a second, without a restart.`

// caDir is where the CA lives unless --ca-dir says otherwise.
func caDir(cfg config.Config, flagged string) string {
	if flagged != "" {
		return flagged
	}
	return filepath.Join(cfg.DataDir, "ca")
}

func runCA(ctx context.Context, e env, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(e.stderr, caUsage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	var dir, instance, member, out, serial, reason string
	sub := args[0]
	cfg, pos, code, ok := parse(e, "ca "+sub, "", args[1:], func(fs *flag.FlagSet) {
		fs.StringVar(&dir, "ca-dir", "", "directory of the CA's key and certificate (default DATA-DIR/ca)")
		switch sub {
		case "init":
			fs.StringVar(&instance, "instance", "IR", "the federation instance the CA serves")
		case "issue":
			fs.StringVar(&member, "member", "", "the member, INSTANCE/CLASS/CODE (required)")
			fs.StringVar(&out, "out", "", "directory to write member.crt, member.key and ca.crt to (required)")
		case "revoke":
			fs.StringVar(&member, "member", "", "revoke every certificate of this member")
			fs.StringVar(&serial, "serial", "", "revoke the certificate with this serial")
			fs.StringVar(&reason, "reason", "unspecified", "why, for the record")
		case "list":
			fs.StringVar(&member, "member", "", "only this member's certificates")
		}
	}, "data-dir", "dsn", "log-level", "log-format")
	if !ok {
		return code
	}
	if !noArgs(e, "ca "+sub, pos) {
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintf(e.stderr, "panjereh ca %s: %v\n", sub, err)
		return 1
	}
	now := time.Now()
	switch sub {
	case "init":
		ca, err := pki.InitCA(caDir(cfg, dir), instance, now)
		if err != nil {
			return fail(err)
		}
		fmt.Fprintf(e.stdout, "created the %s certificate authority in %s (valid until %s)\n", ca.Instance, caDir(cfg, dir), ca.Cert.NotAfter.Format("2006-01-02"))
		return 0
	case "issue", "revoke", "list":
	default:
		fmt.Fprintf(e.stderr, "panjereh ca: unknown subcommand %q\n\n%s\n", sub, caUsage)
		return 2
	}
	db, err := openDB(ctx, cfg, newLogger(cfg, e.stderr))
	if err != nil {
		return fail(err)
	}
	defer db.Close()
	store := &pki.Store{DB: db}
	switch sub {
	case "issue":
		if member == "" || out == "" {
			fmt.Fprintf(e.stderr, "panjereh ca issue: --member and --out are required\n\n%s\n", caUsage)
			return 2
		}
		if err := issueMember(ctx, store, caDir(cfg, dir), member, out, now); err != nil {
			return fail(err)
		}
		fmt.Fprintf(e.stdout, "issued a certificate for %s in %s (member.crt, member.key, ca.crt)\n", member, out)
	case "revoke":
		target := serial
		if (member == "") == (serial == "") {
			fmt.Fprintf(e.stderr, "panjereh ca revoke: give exactly one of --member and --serial\n\n%s\n", caUsage)
			return 2
		}
		if member != "" {
			target = member
		}
		n, err := store.Revoke(ctx, target, reason, now)
		if err != nil {
			return fail(err)
		}
		fmt.Fprintf(e.stdout, "revoked %d certificate(s) of %s\n", n, target)
	case "list":
		var id pki.MemberID
		if member != "" {
			if id, err = pki.ParseMemberID(member); err != nil {
				return fail(err)
			}
		}
		certs, err := store.List(ctx, id)
		if err != nil {
			return fail(err)
		}
		for _, c := range certs {
			state := "valid"
			if c.Revoked() {
				state = "revoked " + c.RevokedAt.Format(time.RFC3339) + " (" + c.RevokeReason + ")"
			} else if now.After(c.NotAfter) {
				state = "expired"
			}
			fmt.Fprintf(e.stdout, "%s\t%s\t%s\t%s\n", c.Serial, c.Member, c.NotAfter.Format("2006-01-02"), state)
		}
	}
	return 0
}

// issueMember issues and records a member certificate and writes its files.
func issueMember(ctx context.Context, store *pki.Store, dir, member, out string, now time.Time) error {
	id, err := pki.ParseMemberID(member)
	if err != nil {
		return err
	}
	ca, err := pki.LoadCA(dir)
	if err != nil {
		return err
	}
	certPEM, keyPEM, _, err := ca.IssueMember(id, now)
	if err != nil {
		return err
	}
	if _, err := store.RecordIssued(ctx, certPEM, now); err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o750); err != nil {
		return err
	}
	return pki.WriteMemberFiles(out, certPEM, keyPEM, ca.CertPEM)
}
