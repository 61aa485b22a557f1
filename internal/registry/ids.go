package registry

import (
	"strconv"

	"github.com/panjereh/panjereh/internal/iran"
)

// sequence hands out the numbers 0..size-1 once each, in an order that
// looks random: the i-th number is (i·mult + off) mod size, a bijection
// when mult is coprime to size. Identifiers built from it are unique by
// construction, so the generator needs no set of the codes it issued.
type sequence struct {
	size, mult, off, next int64
}

// newSequence returns a sequence over size values; mult must be coprime to
// size. salt varies the order with the seed.
func newSequence(size, mult int64, salt uint64) *sequence {
	return &sequence{size: size, mult: mult, off: int64(salt % uint64(size))}
}

// take returns the next number, or false when all are used.
func (s *sequence) take() (int64, bool) {
	if s.next >= s.size {
		return 0, false
	}
	v := (s.next*s.mult + s.off) % s.size
	s.next++
	return v, true
}

// mix derives a salt from the seed and a name.
func mix(seed int64, name string) uint64 {
	h := uint64(seed) ^ 0xcbf29ce484222325
	for i := 0; i < len(name); i++ {
		h ^= uint64(name[i])
		h *= 0x100000001b3
	}
	h ^= h >> 31
	h *= 0x9e3779b97f4a7c15
	return h ^ h>>29
}

// pad appends v to b as exactly width decimal digits.
func pad(b []byte, v int64, width int) []byte {
	var tmp [20]byte
	s := strconv.AppendInt(tmp[:0], v, 10)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// keyedSequences keeps one sequence per prefix and skips reserved values,
// which are the personas' fixed identifiers.
type keyedSequences struct {
	seed     int64
	size     int64
	mult     int64
	seqs     map[string]*sequence
	reserved map[string]bool
}

func newKeyed(seed, size, mult int64, reserved map[string]bool) *keyedSequences {
	return &keyedSequences{seed: seed, size: size, mult: mult, seqs: map[string]*sequence{}, reserved: reserved}
}

func (k *keyedSequences) seq(prefix string) *sequence {
	s := k.seqs[prefix]
	if s == nil {
		s = newSequence(k.size, k.mult, mix(k.seed, prefix))
		k.seqs[prefix] = s
	}
	return s
}

// nationalCodes issues national codes under the county prefixes.
type nationalCodes struct {
	*keyedSequences
	all []string // every prefix, for overflow
}

// take returns a new national code starting with one of prefixes, moving
// to other prefixes only when those are exhausted.
func (n *nationalCodes) take(prefixes []string, r uint64) string {
	start := int(r % uint64(len(prefixes)))
	for i := range prefixes {
		if c, ok := n.fromPrefix(prefixes[(start+i)%len(prefixes)]); ok {
			return c
		}
	}
	for _, p := range n.all {
		if c, ok := n.fromPrefix(p); ok {
			return c
		}
	}
	panic("registry: national codes exhausted")
}

func (n *nationalCodes) fromPrefix(prefix string) (string, bool) {
	s := n.seq(prefix)
	for {
		v, ok := s.take()
		if !ok {
			return "", false
		}
		b := make([]byte, 0, 10)
		b = append(b, prefix...)
		b = pad(b, v, 6)
		b = append(b, byte('0'+iran.NationalCodeCheckDigit(string(b))))
		code := string(b)
		if !n.reserved[code] && !sameDigits(code) {
			return code, true
		}
	}
}

func sameDigits(s string) bool {
	for i := 1; i < len(s); i++ {
		if s[i] != s[0] {
			return false
		}
	}
	return true
}

// postalDigits are the digits allowed in the first five places of a postal
// code.
const postalDigits = "13456789"

// postalCodes issues postal codes under two-digit regional prefixes: three
// more digits without 0 or 2, then five free digits. Households and
// companies draw from disjoint parts of that space (the first 448 and the
// last 64 values of the three digits), so their codes never collide.
type postalCodes struct {
	*keyedSequences
	base int64
}

func newPostalCodes(seed int64, reserved map[string]bool) postalCodes {
	return postalCodes{newKeyed(seed, 448*100000, 7919, reserved), 0}
}

func newCompanyPostalCodes(seed int64, reserved map[string]bool) postalCodes {
	return postalCodes{newKeyed(seed^0x5eed, 64*100000, 7919, reserved), 448 * 100000}
}

func (p postalCodes) take(prefix string) string {
	s := p.seq(prefix)
	for {
		v, ok := s.take()
		if !ok {
			panic("registry: postal codes exhausted under " + prefix)
		}
		v += p.base
		head, tail := v/100000, v%100000
		b := make([]byte, 0, 10)
		b = append(b, prefix...)
		b = append(b, postalDigits[head/64], postalDigits[head/8%8], postalDigits[head%8])
		b = pad(b, tail, 5)
		code := string(b)
		if !p.reserved[code] && !sameDigits(code[:4]) {
			return code
		}
	}
}

// mobilePrefixes are operator prefixes with their relative share of
// numbers.
var mobilePrefixes = []struct {
	prefix string
	weight int
}{
	{"0912", 14}, {"0919", 8}, {"0913", 5}, {"0917", 4}, {"0915", 5}, {"0911", 4}, {"0914", 4},
	{"0916", 3}, {"0918", 3}, {"0910", 4}, {"0990", 4}, {"0991", 3}, {"0992", 1},
	{"0935", 8}, {"0936", 6}, {"0937", 4}, {"0938", 3}, {"0939", 3}, {"0930", 3},
	{"0933", 2}, {"0901", 4}, {"0902", 3}, {"0903", 2}, {"0905", 1}, {"0941", 1},
	{"0920", 1}, {"0921", 2}, {"0922", 1},
}

// mobiles issues mobile numbers: an operator prefix and seven digits.
type mobiles struct {
	*keyedSequences
	pick *weighted
}

func newMobiles(seed int64, reserved map[string]bool) *mobiles {
	w := make([]int, len(mobilePrefixes))
	for i, p := range mobilePrefixes {
		w[i] = p.weight
	}
	return &mobiles{newKeyed(seed, 10_000_000, 7919, reserved), newWeighted(w)}
}

func (m *mobiles) take(i int) string {
	for k := 0; k < len(mobilePrefixes); k++ {
		prefix := mobilePrefixes[(i+k)%len(mobilePrefixes)].prefix
		s := m.seq(prefix)
		for {
			v, ok := s.take()
			if !ok {
				break
			}
			b := make([]byte, 0, 11)
			b = append(b, prefix...)
			b = pad(b, v, 7)
			if n := string(b); !m.reserved[n] {
				return n
			}
		}
	}
	panic("registry: mobile numbers exhausted")
}

// legalIDs issues 11-digit national IDs of legal persons: "101" for
// entities registered before 1393 (2014), "140" after, seven digits and the
// check digit.
type legalIDs struct{ *keyedSequences }

func (l legalIDs) take(prefix string) string {
	s := l.seq(prefix)
	for {
		v, ok := s.take()
		if !ok {
			panic("registry: legal IDs exhausted")
		}
		b := make([]byte, 0, 11)
		b = append(b, prefix...)
		b = pad(b, v, 7)
		b = append(b, byte('0'+iran.LegalIDCheckDigit(string(b))))
		if id := string(b); !l.reserved[id] {
			return id
		}
	}
}
