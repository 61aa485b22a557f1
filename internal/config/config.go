// Package config holds Panjereh's one configuration struct, loaded from
// defaults, then PANJEREH_* environment variables, then command-line flags,
// and validated as a whole so that every problem is reported at once.
package config

import (
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/panjereh/panjereh/internal/iran"
)

// Config is everything an operator can set.
type Config struct {
	// DataDir is where the embedded database and other state live.
	DataDir string
	// DSN names the database: sqlite:PATH or postgres://... . Empty means
	// SQLite at DataDir/panjereh.db.
	DSN string
	// Addr is the national window's listen address.
	Addr string
	// RegistryAddr is the simulated base registries' listen address.
	RegistryAddr string
	// ExchangeAddr is the exchange gateway's TLS listen address.
	ExchangeAddr string
	// AgencyAddr is the demo's reference agency window's listen address.
	AgencyAddr string
	// TLSNames are DNS names and IP addresses added to the TLS server
	// certificates the gateway and the registries issue themselves, so
	// that callers on other hosts can verify them by the name they use.
	TLSNames []string
	// ExchangeUpstream, when set, makes this gateway a thematic or
	// regional exchange that hands calls for services it does not publish
	// to the national gateway at this URL (B4).
	ExchangeUpstream string
	// ExchangePartners, on the national gateway, lists the regional
	// gateways' members and the members each may call for:
	// "IR/GOV/tehran-nix=IR/GOV/a+IR/GOV/b;IR/GOV/fars-nix=IR/GOV/c".
	ExchangePartners string
	// ExchangeMonitors are members (INSTANCE/CLASS/CODE) whose
	// certificates may read the gateway's metrics and nothing else that
	// an operator may: a scraper's credential.
	ExchangeMonitors []string
	// PlatformMember is the exchange member the platform itself is: the
	// national window calls as it, and it operates the exchange.
	PlatformMember string
	// PublicURL is the window's external base URL, used in links the
	// window prints; empty means http://Addr.
	PublicURL string
	// LogLevel is debug, info, warn or error.
	LogLevel string
	// LogFormat is text or json.
	LogFormat string
	// Persons is how many synthetic people the demo seeds on first start.
	Persons int
	// Seed makes the synthetic data reproducible.
	Seed int64
	// TrustedProxies lists the CIDRs whose X-Forwarded-For and
	// X-Forwarded-Proto are believed.
	TrustedProxies []netip.Prefix
	// ShutdownTimeout bounds how long a graceful shutdown waits.
	ShutdownTimeout time.Duration
	// Secret keys the hash of one-time codes; every node of the window
	// needs the same one. Empty means a key kept in DataDir/identity.
	Secret string
	// SMS is how one-time codes leave: "dev" prints them and lists them at
	// /dev/sms (the demo's default), "smpp" sends them to SMPPAddr.
	SMS string
	// SMPPAddr, SMPPSystemID and SMPPPassword reach the operator's SMSC.
	SMPPAddr, SMPPSystemID, SMPPPassword string
	// SMSRetention is how long sent, failed and expired SMS messages are
	// kept in the outbox; zero keeps them.
	SMSRetention time.Duration
	// Overseers are national codes whose accounts get the oversight role.
	Overseers []string
}

// The longest SMPP system ID and password a bind carries, in octets
// (SMPP 3.4, 4.1.1), as package smpp has them.
const (
	SMPPMaxSystemID = 15
	SMPPMaxPassword = 8
)

// Default returns the configuration of a fresh demo on loopback.
func Default() Config {
	return Config{
		DataDir:         "./data",
		Addr:            "127.0.0.1:8080",
		RegistryAddr:    "127.0.0.1:8081",
		ExchangeAddr:    "127.0.0.1:8443",
		AgencyAddr:      "127.0.0.1:8090",
		PlatformMember:  "IR/GOV/ito",
		LogLevel:        "info",
		LogFormat:       "text",
		Persons:         5000,
		Seed:            1403,
		ShutdownTimeout: 15 * time.Second,
		SMSRetention:    30 * 24 * time.Hour,
	}
}

