package geoip

import (
	"bufio"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCountry(t *testing.T) {
	db := Default()
	tests := []struct {
		name, addr, want string
	}{
		{"Iranian IPv4 range", "2.176.10.20", "IR"},
		{"small Iranian range", "2.57.3.7", "IR"},
		{"neighbouring range of another country", "5.160.20.1", "AE"},
		{"IPv4-mapped IPv6", "::ffff:2.176.10.20", "IR"},
		{"nested range wins over its container", "2.58.197.15", "BE"},
		{"container around a nested range", "2.58.197.14", "DE"},
		{"container after a nested range", "2.58.197.16", "DE"},
		{"Iranian IPv6", "2001:678:b0::1", "IR"},
		{"US IPv6", "2001:4860::8888", "US"},
		{"unassigned", "0.0.0.1", ""},
		{"last IPv4 address", "255.255.255.255", ""},
		{"last IPv6 address", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", ""},
		{"first IPv6 address", "::", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := db.Country(netip.MustParseAddr(tt.addr)); got != tt.want {
				t.Errorf("Country(%s) = %q, want %q", tt.addr, got, tt.want)
			}
		})
	}
	if got := (&DB{}).Country(netip.MustParseAddr("2.176.10.20")); got != "" {
		t.Errorf("zero DB found %q", got)
	}
	if !strings.Contains(db.Source, "geo-whois-asn-country@") {
		t.Errorf("Source = %q", db.Source)
	}
}

func TestCountryNames(t *testing.T) {
	tests := []struct {
		code, lang, want string
	}{
		{"IR", "fa", "ایران"},
		{"ir", "en", "Iran"},
		{"TR", "fa", "ترکیه"},
		{"AX", "fa", "Åland Islands"},
		{"QQ", "fa", "QQ"},
	}
	for _, tt := range tests {
		t.Run(tt.code+"/"+tt.lang, func(t *testing.T) {
			if got := CountryByCode(tt.code).Name(tt.lang); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	// Every code in the data has an English name.
	var missing []string
	for _, c := range Default().codes[1:] {
		if CountryByCode(c).En == "" {
			missing = append(missing, c)
		}
	}
	if diff := cmp.Diff([]string(nil), missing); diff != "" {
		t.Errorf("codes without a name (-want +got):\n%s", diff)
	}
}

func TestDecodeRejectsGarbage(t *testing.T) {
	for _, b := range [][]byte{nil, []byte("not gzip"), data[:len(data)/2]} {
		if _, err := Decode(b); err == nil {
			t.Errorf("Decode(%d bytes) succeeded", len(b))
		}
	}
}

// TestAgainstSource checks the embedded table against the CSV it was
// built from, when GEOIP_SRC points at the unpacked npm package. Rows that
// overlap a neighbour are skipped: there the narrower row wins.
func TestAgainstSource(t *testing.T) {
	src := os.Getenv("GEOIP_SRC")
	if src == "" {
		t.Skip("GEOIP_SRC not set; see README.md")
	}
	db := Default()
	for _, file := range []string{"geo-whois-asn-country-ipv4.csv", "geo-whois-asn-country-ipv6.csv"} {
		f, err := os.Open(filepath.Join(src, file))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		type row struct {
			start, end netip.Addr
			cc         string
		}
		var rows []row
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			p := strings.Split(sc.Text(), ",")
			rows = append(rows, row{netip.MustParseAddr(p[0]), netip.MustParseAddr(p[1]), p[2]})
		}
		bad := 0
		for i, r := range rows {
			if i > 0 && rows[i-1].end.Compare(r.start) >= 0 || i+1 < len(rows) && rows[i+1].start.Compare(r.end) <= 0 {
				continue
			}
			for _, a := range []netip.Addr{r.start, r.end} {
				if got := db.Country(a); got != r.cc && bad < 10 {
					bad++
					t.Errorf("%s: %s = %q, want %q", file, a, got, r.cc)
				}
			}
		}
	}
}

func BenchmarkCountry(b *testing.B) {
	db := Default()
	addrs := []netip.Addr{
		netip.MustParseAddr("2.176.10.20"),
		netip.MustParseAddr("8.8.8.8"),
		netip.MustParseAddr("2001:4860::8888"),
		netip.MustParseAddr("185.143.232.1"),
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		db.Country(addrs[i%len(addrs)])
	}
}

func BenchmarkDecode(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(data); err != nil {
			b.Fatal(err)
		}
	}
}
