// Package geoip tells which country an IP address is registered in, from
// an embedded copy of the ip-location-db "geo-whois-asn-country" database
// (CC BY 4.0, data by the Number Resource Organization, nro.net), and
// names countries in Persian and English.
//
// The table is read in-process, once, on first use; a lookup is a binary
// search and does not allocate. See README.md for the file format and
// how to refresh the data from npm.
package geoip

//go:generate go run ./gen -out ipcountry.bin.gz

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"sort"
	"sync"
)

//go:embed ipcountry.bin.gz
var data []byte

// Attribution is the credit the database's licence requires wherever its
// results are shown.
const Attribution = "IP-to-country data: ip-location-db geo-whois-asn-country, CC BY 4.0, by the Number Resource Organization (nro.net)"

const magic = "PJGEO1\n"

// DB is a loaded IP-to-country table. The zero value finds nothing.
type DB struct {
	// Source names the npm package and version the table was built from.
	Source string
	codes  []string // index 0 is "" (no country)
	v4     []uint32
	v4cc   []uint8
	v6hi   []uint64
	v6lo   []uint64
	v6cc   []uint8
}

// Default returns the embedded database, decoding it on the first call.
// It panics if the embedded file is corrupt, which tests catch.
var Default = sync.OnceValue(func() *DB {
	db, err := Decode(data)
	if err != nil {
		panic(fmt.Sprintf("geoip: embedded database: %v", err))
	}
	return db
})

// Decode reads a gzipped table in the format the gen command writes.
func Decode(gz []byte) (*DB, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("geoip: %w", err)
	}
	r := bufio.NewReader(zr)
	head := make([]byte, len(magic))
	if _, err := io.ReadFull(r, head); err != nil || string(head) != magic {
		return nil, errors.New("geoip: not a geoip table")
	}
	db := &DB{}
	if db.Source, err = readString(r); err != nil {
		return nil, err
	}
	n, err := binary.ReadUvarint(r)
	if err != nil || n > 255 {
		return nil, errors.New("geoip: bad country list")
	}
	db.codes = make([]string, n+1)
	for i := 1; i <= int(n); i++ {
		var cc [2]byte
		if _, err := io.ReadFull(r, cc[:]); err != nil {
			return nil, fmt.Errorf("geoip: country list: %w", err)
		}
		db.codes[i] = string(cc[:])
	}
	hi, lo, cc, err := readTable(r, len(db.codes))
	if err != nil {
		return nil, fmt.Errorf("geoip: IPv4 table: %w", err)
	}
	db.v4 = make([]uint32, len(lo))
	for i, v := range lo {
		if hi[i] != 0 || v > 1<<32-1 {
			return nil, errors.New("geoip: IPv4 table: address out of range")
		}
		db.v4[i] = uint32(v)
	}
	db.v4cc = cc
	if db.v6hi, db.v6lo, db.v6cc, err = readTable(r, len(db.codes)); err != nil {
		return nil, fmt.Errorf("geoip: IPv6 table: %w", err)
	}
	return db, nil
}

func readString(r *bufio.Reader) (string, error) {
	n, err := binary.ReadUvarint(r)
	if err != nil || n > 1024 {
		return "", errors.New("geoip: bad header")
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", fmt.Errorf("geoip: header: %w", err)
	}
	return string(b), nil
}

func readTable(r *bufio.Reader, ncodes int) (hi, lo []uint64, cc []uint8, err error) {
	n, err := binary.ReadUvarint(r)
	if err != nil || n > 1<<24 {
		return nil, nil, nil, errors.New("bad length")
	}
	hi, lo = make([]uint64, n), make([]uint64, n)
	var ph, pl uint64
	for i := range hi {
		dh, err1 := binary.ReadUvarint(r)
		v, err2 := binary.ReadUvarint(r)
		if err := errors.Join(err1, err2); err != nil {
			return nil, nil, nil, err
		}
		if dh == 0 {
			v += pl
		}
		ph += dh
		if i > 0 && (ph < hi[i-1] || ph == hi[i-1] && v <= lo[i-1]) {
			return nil, nil, nil, errors.New("starts out of order")
		}
		hi[i], lo[i], pl = ph, v, v
	}
	cc = make([]uint8, n)
	if _, err := io.ReadFull(r, cc); err != nil {
		return nil, nil, nil, err
	}
	for _, c := range cc {
		if int(c) >= ncodes {
			return nil, nil, nil, errors.New("bad country index")
		}
	}
	return hi, lo, cc, nil
}

// Country returns the ISO 3166-1 alpha-2 code of the country addr is
// registered in, or "" when the table has none. IPv4-mapped IPv6
// addresses are looked up as IPv4.
func (db *DB) Country(addr netip.Addr) string {
	addr = addr.Unmap()
	switch {
	case addr.Is4():
		b := addr.As4()
		v := binary.BigEndian.Uint32(b[:])
		i := sort.Search(len(db.v4), func(i int) bool { return db.v4[i] > v }) - 1
		if i < 0 {
			return ""
		}
		return db.codes[db.v4cc[i]]
	case addr.Is6():
		b := addr.As16()
		h, l := binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])
		i := sort.Search(len(db.v6hi), func(i int) bool {
			return db.v6hi[i] > h || db.v6hi[i] == h && db.v6lo[i] > l
		}) - 1
		if i < 0 {
			return ""
		}
		return db.codes[db.v6cc[i]]
	}
	return ""
}

// Ranges reports how many IPv4 and IPv6 ranges (including gaps) the table
// holds.
func (db *DB) Ranges() (v4, v6 int) { return len(db.v4), len(db.v6hi) }
