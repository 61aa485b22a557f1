package config

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestTLSNames: the names are read as a list from the flag or the
// environment, and Validate names every entry a certificate cannot carry,
// each with the reason.
func TestTLSNames(t *testing.T) {
	c, err := load(t, map[string]string{"PANJEREH_TLS_NAMES": "ignored.example.ir"},
		"--tls-names", " nix.example.ir, *.nix.example.ir,10.1.2.4 ,2001:db8::4,,xn--mgbai9azgqp6j.ir,host-1")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"nix.example.ir", "*.nix.example.ir", "10.1.2.4", "2001:db8::4", "xn--mgbai9azgqp6j.ir", "host-1"}
	if diff := cmp.Diff(want, c.TLSNames); diff != "" {
		t.Errorf("TLSNames (-want +got):\n%s", diff)
	}
	c, err = load(t, map[string]string{"PANJEREH_TLS_NAMES": "nix.example.ir,10.1.2.4"})
	if err != nil || !cmp.Equal(c.TLSNames, []string{"nix.example.ir", "10.1.2.4"}) {
		t.Errorf("from the environment: %q, %v", c.TLSNames, err)
	}

	_, err = load(t, nil, "--tls-names", "nix..example.ir,-nix.example.ir,nix.example.ir.,a.*.ir,*,nix_1.ir,10.0.0.300,fe80::1%eth0,"+
		"پنجره.ir,"+strings.Repeat("a", 64)+".ir,good.example.ir")
	if err == nil {
		t.Fatal("want errors")
	}
	for _, want := range []string{
		`tls-names: "nix..example.ir" is neither an IP address nor a DNS name: it has an empty label`,
		`tls-names: "-nix.example.ir" is neither an IP address nor a DNS name: its label "-nix" begins or ends with a hyphen`,
		`tls-names: "nix.example.ir." is neither an IP address nor a DNS name: it ends with a dot`,
		`tls-names: "a.*.ir" is neither an IP address nor a DNS name: the wildcard * may only be the whole first label`,
		`tls-names: "*" is a wildcard with no domain after it`,
		`tls-names: "nix_1.ir" is neither an IP address nor a DNS name: it has '_'`,
		`tls-names: "10.0.0.300" is neither an IP address nor a DNS name: its last label is all digits`,
		`tls-names: "fe80::1%eth0" is an IP address with a zone`,
		`tls-names: "پنجره.ir" is neither an IP address nor a DNS name: it has 'پ'`,
		"has 64 characters, at most 63 are allowed",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not say %s:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "good.example.ir") {
		t.Errorf("a good name was reported:\n%v", err)
	}
}

func TestCheckDNSName(t *testing.T) {
	for name, ok := range map[string]bool{"panjereh-1": true, "nix.example.ir": true, "*.example.ir": false, "10.1.2.4": false, "": false} {
		if err := CheckDNSName(name); (err == nil) != ok {
			t.Errorf("CheckDNSName(%q) = %v", name, err)
		}
	}
}

// TestExchangeMonitors: monitors are a list of members, each checked.
func TestExchangeMonitors(t *testing.T) {
	c, err := load(t, map[string]string{"PANJEREH_EXCHANGE_MONITORS": "IR/GOV/ito-monitor, IR/GOV/ito-scraper"})
	if err != nil || !cmp.Equal(c.ExchangeMonitors, []string{"IR/GOV/ito-monitor", "IR/GOV/ito-scraper"}) {
		t.Errorf("monitors %q, %v", c.ExchangeMonitors, err)
	}
	_, err = load(t, nil, "--exchange-monitors", "IR/GOV/ito-monitor,prometheus,IR//x")
	for _, want := range []string{`exchange-monitors: "prometheus" is not a member INSTANCE/CLASS/CODE`, `exchange-monitors: "IR//x" is not a member`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not say %s", err, want)
		}
	}
	if err != nil && strings.Contains(err.Error(), "ito-monitor") {
		t.Errorf("a good member was reported:\n%v", err)
	}
}
