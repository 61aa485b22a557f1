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
		"--exchange-upstream", "http://x", "--exchange-partners", "IR/GOV/a=b", "--sms-retention", "-1h")
	if err == nil {
		t.Fatal("want errors")
	}
	for _, want := range []string{"addr:", "registry-addr:", "log-level:", "log-format:", "persons:", "dsn:", "shutdown-timeout:", "public-url:", "exchange-upstream:", "exchange-partners:", "sms-retention:"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %q:\n%v", want, err)
		}
	}
}

// TestOverseersAreNationalCodes: an overseer is named by a valid
// national code, check digit included.
func TestOverseersAreNationalCodes(t *testing.T) {
	if _, err := load(t, nil, "--overseers", "0021122334,0012345679"); err != nil {
		t.Fatal(err)
	}
	_, err := load(t, nil, "--overseers", "0012345678,1111111111,12345")
	for _, want := range []string{`"0012345678" is not a national code`, `"1111111111" is not a national code`, `"12345" is not a 10-digit`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not say %s", err, want)
		}
	}
}

// TestSMPPLimits: the system ID and the password are counted in octets,
// as a bind carries them (SMPP 3.4, 4.1.1).
func TestSMPPLimits(t *testing.T) {
	for _, tc := range []struct {
		name, systemID, password string
		want                     []string
	}{
		{"the longest allowed", "panjereh4040abc", "12345678", nil},
		{"one octet more", "panjereh4040abcd", "123456789", []string{"smpp-system-id: 16 octets, SMPP allows at most 15", "smpp-password: 9 octets, SMPP allows at most 8"}},
		{"eight Persian letters", "پنجرهملی", "1234", []string{"smpp-system-id: 16 octets"}},
	} {
		_, err := load(t, map[string]string{"PANJEREH_SMS": "smpp", "PANJEREH_SMPP_ADDR": "127.0.0.1:2775",
			"PANJEREH_SMPP_SYSTEM_ID": tc.systemID, "PANJEREH_SMPP_PASSWORD": tc.password})
		if tc.want == nil && err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
		for _, w := range tc.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %v, want %q", tc.name, err, w)
			}
		}
	}
}

// TestHelpHidesSecrets: -h shows each flag's value from the environment
// as its default, so the secret and the SMPP password are never shown,
// and the DSN's password is hidden.
func TestHelpHidesSecrets(t *testing.T) {
	c := Default()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var help strings.Builder
	fs.SetOutput(&help)
	secret := strings.Repeat("ab", 32)
	env := map[string]string{"PANJEREH_SECRET": secret, "PANJEREH_SMPP_PASSWORD": "s3cr3t-pw",
		"PANJEREH_DSN": "postgres://panjereh:db-pass@db.example:5432/panjereh"}
	if err := c.Bind(fs, func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	if err := fs.Parse([]string{"-h"}); err != flag.ErrHelp {
		t.Fatalf("-h: %v", err)
	}
	for _, leak := range []string{secret, "s3cr3t-pw", "db-pass"} {
		if strings.Contains(help.String(), leak) {
			t.Errorf("-h shows %q:\n%s", leak, help.String())
		}
	}
	if !strings.Contains(help.String(), "postgres://panjereh:xxxxx@db.example:5432/panjereh") {
		t.Errorf("-h does not show the DSN with its password hidden:\n%s", help.String())
	}
	if c.Secret != secret || c.SMPPPassword != "s3cr3t-pw" || c.DSN != env["PANJEREH_DSN"] {
		t.Errorf("the hidden values were not kept: %+v", c)
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

func TestNamesExcept(t *testing.T) {
	names := NamesExcept("persons", "seed")
	if contains(names, "persons") || contains(names, "seed") || !contains(names, "dsn") || len(names) != len(NamesExcept())-2 {
		t.Errorf("NamesExcept = %v", names)
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
