package web

import (
	"net"
	"net/http"
	"net/netip"
	"strings"

	"github.com/panjereh/panjereh/internal/web/geoip"
)

// Visitor is what every page tells the person about their own connection
// (requirement J1).
type Visitor struct {
	IP      string // the address as text, or "" when unknown
	Place   Text   // country name, or "This computer" / "Local network"
	Country string // ISO 3166-1 alpha-2 code when one was found
	Browser string // family and major version, such as "Firefox 133", or ""
	OS      string // such as "Android", or ""
}

// cgnat is the shared address space carriers put subscribers behind
// (RFC 6598); like private ranges it says nothing about the country.
var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// clientIP returns the address the request came from. X-Forwarded-For is
// believed only when the connection comes from a trusted proxy, and then
// read from the right, skipping further trusted proxies, so that a client
// cannot forge its address by sending the header itself.
func clientIP(r *http.Request, trusted []netip.Prefix) netip.Addr {
	addr := parseAddr(r.RemoteAddr)
	if !addr.IsValid() || !isTrusted(addr, trusted) {
		return addr
	}
	hops := r.Header.Values("X-Forwarded-For")
	var all []string
	for _, h := range hops {
		all = append(all, strings.Split(h, ",")...)
	}
	for i := len(all) - 1; i >= 0; i-- {
		a := parseAddr(strings.TrimSpace(all[i]))
		if !a.IsValid() {
			break
		}
		addr = a
		if !isTrusted(a, trusted) {
			break
		}
	}
	return addr
}

// forwardedTLS reports whether a trusted proxy says the client used HTTPS.
func forwardedTLS(r *http.Request, trusted []netip.Prefix) bool {
	if r.TLS != nil {
		return true
	}
	addr := parseAddr(r.RemoteAddr)
	return addr.IsValid() && isTrusted(addr, trusted) && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

func parseAddr(s string) netip.Addr {
	if host, _, err := net.SplitHostPort(s); err == nil {
		s = host
	}
	a, err := netip.ParseAddr(strings.Trim(s, "[]"))
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap().WithZone("")
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// visitorOf describes the connection of r for the page footer.
func visitorOf(r *http.Request, ip netip.Addr, db *geoip.DB) Visitor {
	v := Visitor{Place: messages["unknown"]}
	if ip.IsValid() {
		v.IP = ip.String()
		switch {
		case ip.IsLoopback():
			v.Place = messages["place.this"]
		case ip.IsPrivate(), ip.IsLinkLocalUnicast(), cgnat.Contains(ip), ip.IsUnspecified():
			v.Place = messages["place.local"]
		case db != nil:
			if code := db.Country(ip); code != "" {
				c := geoip.CountryByCode(code)
				v.Country = code
				v.Place = Text{Fa: c.Name("fa"), En: c.Name("en")}
			}
		}
	}
	b := ParseUserAgent(r.UserAgent())
	v.Browser, v.OS = b.String(), b.OS
	return v
}