// setting describes one option once, for the environment, the flags and
// the documentation alike.
type setting struct {
	name  string // flag name; the variable is PANJEREH_ + upper snake case
	usage string
	value flag.Value
}

func (c *Config) settings() []setting {
	return []setting{
		{"data-dir", "directory for the embedded database and state", (*stringValue)(&c.DataDir)},
		{"dsn", "database: sqlite:PATH or postgres://user@host:5432/db (default: SQLite under data-dir)", (*dsnValue)(&c.DSN)},
		{"addr", "listen address of the national window", (*stringValue)(&c.Addr)},
		{"registry-addr", "listen address of the simulated base registries", (*stringValue)(&c.RegistryAddr)},
		{"exchange-addr", "TLS listen address of the information exchange gateway", (*stringValue)(&c.ExchangeAddr)},
		{"agency-addr", "listen address of the demo's reference agency window", (*stringValue)(&c.AgencyAddr)},
		{"tls-names", "comma-separated DNS names (a wildcard first label allowed) and IP addresses that the exchange gateway's and the registries' TLS certificates also carry (with none, on a wildcard listen address: the host's name)", (*listValue)(&c.TLSNames)},
		{"exchange-upstream", "national gateway URL; set on a thematic or regional exchange (B4)", (*stringValue)(&c.ExchangeUpstream)},
		{"exchange-partners", "regional gateways and the members each may call for: GW=M1+M2;GW2=M3", (*stringValue)(&c.ExchangePartners)},
		{"exchange-monitors", "comma-separated exchange members (INSTANCE/CLASS/CODE) whose certificates may read the gateway's /metrics and nothing an operator may do", (*listValue)(&c.ExchangeMonitors)},
		{"platform-member", "the exchange member the platform is (INSTANCE/CLASS/CODE); it operates the exchange", (*stringValue)(&c.PlatformMember)},
		{"public-url", "external base URL of the window (default: http://ADDR)", (*stringValue)(&c.PublicURL)},
		{"log-level", "log level: debug, info, warn or error", (*stringValue)(&c.LogLevel)},
		{"log-format", "log format: text or json", (*stringValue)(&c.LogFormat)},
		{"persons", "number of synthetic people to seed", (*intValue)(&c.Persons)},
		{"seed", "seed of the synthetic data generator", (*int64Value)(&c.Seed)},
		{"trusted-proxies", "comma-separated CIDRs whose X-Forwarded-For and X-Forwarded-Proto headers are trusted", (*prefixesValue)(&c.TrustedProxies)},
		{"shutdown-timeout", "how long a graceful shutdown may take", (*durationValue)(&c.ShutdownTimeout)},
		{"secret", "the window's secret, at least 64 hex digits (32 bytes), the same on every node: it keys the one-time code hashes, seals the login requests in flight and the signing keys (default: kept in data-dir)", (*secretValue)(&c.Secret)},
		{"sms", "how one-time codes are sent: dev (printed on the terminal; also listed at /dev/sms in the demo) or smpp", (*stringValue)(&c.SMS)},
		{"smpp-addr", "the SMS operator's SMPP server, host:port", (*stringValue)(&c.SMPPAddr)},
		{"smpp-system-id", "the SMPP bind's system_id", (*stringValue)(&c.SMPPSystemID)},
		{"smpp-password", "the SMPP bind's password", (*secretValue)(&c.SMPPPassword)},
		{"sms-retention", "how long sent, failed and expired SMS messages stay in the outbox, checked hourly; 0 keeps them", (*durationValue)(&c.SMSRetention)},
		{"overseers", "comma-separated national codes whose accounts may use the ministry's console", (*listValue)(&c.Overseers)},
	}
}

// NamesExcept returns the name of every option but those in except, for
// Bind: a command offers only the options it uses.
func NamesExcept(except ...string) []string {
	var c Config
	var out []string
	for _, s := range c.settings() {
		if !contains(except, s.name) {
			out = append(out, s.name)
		}
	}
	return out
}

