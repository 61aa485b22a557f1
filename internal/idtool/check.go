package idtool

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/panjereh/panjereh/internal/iran"
)

const checkUsage = `usage: panjereh ids check [--kind KIND] VALUE...

Validates each VALUE as an Iranian identifier and prints one line per value,
separated by tabs: the value, its kind, "valid" or "invalid", and the
normalised form or the reason (English / Persian). Without --kind the kind of
each value is guessed from its shape; "unknown" when it cannot be.

Kinds: ` + "%s" + `

Exit status: 0 when all values are valid, 1 when any is invalid, 2 for a
usage error.
`

// unknownKind is printed for a value whose kind cannot be guessed.
const unknownKind = "unknown"

// Check implements `panjereh ids check [--kind K] VALUE...`. args are the
// arguments after "check".
//
// It prints one line per value:
// VALUE<TAB>KIND<TAB>valid|invalid<TAB>reason-or-normalised-form, the reason
// in English then " / " then Persian. Without --kind it infers the kind with
// iran.InferKind (kind "unknown" and invalid when it cannot). It returns
// exit status 0 when all values are valid, 1 when any is invalid, and 2 on
// usage errors, which are printed to stderr with the usage. -h and --help
// print the usage to stdout.
func Check(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	kindName := fs.String("kind", "", "the `KIND` of every value; guessed from each value's shape when empty")
	usage := fmt.Sprintf(checkUsage, kindList())
	values, status, done := parseFlags(fs, usage, args, stdout, stderr)
	if done {
		return status
	}
	var kind iran.Kind
	if *kindName != "" {
		k, err := iran.ParseKind(*kindName)
		if err != nil {
			fmt.Fprintf(stderr, "check: %v\n\n", err)
			printUsage(fs, usage, stderr)
			return exitUsage
		}
		kind = k
	}
	if len(values) == 0 {
		fmt.Fprint(stderr, "check: no values given\n\n")
		printUsage(fs, usage, stderr)
		return exitUsage
	}

	w := bufio.NewWriter(stdout)
	status = exitOK
	for _, v := range values {
		k, ok := kind, kind != ""
		if !ok {
			k, ok = iran.InferKind(v)
		}
		shown := showValue(v)
		if !ok {
			status = exitInvalid
			fmt.Fprintf(w, "%s\t%s\tinvalid\t%s\n", shown, unknownKind,
				"cannot tell which kind of identifier this is; give it with --kind / "+
					"نوع شناسه را نمی‌توان تشخیص داد؛ آن را با ‎--kind‎ مشخص کنید.")
			continue
		}
		norm, err := iran.Normalize(k, v)
		if err != nil {
			status = exitInvalid
			fmt.Fprintf(w, "%s\t%s\tinvalid\t%s\n", shown, k, reason(err))
			continue
		}
		fmt.Fprintf(w, "%s\t%s\tvalid\t%s\n", shown, k, norm)
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintf(stderr, "check: %v\n", err)
		return exitUsage
	}
	return status
}

// showValue prints a value as given unless it contains a tab, a line break
// or another control character that would break the line format; then it
// is quoted.
func showValue(v string) string {
	if strings.IndexFunc(v, func(r rune) bool { return r < ' ' || r == 0x7f }) >= 0 {
		return strconv.Quote(v)
	}
	return v
}
