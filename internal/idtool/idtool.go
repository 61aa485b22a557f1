package idtool

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/panjereh/panjereh/internal/iran"
)

// Exit statuses shared by the subcommands.
const (
	exitOK      = 0 // every value was valid
	exitInvalid = 1 // some value was invalid
	exitUsage   = 2 // bad arguments, or input that could not be read
)

const mainUsage = `usage: panjereh ids COMMAND [ARGS]

Check and clean Iranian identifiers.

Commands:
  check   validate values given as arguments
  clean   normalise identifier columns of a CSV file

Run "panjereh ids COMMAND --help" for the flags of a command.
`

// Main implements `panjereh ids COMMAND ...`; args are the arguments after
// "ids". It dispatches to Check and Clean and returns the exit status.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, mainUsage)
		return exitUsage
	}
	switch args[0] {
	case "check":
		return Check(args[1:], stdout, stderr)
	case "clean":
		return Clean(args[1:], stdin, stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, mainUsage)
		return exitOK
	}
	fmt.Fprintf(stderr, "ids: unknown command %q\n\n%s", args[0], mainUsage)
	return exitUsage
}

// kindList names the identifier kinds for usage texts.
func kindList() string {
	var names []string
	for _, k := range iran.Kinds() {
		names = append(names, string(k))
	}
	return strings.Join(names, ", ")
}

// parseFlags parses args with fs, allowing flags after the positional
// arguments ("check 0912… --kind mobile"), and returns the positional
// arguments. On -h it prints usage and the flags to stdout; on an error
// flag has already reported, it adds the usage on stderr. done is true when
// the caller should return status at once.
func parseFlags(fs *flag.FlagSet, usage string, args []string, stdout, stderr io.Writer) (positional []string, status int, done bool) {
	fs.SetOutput(stderr)
	fs.Usage = func() {}
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				printUsage(fs, usage, stdout)
				return nil, exitOK, true
			}
			fmt.Fprintln(stderr)
			printUsage(fs, usage, stderr)
			return nil, exitUsage, true
		}
		rest := fs.Args()
		// A "--" ends the flags for good.
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(positional, rest...), exitOK, false
		}
		if len(rest) == 0 {
			return positional, exitOK, false
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

func printUsage(fs *flag.FlagSet, usage string, w io.Writer) {
	fmt.Fprint(w, usage)
	fmt.Fprintln(w, "\nFlags:")
	out := fs.Output()
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(out)
}

// reason formats a rejection for the terminal: English, then Persian.
func reason(err error) string {
	var ve *iran.ValidationError
	if errors.As(err, &ve) {
		return ve.En + " / " + ve.Fa
	}
	return err.Error()
}
