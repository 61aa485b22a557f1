package config

import (
	"flag"
	"io"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func load(t *testing.T, env map[string]string, args ...string) (Config, error) {
	t.Helper()
	c := Default()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if err := c.Bind(fs, func(k string) string { return env[k] }); err != nil {
		return c, err
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	return c, c.Validate()
}

func TestPrecedenceDefaultsEnvFlags(t *testing.T) {
	c, err := load(t, map[string]string{
		"PANJEREH_ADDR":            "127.0.0.1:9000",
		"PANJEREH_PERSONS":         "42",
		"PANJEREH_TRUSTED_PROXIES": "10.0.0.0/8, 192.168.1.7/32",
	}, "--persons", "7", "--shutdown-timeout", "3s")
	if err != nil {
		t.Fatal(err)
	}
	want := Default()
	want.Addr = "127.0.0.1:9000"
	want.Persons = 7
	want.ShutdownTimeout = 3 * time.Second
	want.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.168.1.7/32")}
	if diff := cmp.Diff(want, c, cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })); diff != "" {
		t.Errorf("config (-want +got):\n%s", diff)
	}
	if got := c.DatabaseDSN(); got != "sqlite:data/panjereh.db" {
		t.Errorf("DatabaseDSN = %q", got)
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	_, err := load(t, map[string]string{"PANJEREH_LOG_LEVEL": "loud"},
		"--addr", "nonsense", "--registry-addr", "127.0.0.1:99999", "--log-format", "xml",
		"--persons", "-1", "--dsn", "mysql://x", "--shutdown-timeout", "0s", "--public-url", "ftp://x",
		"--exchange-upstream", "http://x", "--exchange-partners", "IR/GOV/a=b")
	if err == nil {
		t.Fatal("want errors")
	}
	for _, want := range []string{"addr:", "registry-addr:", "log-level:", "log-format:", "persons:", "dsn:", "shutdown-timeout:", "public-url:", "exchange-upstream:", "exchange-partners:"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %q:\n%v", want, err)
		}
	}
}

func TestBadEnvironmentValueNamesTheVariable(t *testing.T) {
	_, err := load(t, map[string]string{"PANJEREH_PERSONS": "many", "PANJEREH_TRUSTED_PROXIES": "10.0.0.0/33"})
	if err == nil || !strings.Contains(err.Error(), "PANJEREH_PERSONS") || !strings.Contains(err.Error(), "PANJEREH_TRUSTED_PROXIES") {
		t.Errorf("got %v", err)
	}
}

func TestBindOnlySomeOptions(t *testing.T) {
	c := Default()
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c.Bind(fs, func(string) string { return "" }, "dsn", "persons")
	if fs.Lookup("addr") != nil || fs.Lookup("dsn") == nil || fs.Lookup("persons") == nil {
		t.Error("Bind with a list registered the wrong flags")
	}
}

func TestReferenceListsEveryOption(t *testing.T) {
	ref := Reference()
	c := Default()
	for _, s := range c.settings() {
		if !strings.Contains(ref, "`--"+s.name+"`") || !strings.Contains(ref, EnvName(s.name)) {
			t.Errorf("reference lacks %s", s.name)
		}
	}
}

// The README's configuration table is Reference's output; this keeps the
// two from drifting apart.
func TestREADMEHasTheReference(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), Reference()) {
		t.Errorf("README.md's configuration table differs from config.Reference(); paste this:\n%s", Reference())
	}
}

func TestPartners(t *testing.T) {
	c := Default()
	c.ExchangePartners = "IR/GOV/tehran-nix=IR/GOV/a+IR/GOV/b; IR/GOV/fars-nix=IR/GOV/c"
	got, err := c.Partners()
	want := map[string][]string{"IR/GOV/tehran-nix": {"IR/GOV/a", "IR/GOV/b"}, "IR/GOV/fars-nix": {"IR/GOV/c"}}
	if err != nil || !cmp.Equal(got, want) {
		t.Errorf("Partners = %v, %v", got, err)
	}
}
