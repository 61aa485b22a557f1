package web

import "strings"

// Browser is what a User-Agent header says about the visitor's software.
type Browser struct {
	Name  string // "Chrome", "Firefox", "Safari", "Edge", "Opera", "Samsung Internet", "curl", or "" when unknown
	Major string // major version, such as "131", or ""
	OS    string // "Windows", "macOS", "Android", "iOS", "Linux", "ChromeOS", or "" when unknown
}

// String returns the name and major version, such as "Firefox 133".
func (b Browser) String() string {
	if b.Major == "" {
		return b.Name
	}
	return b.Name + " " + b.Major
}

// uaProducts are checked in order: browsers built on Chromium announce
// "Chrome/" and "Safari/" too, and Chrome on every platform announces
// "Safari/", so the more specific tokens come first.
var uaProducts = []struct{ token, name string }{
	{"curl/", "curl"},
	{"SamsungBrowser/", "Samsung Internet"},
	{"OPR/", "Opera"},
	{"OPiOS/", "Opera"},
	{"OPT/", "Opera"},
	{"EdgA/", "Edge"},
	{"EdgiOS/", "Edge"},
	{"Edg/", "Edge"},
	{"Edge/", "Edge"},
	{"FxiOS/", "Firefox"},
	{"Firefox/", "Firefox"},
	{"CriOS/", "Chrome"},
	{"Chrome/", "Chrome"},
}

// ParseUserAgent reads the browser family, major version and operating
// system from a User-Agent header. It knows the common browsers only and
// leaves the rest blank rather than guess.
func ParseUserAgent(ua string) Browser {
	var b Browser
	for _, p := range uaProducts {
		if i := strings.Index(ua, p.token); i >= 0 {
			b.Name, b.Major = p.name, majorVersion(ua[i+len(p.token):])
			break
		}
	}
	if b.Name == "" && strings.HasPrefix(ua, "Opera/") {
		// Presto-era Opera puts its real version after "Version/".
		b.Name, b.Major = "Opera", versionAfter(ua, "Version/")
	}
	if b.Name == "" && strings.Contains(ua, "Safari/") && strings.Contains(ua, "Version/") {
		b.Name, b.Major = "Safari", versionAfter(ua, "Version/")
	}
	b.OS = parseOS(ua)
	return b
}

func versionAfter(ua, token string) string {
	i := strings.Index(ua, token)
	if i < 0 {
		return ""
	}
	return majorVersion(ua[i+len(token):])
}

// majorVersion returns the leading digits of s.
func majorVersion(s string) string {
	n := 0
	for n < len(s) && n < 6 && '0' <= s[n] && s[n] <= '9' {
		n++
	}
	return s[:n]
}

func parseOS(ua string) string {
	switch {
	case strings.Contains(ua, "Windows"):
		return "Windows"
	// iOS user agents say "like Mac OS X", and iPadOS in desktop mode
	// looks like a Mac, so iOS is checked first.
	case strings.Contains(ua, "iPhone"), strings.Contains(ua, "iPad"), strings.Contains(ua, "iPod"):
		return "iOS"
	case strings.Contains(ua, "Android"):
		return "Android"
	case strings.Contains(ua, "CrOS"):
		return "ChromeOS"
	case strings.Contains(ua, "Macintosh"), strings.Contains(ua, "Mac OS X"):
		return "macOS"
	case strings.Contains(ua, "Linux"), strings.Contains(ua, "X11"):
		return "Linux"
	}
	return ""
}