// EnvName returns the environment variable of a flag name.
func EnvName(flagName string) string {
	return "PANJEREH_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// Bind loads the PANJEREH_* variables that getenv returns into c and
// registers every option on fs, so that flags parsed afterwards override
// the environment. Only the options named in only are bound (all when
// only is empty): a subcommand offers the options it uses.
func (c *Config) Bind(fs *flag.FlagSet, getenv func(string) string, only ...string) error {
	var errs []error
	for _, s := range c.settings() {
		if len(only) > 0 && !contains(only, s.name) {
			continue
		}
		if v := getenv(EnvName(s.name)); v != "" {
			if err := s.value.Set(v); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", EnvName(s.name), err))
			}
		}
		fs.Var(s.value, s.name, s.usage+" (env "+EnvName(s.name)+")")
	}
	return errors.Join(errs...)
}

// Validate reports every problem with c at once.
func (c *Config) Validate() error {
	var errs []error
	if c.DataDir == "" && c.DSN == "" {
		errs = append(errs, errors.New("data-dir: must not be empty when no dsn is given"))
	}
	if c.DSN != "" && !strings.HasPrefix(c.DSN, "sqlite:") && !strings.HasPrefix(c.DSN, "postgres://") && !strings.HasPrefix(c.DSN, "postgresql://") {
		errs = append(errs, fmt.Errorf("dsn: %q is neither sqlite:PATH nor a postgres:// URL", c.DSN))
	}
	for name, addr := range map[string]string{"addr": c.Addr, "registry-addr": c.RegistryAddr, "exchange-addr": c.ExchangeAddr, "agency-addr": c.AgencyAddr} {
		if _, port, err := net.SplitHostPort(addr); err != nil {
			errs = append(errs, fmt.Errorf("%s: %q is not host:port: %v", name, addr, err))
		} else if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
			errs = append(errs, fmt.Errorf("%s: port %q out of range", name, port))
		}
	}
	if c.Addr != "" && c.Addr == c.RegistryAddr && !strings.HasSuffix(c.Addr, ":0") {
		errs = append(errs, fmt.Errorf("addr and registry-addr are both %s", c.Addr))
	}
	if c.ExchangeUpstream != "" && !strings.HasPrefix(c.ExchangeUpstream, "https://") {
		errs = append(errs, fmt.Errorf("exchange-upstream: %q must be an https:// URL", c.ExchangeUpstream))
	}
	if _, err := c.Partners(); err != nil {
		errs = append(errs, fmt.Errorf("exchange-partners: %v", err))
	}
	for _, m := range c.ExchangeMonitors {
		if !IsMember(m) {
			errs = append(errs, fmt.Errorf("exchange-monitors: %q is not a member INSTANCE/CLASS/CODE", m))
		}
	}
	for _, n := range c.TLSNames {
		if err := CheckTLSName(n); err != nil {
			errs = append(errs, fmt.Errorf("tls-names: %v", err))
		}
	}
	if c.PublicURL != "" && !strings.HasPrefix(c.PublicURL, "http://") && !strings.HasPrefix(c.PublicURL, "https://") {
		errs = append(errs, fmt.Errorf("public-url: %q must start with http:// or https://", c.PublicURL))
	}
	if !IsMember(c.PlatformMember) {
		errs = append(errs, fmt.Errorf("platform-member: %q is not INSTANCE/CLASS/CODE", c.PlatformMember))
	}
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(c.LogLevel)); err != nil {
		errs = append(errs, fmt.Errorf("log-level: %q is not debug, info, warn or error", c.LogLevel))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("log-format: %q is not text or json", c.LogFormat))
	}
	if c.Persons < 0 || c.Persons > 100_000_000 {
		errs = append(errs, fmt.Errorf("persons: %d is outside 0..100000000", c.Persons))
	}
	if c.Secret != "" {
		if b, err := hex.DecodeString(c.Secret); err != nil || len(b) < 32 {
			errs = append(errs, errors.New("secret: must be at least 64 hex digits (32 bytes)"))
		}
	}
	switch c.SMS {
	case "", "dev":
	case "smpp":
		if c.SMPPAddr == "" || c.SMPPSystemID == "" {
			errs = append(errs, errors.New("sms: smpp needs smpp-addr and smpp-system-id"))
		}
		// A bind carries them in fields of fixed size, counted in octets.
		if n := len(c.SMPPSystemID); n > SMPPMaxSystemID {
			errs = append(errs, fmt.Errorf("smpp-system-id: %d octets, SMPP allows at most %d", n, SMPPMaxSystemID))
		}
		if n := len(c.SMPPPassword); n > SMPPMaxPassword {
			errs = append(errs, fmt.Errorf("smpp-password: %d octets, SMPP allows at most %d", n, SMPPMaxPassword))
		}
	default:
		errs = append(errs, fmt.Errorf("sms: %q is not dev or smpp", c.SMS))
	}
	for _, o := range c.Overseers {
		if len(o) != 10 || strings.Trim(o, "0123456789") != "" {
			errs = append(errs, fmt.Errorf("overseers: %q is not a 10-digit national code", o))
		} else if _, err := iran.NormalizeNationalCode(o); err != nil {
			errs = append(errs, fmt.Errorf("overseers: %q is not a national code: %v", o, err))
		}
	}
	if c.SMSRetention < 0 {
		errs = append(errs, fmt.Errorf("sms-retention: %v must not be negative", c.SMSRetention))
	}
	if c.ShutdownTimeout <= 0 {
		errs = append(errs, fmt.Errorf("shutdown-timeout: %v must be positive", c.ShutdownTimeout))
	}
	return errors.Join(errs...)
}

