package registry

import (
	"math/rand/v2"
)

// generator makes households one after another, deterministically for a
// seed. Its state is small (sequence counters and a queue of grown-up
// children waiting for their own households), so it can be run again from
// the start for every table instead of keeping the population in memory.
type generator struct {
	t       *tables
	seed    int64
	now     day
	rng     *rand.Rand
	codes   *nationalCodes
	postal  postalCodes
	target  int64
	made    int64
	ordinal int64
	hhIndex int64
	pending []pendingChild
	hh      household
	cities  []*county // big cities people move to
}

// pendingChild is a grown-up child of an earlier household who lives in a
// household of their own.
type pendingChild struct {
	p person
}

func newGenerator(t *tables, seed int64, now day, target int64, reserved map[string]bool, firstOrdinal int64) *generator {
	g := &generator{
		t: t, seed: seed, now: now, target: target, ordinal: firstOrdinal,
		rng:    rand.New(rand.NewPCG(uint64(seed), streamHouseholds)),
		postal: newPostalCodes(seed, reserved),
	}
	var all []string
	for _, c := range t.counties {
		all = append(all, c.Prefixes...)
		if c.Weight >= 1900 {
			g.cities = append(g.cities, c)
		}
	}
	g.codes = &nationalCodes{newKeyed(seed, 1_000_000, 7919, reserved), all}
	return g
}

// next returns the next household, valid until the following call, or nil
// when target persons have been made.
func (g *generator) next() *household {
	if g.made >= g.target {
		return nil
	}
	h := &g.hh
	h.members = h.members[:0]
	h.index = g.hhIndex
	g.hhIndex++
	if n := len(g.pending); n > 0 {
		c := g.pending[0]
		g.pending = g.pending[1:]
		if len(g.pending) == 0 {
			g.pending = g.pending[:0:0]
		}
		g.grownChild(h, c.p)
	} else {
		switch x := g.rng.IntN(100); {
		case x < 58:
			g.family(h, g.rng.IntN(100))
		case x < 71:
			g.elders(h)
		case x < 93:
			g.single(h)
		default:
			g.widowed(h)
		}
	}
	g.finish(h)
	return h
}

// finish assigns the address and trims the last household to the target.
func (g *generator) finish(h *household) {
	if left := g.target - g.made; int64(len(h.members)) > left {
		cut := map[string]bool{}
		for _, m := range h.members[left:] {
			cut[m.code] = true
		}
		h.members = h.members[:left]
		for i := range h.members {
			m := &h.members[i]
			if cut[m.spouseCode] {
				m.spouseCode = ""
			}
			if cut[m.motherCode] {
				m.motherCode = ""
			}
			if cut[m.fatherCode] {
				m.fatherCode = ""
			}
		}
		g.pending = nil
	}
	g.made += int64(len(h.members))
	h.urban = g.rng.IntN(100) < 76
	h.postal = g.postal.take(oneOf(g.rng, h.county.Province.Postal))
	earliest := h.members[0].birth.addYears(18)
	h.since = g.now - day(between(g.rng, 20, 15*365))
	if h.since < earliest {
		h.since = earliest
	}
}

// home picks where a new household lives: mostly its home county, and for a
// quarter one of the big cities.
func (g *generator) home(origin *county) *county {
	if g.rng.IntN(100) < 25 {
		return oneOf(g.rng, g.cities)
	}
	return origin
}

func (g *generator) county() *county { return g.t.counties[g.t.countyPick.pick(g.rng)] }

// birthAged returns a birth date for someone aged between lo and hi years.
func (g *generator) birthAged(lo, hi int) day {
	return g.now - day(lo*365+g.rng.IntN((hi-lo+1)*365))
}

// newPerson makes a person without family links.
func (g *generator) newPerson(gender int, last string, birth day, place *county) person {
	p := person{ordinal: g.ordinal, gender: gender, last: last, birth: birth, death: noDay, place: place}
	g.ordinal++
	if gender == male {
		p.first = oneOf(g.rng, g.t.male)
	} else {
		p.first = oneOf(g.rng, g.t.female)
	}
	p.father = oneOf(g.rng, g.t.male)
	p.code = g.codes.take(place.Prefixes, g.rng.Uint64())
	return p
}

// mortality gives some people a death date: many of the old, few others.
func (g *generator) mortality(p *person) {
	age := p.birth.ageOn(g.now)
	q := 0.002
	if age >= 60 {
		x := float64(age-55) / 40
		q = min(0.85, x*x)
	}
	if !chance(g.rng, q) {
		return
	}
	from := p.birth.addYears(max(0, min(age, 60)))
	if age < 60 {
		from = p.birth
	}
	if from >= g.now {
		return
	}
	p.death = from + day(g.rng.IntN(int(g.now-from)))
}

