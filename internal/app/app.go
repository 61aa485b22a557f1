package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"runtime/debug"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/panjereh/panjereh/internal/config"
	"github.com/panjereh/panjereh/internal/exchange/pki"
	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/internal/web"
)

// env is what every subcommand gets from the process.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

type command struct {
	summary string
	run     func(ctx context.Context, e env, args []string) int
}

func commands() map[string]command {
	return map[string]command{
		"demo":     {"run everything on loopback with the embedded database and synthetic registries", runDemo},
		"serve":    {"serve the window and/or the registries with the configured database", runServe},
		"migrate":  {"apply database migrations, or show their status", runMigrate},
		"seed":     {"fill the simulated base registries with synthetic people and companies", runSeed},
		"ids":      {"check and clean Iranian identifiers (national code, legal ID, postal code, mobile, Sheba)", runIDs},
		"bench":    {"measure registry lookups under load and print the numbers", runBench},
		"version":  {"print the version", runVersion},
		"ca":       {"manage the exchange's certificate authority: init, issue, revoke, list", runCA},
		"exchange": {"the information exchange: verify-log, grant, revoke, rights, publish-registries", runExchange},
		"audit":    {"verify the tamper-evident audit log", runAudit},
	}
}

// Main runs the panjereh command line and returns its exit status.
func Main(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := commands()[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "panjereh: unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	return cmd.run(ctx, e, args[1:])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "panjereh — national window of smart government services (پنجره ملی خدمات دولت هوشمند)")
	fmt.Fprintln(w, "\nUsage: panjereh COMMAND [flags]\n\nCommands:")
	cmds := commands()
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'panjereh COMMAND -h' for a command's flags. Every flag can also be set")
	fmt.Fprintln(w, "by a PANJEREH_* environment variable, e.g. --registry-addr as PANJEREH_REGISTRY_ADDR.")
}

// parse binds the named configuration options and any extra flags the
// command name (with its subcommand, if any: "ca issue") adds, parses args (flags may follow positional arguments, up to
// a "--"), and validates. It returns the positional arguments, or prints
// what went wrong and returns ok=false with the exit status to use.
//
// A flag's bad value does not stop the parse: it is listed with the
// environment's and Validate's problems, so that an operator sees every
// problem at once, with a pointer to -h rather than the whole usage.
func parse(e env, name, synopsis string, args []string, extra func(fs *flag.FlagSet), options ...string) (cfg config.Config, positional []string, code int, ok bool) {
	cfg = config.Default()
	fs := flag.NewFlagSet("panjereh "+name, flag.ContinueOnError)
	fs.Usage = func() {
		// A subcommand's name ("ca issue") has its command's summary.
		fmt.Fprintf(e.stderr, "Usage: panjereh %s\n\n%s\n\nFlags:\n", strings.TrimSpace(name+" "+synopsis), commands()[strings.Fields(name)[0]].summary)
		fs.PrintDefaults()
	}
	envErr := cfg.Bind(fs, e.getenv, options...)
	if extra != nil {
		extra(fs)
	}
	// The flag package prints a parse error and the usage itself; both
	// are printed here instead, the usage only when asked for.
	help := fs.Usage
	fs.Usage = func() {}
	fs.SetOutput(io.Discard)
	var flagErrs []error
	fs.VisitAll(func(f *flag.Flag) { f.Value = &collectedValue{Value: f.Value, name: f.Name, errs: &flagErrs} })
	var stopped error
	for rest := args; ; {
		if err := fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				// PrintDefaults tells a default from the zero value of
				// the flag's own type.
				fs.VisitAll(func(f *flag.Flag) { f.Value = f.Value.(*collectedValue).Value })
				fs.SetOutput(e.stderr)
				help()
				return cfg, nil, 0, false
			}
			// An unknown flag or a missing value leaves the words after
			// it unclear (a value or an argument?), so parsing stops.
			stopped = err
			if slices.ContainsFunc(fs.Args(), func(a string) bool { return strings.HasPrefix(a, "-") }) {
				stopped = fmt.Errorf("%w (the flags after it were not read)", err)
			}
			break
		}
		left := fs.Args()
		if len(left) == 0 {
			break
		}
		if n := len(rest) - len(left); n > 0 && rest[n-1] == "--" {
			positional = append(positional, left...)
			break
		}
		positional, rest = append(positional, left[0]), left[1:]
	}
	problems := errors.Join(envErr, errors.Join(flagErrs...))
	if stopped != nil {
		// Validate would judge settings that the unread flags may set.
		problems = errors.Join(problems, stopped)
	} else {
		problems = errors.Join(problems, cfg.Validate(), memberProblems(cfg))
	}
	if problems != nil {
		cmd := name
		fmt.Fprintf(e.stderr, "panjereh %s: invalid configuration:\n", cmd)
		for _, line := range strings.Split(problems.Error(), "\n") {
			fmt.Fprintf(e.stderr, "  - %s\n", line)
		}
		fmt.Fprintf(e.stderr, "Run `panjereh %s -h` for the settings.\n", cmd)
		return cfg, nil, 2, false
	}
	return cfg, positional, 0, true
}

