// Command gen converts the CSV files of the npm package
// @ip-location-db/geo-whois-asn-country into the compact, gzipped range
// table that package geoip embeds.
//
// Usage (from internal/web/geoip, as its go:generate line does):
//
//	GEOIP_SRC=/tmp/package go run ./gen -out ipcountry.bin.gz
//
// where GEOIP_SRC (or -src) is the unpacked package directory holding
// geo-whois-asn-country-ipv4-num.csv, geo-whois-asn-country-ipv6.csv and
// package.json. See ../README.md for the file format and how to refresh it.
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"math/big"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// magic starts the file; the version digit changes with the layout.
const magic = "PJGEO1\n"

// u128 is an address as a 128-bit number (IPv4 in the low 32 bits).
type u128 struct{ hi, lo uint64 }

func (a u128) less(b u128) bool { return a.hi < b.hi || a.hi == b.hi && a.lo < b.lo }

func (a u128) next() u128 {
	if a.lo == ^uint64(0) {
		return u128{a.hi + 1, 0}
	}
	return u128{a.hi, a.lo + 1}
}

func (a u128) prev() u128 {
	if a.lo == 0 {
		return u128{a.hi - 1, ^uint64(0)}
	}
	return u128{a.hi, a.lo - 1}
}

// span is one inclusive range of addresses and its country; cc "" marks a
// gap.
type span struct {
	start, end u128
	cc         string
}

func main() {
	src := flag.String("src", os.Getenv("GEOIP_SRC"), "unpacked npm package directory (default $GEOIP_SRC)")
	out := flag.String("out", "ipcountry.bin.gz", "output file")
	flag.Parse()
	if err := run(*src, *out); err != nil {
		fmt.Fprintln(os.Stderr, "geoip gen:", err)
		os.Exit(1)
	}
}

func run(src, out string) error {
	if src == "" {
		return fmt.Errorf("set -src or GEOIP_SRC to the unpacked @ip-location-db/geo-whois-asn-country package")
	}
	version, err := packageVersion(filepath.Join(src, "package.json"))
	if err != nil {
		return err
	}
	v4, err := readCSV(filepath.Join(src, "geo-whois-asn-country-ipv4-num.csv"), parseNum)
	if err != nil {
		return err
	}
	v6, err := readCSV(filepath.Join(src, "geo-whois-asn-country-ipv6.csv"), parseIPv6)
	if err != nil {
		return err
	}
	v4, v6 = merge(v4, u128{0, 1<<32 - 1}), merge(v6, u128{^uint64(0), ^uint64(0)})
	codes := countryCodes(v4, v6)
	var raw bytes.Buffer
	raw.WriteString(magic)
	putString(&raw, version)
	putUvarint(&raw, uint64(len(codes)))
	index := map[string]byte{"": 0}
	for i, c := range codes {
		raw.WriteString(c)
		index[c] = byte(i + 1)
	}
	writeTable(&raw, v4, index)
	writeTable(&raw, v6, index)

	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(raw.Bytes())
	if err := zw.Close(); err != nil {
		return err
	}
	if err := os.WriteFile(out, gz.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Printf("geoip gen: %s: %d IPv4 and %d IPv6 ranges, %d countries, %d bytes (source %s)\n",
		out, len(v4), len(v6), len(codes), gz.Len(), version)
	return nil
}

func packageVersion(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	var p struct{ Name, Version string }
	if err := json.Unmarshal(b, &p); err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	return p.Name + "@" + p.Version, nil
}

// readCSV reads "start,end,CC" lines, parsing addresses with parse.
func readCSV(path string, parse func(string) (u128, error)) ([]span, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []span
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		parts := strings.Split(strings.TrimSpace(sc.Text()), ",")
		if len(parts) != 3 || len(parts[2]) != 2 {
			return nil, fmt.Errorf("%s:%d: want start,end,CC", path, n)
		}
		var s span
		if s.start, err = parse(parts[0]); err == nil {
			s.end, err = parse(parts[1])
		}
		if err == nil && s.end.less(s.start) {
			err = fmt.Errorf("range ends before it starts")
		}
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		s.cc = strings.ToUpper(parts[2])
		out = append(out, s)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	// By start, and the wider of two ranges with one start first, so that
	// paint lays the narrower over it.
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].start != out[j].start {
			return out[i].start.less(out[j].start)
		}
		return out[j].end.less(out[i].end)
	})
	return out, nil
}

