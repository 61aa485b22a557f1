package msglog

import (
	"crypto/ecdsa"

	"flag"
	"fmt"
	"io"
	"os"
)

// VerifyMain implements
//
//	panjereh exchange verify-log [--key gateway-pub.pem] [--allow-pruned] PATH...
//
// where a PATH is a segment file or a directory of them. It prints a
// summary line, any warnings, and "ok" or the first problem. The exit code
// is 0 when the log verifies, 1 on a problem or read failure, 2 on a usage
// error.
func VerifyMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("verify-log", flag.ContinueOnError)
	fs.SetOutput(stderr)
	keyPath := fs.String("key", "", "gateway public key or certificate (PEM); without it seal signatures are not checked")
	allowPruned := fs.Bool("allow-pruned", false, "accept a log whose oldest archives were deleted by retention")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: panjereh exchange verify-log [--key gateway-pub.pem] [--allow-pruned] PATH...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	var pub *ecdsa.PublicKey
	if *keyPath != "" {
		data, err := os.ReadFile(*keyPath)
		if err == nil {
			pub, err = LoadPublicKeyPEM(data)
		}
		if err != nil {
			fmt.Fprintf(stderr, "verify-log: key: %v\n", err)
			return 2
		}
	}
	for _, p := range fs.Args() {
		if _, err := os.Stat(p); err != nil {
			fmt.Fprintf(stderr, "verify-log: %v\n", err)
			return 2
		}
	}
	rep, err := Verify(fs.Args(), pub, VerifyOptions{AllowPrunedPrefix: *allowPruned})
	if err != nil {
		fmt.Fprintf(stderr, "verify-log: %v\n", err)
		return 1
	}
	sigs := "signatures checked"
	if pub == nil {
		sigs = "signatures NOT checked (no --key)"
	}
	fmt.Fprintf(stdout, "%d files, %d records (seq %d..%d), %d seals; %s\n", rep.Files, rep.Records, rep.FirstSeq, rep.LastSeq, rep.Seals, sigs)
	for _, w := range rep.Warnings {
		fmt.Fprintf(stdout, "warning: %v\n", &w)
	}
	if rep.Problem != nil {
		fmt.Fprintf(stdout, "problem: %v\n", rep.Problem)
		return 1
	}
	if rep.Files == 0 {
		fmt.Fprintln(stdout, "problem: no segment files found")
		return 1
	}
	fmt.Fprintln(stdout, "ok")
	return 0
}