// IsMember reports whether s has the form of an exchange member,
// INSTANCE/CLASS/CODE.
func IsMember(s string) bool {
	parts := strings.Split(s, "/")
	return len(parts) == 3 && parts[0] != "" && parts[1] != "" && parts[2] != ""
}

// Partners parses ExchangePartners into gateway member -> members.
func (c *Config) Partners() (map[string][]string, error) {
	out := map[string][]string{}
	for _, entry := range strings.Split(c.ExchangePartners, ";") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		gw, members, ok := strings.Cut(entry, "=")
		if !ok || strings.Count(gw, "/") != 2 || members == "" {
			return nil, fmt.Errorf("%q is not GATEWAY-MEMBER=MEMBER+MEMBER", entry)
		}
		for _, m := range strings.Split(members, "+") {
			if strings.Count(m, "/") != 2 {
				return nil, fmt.Errorf("%q is not a member INSTANCE/CLASS/CODE", m)
			}
			out[strings.TrimSpace(gw)] = append(out[strings.TrimSpace(gw)], strings.TrimSpace(m))
		}
	}
	return out, nil
}

// DatabaseDSN returns the DSN to open: DSN, or SQLite under DataDir.
func (c *Config) DatabaseDSN() string {
	if c.DSN != "" {
		return c.DSN
	}
	return "sqlite:" + filepath.Join(c.DataDir, "panjereh.db")
}

// Level returns the parsed log level (info when invalid).
func (c *Config) Level() slog.Level {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return slog.LevelInfo
	}
	return lvl
}

// WindowURL returns the window's base URL as people reach it.
func (c *Config) WindowURL() string {
	if c.PublicURL != "" {
		return strings.TrimRight(c.PublicURL, "/")
	}
	return "http://" + c.Addr
}

// Reference returns a Markdown table of every option with its variable and
// default, for the README's configuration reference.
func Reference() string {
	d := Default()
	var b strings.Builder
	b.WriteString("| flag | environment | default | meaning |\n|---|---|---|---|\n")
	for _, s := range d.settings() {
		def := s.value.String()
		if def == "" {
			def = "—"
		} else {
			def = "`" + def + "`"
		}
		fmt.Fprintf(&b, "| `--%s` | `%s` | %s | %s |\n", s.name, EnvName(s.name), def, s.usage)
	}
	return b.String()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