func parseNum(s string) (u128, error) {
	var n big.Int
	if _, ok := n.SetString(s, 10); !ok || n.Sign() < 0 || n.BitLen() > 128 {
		return u128{}, fmt.Errorf("bad number %q", s)
	}
	lo := new(big.Int).And(&n, new(big.Int).SetUint64(^uint64(0))).Uint64()
	return u128{new(big.Int).Rsh(&n, 64).Uint64(), lo}, nil
}

func parseIPv6(s string) (u128, error) {
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is6() {
		return u128{}, fmt.Errorf("bad IPv6 address %q", s)
	}
	b := a.As16()
	return u128{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}, nil
}

// paint lays the ranges, sorted by readCSV, one over the other so that
// where they overlap the narrower, more specific one wins (the source
// nests city-level geofeed entries inside whole allocations). It returns
// disjoint ranges in order.
func paint(in []span) []span {
	var out, tail []span
	for _, r := range in {
		tail = tail[:0]
		for len(out) > 0 && !out[len(out)-1].start.less(r.start) {
			tail = append(tail, out[len(out)-1])
			out = out[:len(out)-1]
		}
		if n := len(out); n > 0 && !out[n-1].end.less(r.start) {
			rest := out[n-1]
			out[n-1].end = r.start.prev()
			rest.start = r.start
			tail = append(tail, rest)
		}
		out = append(out, r)
		for i := len(tail) - 1; i >= 0; i-- {
			t := tail[i]
			if !r.end.less(t.end) {
				continue // wholly under r
			}
			if t.start.less(r.end.next()) {
				t.start = r.end.next()
			}
			out = append(out, t)
		}
	}
	return out
}

// merge joins adjacent ranges of one country and inserts explicit gaps
// (country "") before the first range, between ranges and after the last
// one up to max, so that the table needs only each range's start.
func merge(in []span, max u128) []span {
	var out []span
	for _, s := range paint(in) {
		var at u128
		if len(out) > 0 {
			at = out[len(out)-1].end.next()
		}
		if at != s.start {
			out = append(out, span{start: at, end: s.start.prev()})
		}
		if n := len(out); n > 0 && out[n-1].cc == s.cc {
			out[n-1].end = s.end
			continue
		}
		out = append(out, s)
	}
	if last := out[len(out)-1]; last.end != max {
		out = append(out, span{start: last.end.next(), end: max})
	}
	return out
}

func countryCodes(tables ...[]span) []string {
	seen := map[string]bool{}
	for _, t := range tables {
		for _, s := range t {
			if s.cc != "" {
				seen[s.cc] = true
			}
		}
	}
	codes := make([]string, 0, len(seen))
	for c := range seen {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	if len(codes) > 255 {
		panic("more than 255 country codes")
	}
	return codes
}

// writeTable writes the count, then every start as a delta from the one
// before (high half, then low half: a delta when the high half repeats,
// absolute otherwise), then one country index byte per range (0 for a
// gap). Keeping the columns apart lets gzip find their regularities.
func writeTable(w *bytes.Buffer, t []span, index map[string]byte) {
	putUvarint(w, uint64(len(t)))
	var p u128
	for _, s := range t {
		dh := s.start.hi - p.hi
		putUvarint(w, dh)
		if dh == 0 {
			putUvarint(w, s.start.lo-p.lo)
		} else {
			putUvarint(w, s.start.lo)
		}
		p = s.start
	}
	for _, s := range t {
		w.WriteByte(index[s.cc])
	}
}

func putUvarint(w *bytes.Buffer, v uint64) {
	var b [binary.MaxVarintLen64]byte
	w.Write(b[:binary.PutUvarint(b[:], v)])
}

func putString(w *bytes.Buffer, s string) {
	putUvarint(w, uint64(len(s)))
	w.WriteString(s)
}