// memberProblems checks the settings that name exchange members as the
// exchange's certificates name them (pki.ParseMemberID): a member of
// another form, such as IR/gov/x, could never match a certificate.
// Config checks only their shape (INSTANCE/CLASS/CODE), as it may not
// import the exchange; values of the wrong shape are its to report.
func memberProblems(cfg config.Config) error {
	var errs []error
	check := func(setting, m string) {
		if !config.IsMember(m) {
			return
		}
		if _, err := pki.ParseMemberID(m); err != nil {
			errs = append(errs, fmt.Errorf("%s: %v", setting, err))
		}
	}
	check("platform-member", cfg.PlatformMember)
	for _, m := range cfg.ExchangeMonitors {
		check("exchange-monitors", m)
	}
	return errors.Join(errs...)
}

// collectedValue is a flag whose bad value is added to errs instead of
// ending the parse.
type collectedValue struct {
	flag.Value
	name string
	errs *[]error
}

func (v *collectedValue) Set(s string) error {
	err := v.Value.Set(s)
	switch {
	case err == nil:
		return nil
	case v.IsBoolFlag():
		err = fmt.Errorf("%q is not true or false", s)
	case !strings.Contains(err.Error(), strconv.Quote(s)):
		// The flag package's own values say only "parse error".
		err = fmt.Errorf("%q: %w", s, err)
	}
	*v.errs = append(*v.errs, fmt.Errorf("--%s: %w", v.name, err))
	return nil
}

func (v *collectedValue) String() string {
	if v == nil || v.Value == nil {
		return ""
	}
	return v.Value.String()
}

// IsBoolFlag keeps a boolean flag one that takes no value.
func (v *collectedValue) IsBoolFlag() bool {
	b, ok := v.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// newLogger builds the process's logger from the configuration.
// Durations are written as Go writes them ("1.5s"), in JSON too, where
// slog would write whole nanoseconds.
func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.Level(), ReplaceAttr: durationText}
	var h slog.Handler = slog.NewTextHandler(w, opts)
	if cfg.LogFormat == "json" {
		h = slog.NewJSONHandler(w, opts)
	}
	// Lines logged with a request's context carry its ID and attributes.
	return slog.New(web.NewContextHandler(h))
}

// durationText writes a duration attribute as its Go text. The handlers
// call it for every attribute inside groups too.
func durationText(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() == slog.KindDuration {
		a.Value = slog.StringValue(a.Value.Duration().String())
	}
	return a
}

// openDB opens and migrates the configured database.
func openDB(ctx context.Context, cfg config.Config, log *slog.Logger) (*sqldb.DB, error) {
	return openCheckedDB(ctx, cfg, log, nil)
}

// openCheckedDB is openDB that first runs check, when set, on the
// database as it was found: a check that fails refuses the start before
// anything is migrated.
func openCheckedDB(ctx context.Context, cfg config.Config, log *slog.Logger, check func(context.Context, *sqldb.DB) error) (*sqldb.DB, error) {
	db, err := sqldb.Open(ctx, cfg.DatabaseDSN())
	if err != nil {
		return nil, err
	}
	if check != nil {
		if err := check(ctx, db); err != nil {
			db.Close()
			return nil, err
		}
	}
	if _, err := db.Migrate(ctx, log); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// Version returns the module version and VCS revision the binary was
// built from, as far as the build recorded them.
func Version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	v := info.Main.Version
	if v == "" || v == "(devel)" {
		v = "devel"
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += "+" + s.Value[:12]
		}
	}
	return v
}

func runVersion(ctx context.Context, e env, args []string) int {
	_, pos, code, ok := parse(e, "version", "", args, nil, "none")
	if !ok {
		return code
	}
	if !noArgs(e, "version", pos) {
		return 2
	}
	fmt.Fprintf(e.stdout, "panjereh %s\n", Version())
	return 0
}

func runMigrate(ctx context.Context, e env, args []string) int {
	var status bool
	cfg, pos, code, ok := parse(e, "migrate", "[--status]", args, func(fs *flag.FlagSet) {
		fs.BoolVar(&status, "status", false, "list migrations and whether each is applied, without applying any")
	}, "data-dir", "dsn", "log-level", "log-format")
	if !ok {
		return code
	}
	if !noArgs(e, "migrate", pos) {
		return 2
	}
	log := newLogger(cfg, e.stderr)
	db, err := sqldb.Open(ctx, cfg.DatabaseDSN())
	if err != nil {
		fmt.Fprintf(e.stderr, "panjereh migrate: %v\n", err)
		return 1
	}
	defer db.Close()
	if status {
		st, err := db.Status(ctx)
		if err != nil {
			fmt.Fprintf(e.stderr, "panjereh migrate: %v\n", err)
			return 1
		}
		for _, s := range st {
			state := "pending"
			if s.Applied {
				state = "applied"
			}
			fmt.Fprintf(e.stdout, "%05d\t%s\t%s\n", s.Version, state, s.File)
		}
		return 0
	}
	n, err := db.Migrate(ctx, log)
	if err != nil {
		fmt.Fprintf(e.stderr, "panjereh migrate: %v\n", err)
		return 1
	}
	fmt.Fprintf(e.stdout, "applied %d migration(s) to %s\n", n, db.Dialect)
	return 0
}

// noArgs reports whether a command that takes no arguments got none, and
// says so when it did.
func noArgs(e env, name string, positional []string) bool {
	if len(positional) == 0 {
		return true
	}
	fmt.Fprintf(e.stderr, "panjereh %s: unexpected argument %q (see panjereh %s -h)\n", name, positional[0], name)
	return false
}
