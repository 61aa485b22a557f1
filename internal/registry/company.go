package registry

import (
	"strconv"
)

var companyKindPick = func() *weighted {
	w := make([]int, len(companyKinds))
	for i, k := range companyKinds {
		w[i] = k.weight
	}
	return newWeighted(w)
}()

// registeredSince1393 is 1393/01/01, from when new legal IDs start 140.
var registeredSince1393 = ymd(2014, 3, 21)

// companyFor decides whether p founded a company and returns it: about one
// company for every 50 persons, managed by p with one to three of the
// adults the generator made just before as fellow signatories. It must be
// called for every person, in order, as it keeps that pool.
func (s *agencyState) companyFor(p *person, h *household) (company, bool) {
	if !s.adult(p) {
		return company{}, false
	}
	defer func() {
		s.recent[s.nRecent%len(s.recent)] = p
		s.nRecent++
	}()
	age := p.birth.ageOn(s.now)
	if age < 28 || age > 75 {
		return company{}, false
	}
	r := s.rand(streamCompanies, p)
	if !chance(r, 0.032) {
		return company{}, false
	}
	kind := companyKinds[companyKindPick.pick(r)].fa
	c := company{kind: kind, county: h.county}
	c.registered = s.now - day(r.IntN(min(age-25, 30)*365+1))
	prefix := "101"
	if c.registered >= registeredSince1393 {
		prefix = "140"
	}
	c.legalID = s.legal.take(prefix)
	name := oneOf(r, companyWords) + " " + oneOf(r, companyTrades)
	if r.IntN(3) == 0 {
		name = oneOf(r, companyTrades) + " " + oneOf(r, companyWords) + " " + oneOf(r, companyWords)
	}
	switch kind {
	case "مؤسسه غیرتجاری":
		c.name = "مؤسسه " + name
	case "تعاونی":
		c.name = "شرکت تعاونی " + name
	default:
		c.name = "شرکت " + name + " " + kind
	}
	c.regNo = strconv.Itoa(between(r, 1000, 650000))
	c.office = "اداره ثبت شرکت‌ها و مؤسسات غیرتجاری " + h.county.Fa
	c.city = h.county.Fa
	c.status = companyStatuses[0].code
	end := noDay
	switch x := r.IntN(100); {
	case x < 9:
		c.status = companyStatuses[1].code
		end = c.registered + day(r.IntN(max(1, int(s.now-c.registered))))
	case x < 14:
		c.status = companyStatuses[2].code
	}
	c.postal = s.postal.take(oneOf(r, h.county.Province.Postal))
	c.since = c.registered + day(r.IntN(max(1, int(s.now-c.registered))))
	if c.since > s.now {
		c.since = s.now
	}
	c.signatories = append(c.signatories, signatory{p.code, "مدیر عامل", c.registered, end})
	seen := map[string]bool{p.code: true}
	for i, want := 0, between(r, 1, 3); i < want && s.nRecent > 0; i++ {
		q := s.recent[r.IntN(min(s.nRecent, len(s.recent)))]
		if seen[q.code] || !q.alive() {
			continue
		}
		seen[q.code] = true
		from := c.registered + day(r.IntN(max(1, int(s.now-c.registered)/2+1)))
		c.signatories = append(c.signatories, signatory{q.code, signatoryRoles[i%3], from, end})
	}
	return c, true
}

var nationalityPick = func() *weighted {
	w := make([]int, len(nationalities))
	for i, n := range nationalities {
		w[i] = n.weight
	}
	return newWeighted(w)
}()

// foreigners makes count foreign nationals with FIDA identifiers.
func foreigners(seed int64, now day, count int64, reserved map[string]bool, fn func(foreigner)) {
	ids := newSequence(100_000_000_000, 7919, mix(seed, "fida"))
	permits := newSequence(10_000_000, 7919, mix(seed, "permit"))
	for i := int64(0); i < count; i++ {
		r := subRand(seed, streamForeigners, i)
		var f foreigner
		for {
			v, _ := ids.take()
			f.fida = string(pad([]byte{'1'}, v, 11))
			if !reserved[f.fida] {
				break
			}
		}
		f.nationality = nationalities[nationalityPick.pick(r)].fa
		f.gender = male
		name := oneOf(r, foreignMale)
		if r.IntN(100) < 45 {
			f.gender = female
			name = oneOf(r, foreignFemale)
		}
		last := oneOf(r, foreignSurnames)
		f.first, f.firstEn, f.last, f.lastEn = name[0], name[1], last[0], last[1]
		f.father = oneOf(r, foreignMale)[0]
		f.birth = now - day(365+r.IntN(70*365))
		v, _ := permits.take()
		f.permitNo = string(pad([]byte{'R'}, v, 7))
		f.permitExpires = now - 90 + day(r.IntN(3*365))
		fn(f)
	}
}