// headAges are the relative weights of the ages of the husband of a family
// household, in five-year bands from 25: the large cohort born in the
// 1980s is at its peak.
var headAges = newWeighted([]int{7, 12, 19, 22, 17, 11, 7, 5})

// family is a married couple and the children who still live with them.
func (g *generator) family(h *household, _ int) {
	band := headAges.pick(g.rng)
	origin := g.county()
	h.county = g.home(origin)
	husband := g.newPerson(male, oneOf(g.rng, g.t.surnames), g.birthAged(25+band*5, 29+band*5), origin)
	g.couple(h, husband, origin)
}

// couple adds husband, a wife and their children to h.
func (g *generator) couple(h *household, husband person, origin *county) {
	wifeBirth := husband.birth + day(between(g.rng, 365, 8*365))
	if wifeBirth.ageOn(g.now) < 18 {
		wifeBirth = g.now - 18*365 - day(g.rng.IntN(300))
	}
	wife := g.newPerson(female, oneOf(g.rng, g.t.surnames), wifeBirth, origin)
	husband.spouseCode, wife.spouseCode = wife.code, husband.code
	g.mortality(&husband)
	g.mortality(&wife)
	h.members = append(h.members, husband, wife)
	g.children(h, &h.members[0], &h.members[1])
}

// children adds the couple's children: those under 27 to h, older ones to
// the queue of grown-up children with households of their own.
func (g *generator) children(h *household, father, mother *person) {
	y, _, _ := mother.birth.civil()
	var k int
	switch {
	case y < 1960:
		k = between(g.rng, 2, 6)
	case y < 1975:
		k = between(g.rng, 1, 4)
	case y < 1990:
		k = between(g.rng, 1, 3)
	default:
		k = between(g.rng, 0, 3)
	}
	born := mother.birth.addYears(between(g.rng, 19, 27))
	end := g.now
	if father.death != noDay && father.death < end {
		end = father.death
	}
	if mother.death != noDay && mother.death < end {
		end = mother.death
	}
	for i := 0; i < k && born < end; i++ {
		gender := male
		if g.rng.IntN(2) == 0 {
			gender = female
		}
		c := g.newPerson(gender, father.last, born, h.county)
		c.father, c.fatherCode, c.motherCode = father.first, father.code, mother.code
		g.mortality(&c)
		if c.birth.ageOn(g.now) >= 27 && c.alive() {
			g.pending = append(g.pending, pendingChild{c})
		} else {
			h.members = append(h.members, c)
		}
		born += day(between(g.rng, 420, 6*365))
	}
}

// grownChild makes the household of a grown-up child: married with a
// family of their own, or single.
func (g *generator) grownChild(h *household, c person) {
	h.county = g.home(c.place)
	age := c.birth.ageOn(g.now)
	if !chance(g.rng, min(0.9, float64(age-20)/12)) {
		h.members = append(h.members, c)
		return
	}
	if c.gender == male {
		g.couple(h, c, c.place)
		return
	}
	husband := g.newPerson(male, oneOf(g.rng, g.t.surnames), c.birth-day(between(g.rng, 365, 8*365)), c.place)
	husband.spouseCode, c.spouseCode = c.code, husband.code
	g.mortality(&husband)
	h.members = append(h.members, husband, c)
	g.children(h, &h.members[0], &h.members[1])
}

// elders is an old couple (one of whom may have died) whose children have
// mostly left home.
func (g *generator) elders(h *household) {
	origin := g.county()
	h.county = origin
	husband := g.newPerson(male, oneOf(g.rng, g.t.surnames), g.birthAged(62, 92), origin)
	g.couple(h, husband, origin)
}

// single is an adult living alone.
func (g *generator) single(h *household) {
	origin := g.county()
	h.county = g.home(origin)
	gender := male
	if g.rng.IntN(100) < 45 {
		gender = female
	}
	p := g.newPerson(gender, oneOf(g.rng, g.t.surnames), g.birthAged(19, 38), origin)
	g.mortality(&p)
	h.members = append(h.members, p)
}

// widowed is an old person whose spouse has died; the spouse's record is
// kept, as the civil registry keeps the dead.
func (g *generator) widowed(h *household) {
	origin := g.county()
	h.county = origin
	husband := g.newPerson(male, oneOf(g.rng, g.t.surnames), g.birthAged(70, 96), origin)
	wife := g.newPerson(female, oneOf(g.rng, g.t.surnames), husband.birth+day(between(g.rng, 365, 8*365)), origin)
	husband.spouseCode, wife.spouseCode = wife.code, husband.code
	from := wife.birth.addYears(55)
	husband.death = from + day(g.rng.IntN(int(g.now-from)))
	h.members = append(h.members, wife, husband)
	g.children(h, &h.members[1], &h.members[0])
}
