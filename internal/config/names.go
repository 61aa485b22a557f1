package config

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
)

// CheckTLSName reports why name cannot be one of the names a TLS server
// certificate carries: it must be an IP address, or a DNS name (RFC 1123)
// whose first label may be the wildcard "*".
func CheckTLSName(name string) error {
	if ip, err := netip.ParseAddr(name); err == nil {
		if ip.Zone() != "" {
			return fmt.Errorf("%q is an IP address with a zone, which a certificate cannot name", name)
		}
		return nil
	}
	if name == "*" {
		return fmt.Errorf("%q is a wildcard with no domain after it, as in *.example.ir", name)
	}
	dns := name
	if rest, ok := strings.CutPrefix(name, "*."); ok {
		dns = rest
	}
	if err := checkDNSName(dns); err != nil {
		return fmt.Errorf("%q is neither an IP address nor a DNS name: %v", name, err)
	}
	return nil
}

// CheckDNSName reports why name is not a DNS host name (RFC 1123): dot-
// separated labels of letters, digits and hyphens.
func CheckDNSName(name string) error {
	if err := checkDNSName(name); err != nil {
		return fmt.Errorf("%q is not a DNS name: %v", name, err)
	}
	return nil
}

func checkDNSName(name string) error {
	switch {
	case name == "":
		return errors.New("it is empty")
	case len(name) > 253:
		return fmt.Errorf("it has %d characters, at most 253 are allowed", len(name))
	case strings.HasSuffix(name, "."):
		return errors.New("it ends with a dot")
	}
	labels := strings.Split(name, ".")
	for _, l := range labels {
		if l == "" {
			return errors.New("it has an empty label")
		}
		if len(l) > 63 {
			return fmt.Errorf("its label %q has %d characters, at most 63 are allowed", l, len(l))
		}
		if l == "*" {
			return errors.New("the wildcard * may only be the whole first label")
		}
		for _, r := range l {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return fmt.Errorf("it has %q, which is not an ASCII letter, digit or hyphen (write an internationalized name in its xn-- form)", r)
			}
		}
		if l[0] == '-' || l[len(l)-1] == '-' {
			return fmt.Errorf("its label %q begins or ends with a hyphen", l)
		}
	}
	// RFC 1123 2.1: the top-level label is alphabetic, so that a name is
	// never mistaken for a dotted IPv4 address.
	if strings.Trim(labels[len(labels)-1], "0123456789") == "" {
		return errors.New("its last label is all digits")
	}
	return nil
}
