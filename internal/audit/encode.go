package audit

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"time"
)

// entryVersion starts every entry's canonical encoding, so that a later
// format can be told apart from this one.
const entryVersion = 1

// row is an event in the form it is stored and hashed: cleaned, its time
// in UTC to the microsecond, its details as a JSON object. body is the
// canonical encoding without the seq.
type row struct {
	at      time.Time
	kind    string
	actor   string
	subject string
	ip      string
	ua      string
	details string
	body    []byte
}

// prepare checks ev and turns it into a row; now fills a zero Time.
func prepare(ev Event, now time.Time) (*row, error) {
	if !validName(string(ev.Kind), 64, ".-") {
		return nil, fmt.Errorf("%w: kind %q: want 1-64 of a-z 0-9 . - starting with a letter", ErrInvalid, ev.Kind)
	}
	if err := ValidateDetails(ev.Details); err != nil {
		return nil, err
	}
	at := ev.Time
	if at.IsZero() {
		at = now
	}
	r := &row{
		at:      at.UTC().Truncate(time.Microsecond),
		kind:    string(ev.Kind),
		actor:   clean(ev.Actor, MaxField),
		subject: clean(ev.Subject, MaxField),
		ip:      cleanIP(ev.IP),
		ua:      clean(ev.UserAgent, MaxUserAgent),
	}
	d := make(map[string]string, len(ev.Details))
	for k, v := range ev.Details {
		d[k] = clean(v, MaxDetailValue)
	}
	js, err := json.Marshal(d) // keys sorted
	if err != nil {
		return nil, fmt.Errorf("audit: encode details: %w", err)
	}
	r.details = string(js)
	r.body = encodeBody(r, d)
	return r, nil
}

// rowFromStored rebuilds a row read back from the database, for the
// pending table and for verification. It does not clean anything: what is
// stored is what was hashed.
func rowFromStored(at time.Time, kind, actor, subject, ip, ua, details string) (*row, error) {
	var d map[string]string
	if err := jsonDetails(details, &d); err != nil {
		return nil, err
	}
	r := &row{at: at.UTC(), kind: kind, actor: actor, subject: subject, ip: ip, ua: ua, details: details}
	r.body = encodeBody(r, d)
	return r, nil
}

func cleanIP(s string) string {
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap().String()
	}
	return clean(s, MaxIP)
}

// encodeBody is the canonical encoding of an entry without its seq:
//
//	u8 version | i64 time (µs since 1970 UTC) | str kind | str actor |
//	str subject | str ip | str user agent | u32 n | n × (str key | str value)
//
// with str = u32 length | UTF-8 bytes, integers big-endian and details in
// key order. Lengths make it unambiguous, so no two different entries
// encode alike.
func encodeBody(r *row, d map[string]string) []byte {
	n := 1 + 8 + 5*4 + len(r.kind) + len(r.actor) + len(r.subject) + len(r.ip) + len(r.ua) + 4
	keys := make([]string, 0, len(d))
	for k, v := range d {
		keys = append(keys, k)
		n += 8 + len(k) + len(v)
	}
	slices.Sort(keys)
	b := make([]byte, 0, n)
	b = append(b, entryVersion)
	b = binary.BigEndian.AppendUint64(b, uint64(r.at.UnixMicro()))
	for _, s := range []string{r.kind, r.actor, r.subject, r.ip, r.ua} {
		b = appendString(b, s)
	}
	b = binary.BigEndian.AppendUint32(b, uint32(len(keys)))
	for _, k := range keys {
		b = appendString(b, k)
		b = appendString(b, d[k])
	}
	return b
}

func appendString(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

// chainHash is an entry's hash: SHA-256 over the previous entry's hash,
// the entry's seq and its canonical body.
func chainHash(prev []byte, seq int64, body []byte) [32]byte {
	h := sha256.New()
	h.Write(prev)
	var s [8]byte
	binary.BigEndian.PutUint64(s[:], uint64(seq))
	h.Write(s[:])
	h.Write(body)
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// jsonDetails decodes stored details; an empty object gives a nil map.
func jsonDetails(s string, d *map[string]string) error {
	if err := json.Unmarshal([]byte(s), d); err != nil {
		return fmt.Errorf("details are not a JSON object of strings: %w", err)
	}
	if len(*d) == 0 {
		*d = nil
	}
	return nil
}
