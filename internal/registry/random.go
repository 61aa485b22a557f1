package registry

import (
	"math/rand/v2"
	"sort"
)

// Streams name the independent random sequences of the generator. Each
// registry draws from its own stream, seeded by the seed and the person's
// ordinal, so a table can be regenerated without drawing the others.
const (
	streamHouseholds uint64 = iota + 1
	streamMobiles
	streamLicences
	streamVehicles
	streamPassports
	streamEducation
	streamCompanies
	streamForeigners
	streamAddresses
)

// subRand returns the random sequence of stream for one entity.
func subRand(seed int64, stream uint64, ordinal int64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed)^stream*0x9e3779b97f4a7c15, uint64(ordinal)*0xbf58476d1ce4e5b9+stream))
}

// weighted draws indexes with the given relative weights.
type weighted struct {
	cum   []int
	total int
}

func newWeighted(w []int) *weighted {
	out := &weighted{cum: make([]int, len(w))}
	for i, x := range w {
		out.total += x
		out.cum[i] = out.total
	}
	return out
}

// pick returns an index with probability proportional to its weight.
func (w *weighted) pick(r *rand.Rand) int {
	x := r.IntN(w.total)
	return sort.SearchInts(w.cum, x+1)
}

// chance reports true with probability p.
func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

// between returns an int in [lo, hi].
func between(r *rand.Rand, lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + r.IntN(hi-lo+1)
}

// oneOf returns a random element of s.
func oneOf[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }
