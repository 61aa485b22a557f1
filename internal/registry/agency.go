package registry

import (
	"math/rand/v2"
	"strconv"

	"github.com/panjereh/panjereh/internal/iran"
)

// agencyState is the per-pass state of the agency registries: the
// sequences their numbers come from. Every pass builds it afresh from the
// seed and walks the same people in the same order, so each pass sees the
// same numbers.
type agencyState struct {
	seed        int64
	now         day
	mobiles     *mobiles
	plates      *keyedSequences
	licences    *sequence
	vins        *sequence
	policies    *sequence
	passportSeq *keyedSequences
	certs       *sequence
	legal       legalIDs
	postal      postalCodes
	recent      [16]*person // recent adults, the pool of co-signatories
	nRecent     int
}

func newAgencyState(seed int64, now day, reserved map[string]bool) *agencyState {
	return &agencyState{
		seed: seed, now: now,
		mobiles:     newMobiles(seed, reserved),
		plates:      newKeyed(seed, plateSpace, 7919, reserved),
		licences:    newSequence(1_000_000_000, 7919, mix(seed, "licence")),
		vins:        newSequence(100_000_000, 7919, mix(seed, "vin")),
		policies:    newSequence(100_000_000, 7919, mix(seed, "policy")),
		passportSeq: newKeyed(seed, 100_000_000, 7919, reserved),
		certs:       newSequence(1_000_000_000, 7919, mix(seed, "cert")),
		legal:       legalIDs{newKeyed(seed, 10_000_000, 7919, reserved)},
		postal:      newCompanyPostalCodes(seed, reserved),
	}
}

func (s *agencyState) rand(stream uint64, p *person) *rand.Rand {
	return subRand(s.seed, stream, p.ordinal)
}

func (s *agencyState) adult(p *person) bool { return p.alive() && p.birth.ageOn(s.now) >= 18 }

// mobileLines gives most adults one number, some two or three, a few none.
func (s *agencyState) mobileLines(p *person, fn func(mobileLine)) {
	if !s.adult(p) {
		return
	}
	r := s.rand(streamMobiles, p)
	n := 1
	switch x := r.IntN(100); {
	case x < 5:
		n = 0
	case x < 13:
		n = 2
	case x < 15:
		n = 3
	}
	earliest := p.birth.addYears(18)
	for i := 0; i < n; i++ {
		num := s.mobiles.take(s.mobiles.pick.pick(r))
		op, _ := iran.MobileOperator(num)
		since := s.now - day(r.IntN(20*365))
		if since < earliest {
			since = earliest + day(r.IntN(max(1, int(s.now-earliest))))
		}
		fn(mobileLine{num, p.code, op.Code, since})
	}
}

// drivingLicences: a licence is valid ten years; issue dates are spread so
// that about one in ten has expired and a few expire within 90 days.
func (s *agencyState) drivingLicences(p *person, fn func(licence)) {
	if !s.adult(p) {
		return
	}
	r := s.rand(streamLicences, p)
	share := 0.45
	if p.gender == male {
		share = 0.72
	}
	make := func(class string) {
		expires := s.now - 400 + day(r.IntN(4050))
		issued := expires.addYears(-10)
		if min18 := p.birth.addYears(18); issued < min18 {
			issued = min18 + day(r.IntN(200))
			expires = issued.addYears(10)
		}
		v, _ := s.licences.take()
		fn(licence{string(pad([]byte{'9'}, v, 9)), p.code, class, issued, expires})
	}
	if chance(r, share) {
		class := classGrade2
		if p.gender == male && chance(r, 0.1) {
			class = classGrade1
		}
		make(class)
	}
	if p.gender == male && chance(r, 0.18) {
		make(classMotorcycle)
	}
}

// plateSpace is the number of private plates in one region: two digits
// 11-99, thirteen letters, three digits 100-999.
const plateSpace = 89 * 13 * 900

// plate returns the canonical ASCII and the Persian form of a plate.
func plate(v int64, region string) (ascii, fa string) {
	two, rest := 11+v/(13*900), v%(13*900)
	letter, three := plateLetters[rest/900], 100+rest%900
	ascii = strconv.FormatInt(two, 10) + letter.ascii + strconv.FormatInt(three, 10) + region
	fa = iran.ToPersianDigits(strconv.FormatInt(two, 10) + " " + letter.fa + " " + strconv.FormatInt(three, 10) + " ایران " + region)
	return ascii, fa
}

var vehiclePick = func() *weighted {
	w := make([]int, len(vehicleModels))
	for i, m := range vehicleModels {
		w[i] = m.weight
	}
	return newWeighted(w)
}()

// vehicles gives about two adults in five a car, a few two.
func (s *agencyState) vehicles(p *person, h *household, fn func(vehicle)) {
	if !s.adult(p) || p.birth.ageOn(s.now) < 20 {
		return
	}
	r := s.rand(streamVehicles, p)
	n := 0
	switch x := r.IntN(100); {
	case x < 6:
		n = 2
	case x < 42:
		n = 1
	}
	thisYear := s.now.jalali().Year
	for i := 0; i < n; i++ {
		m := vehicleModels[vehiclePick.pick(r)]
		region := oneOf(r, h.county.Province.Plates)
		var ascii, fa string
		for {
			v, ok := s.plates.seq(region).take()
			if !ok {
				return
			}
			if ascii, fa = plate(v, region); !s.plates.reserved[ascii] {
				break
			}
		}
		year := between(r, m.from, min(m.to, thisYear))
		serial, _ := s.vins.take()
		vin := m.wmi + "N" + string(pad(nil, int64(vehiclePick.pick(r)), 2)) + "A" +
			strconv.Itoa(r.IntN(10)) + string("ABCDEFGHJKLMNPRSTVWXY"[year%21]) + "1" + string(pad(nil, serial, 8))
		fn(vehicle{ascii, fa, vin, m.maker, m.model, oneOf(r, vehicleColours), p.code, year})
	}
}

// insurance gives most vehicles a yearly third-party policy; a few have
// lapsed, about a fifth end within 90 days.
func (s *agencyState) insurance(v vehicle, p *person, fn func(policy)) {
	r := subRand(s.seed, streamVehicles, p.ordinal^int64(mix(0, v.plate)))
	if !chance(r, 0.93) {
		return
	}
	starts := s.now - day(r.IntN(400))
	ins := oneOf(r, insurers)
	serial, _ := s.policies.take()
	no := ins.code + strconv.Itoa(starts.jalali().Year) + string(pad(nil, serial, 8))
	fn(policy{no, ins.name, v.plate, p.code, starts, starts.addYears(1)})
}

// passportLetters open passport numbers, one per issue year.
const passportLetters = "HKLPUXYZ"

// passports: valid five years; a quarter of adults and some children have
// one.
func (s *agencyState) passports(p *person, fn func(passport)) {
	if !p.alive() {
		return
	}
	r := s.rand(streamPassports, p)
	share := 0.08
	if p.birth.ageOn(s.now) >= 18 {
		share = 0.25
	}
	if !chance(r, share) {
		return
	}
	issued := s.now - day(r.IntN(6*365))
	if issued < p.birth {
		issued = p.birth + day(r.IntN(max(1, int(s.now-p.birth))))
	}
	y, _, _ := issued.civil()
	letter := string(passportLetters[y%len(passportLetters)])
	v, _ := s.passportSeq.seq(letter).take()
	fn(passport{letter + string(pad(nil, v, 8)), p.code, issued, issued.addYears(5)})
}

// education gives adults their certificates: the school-completion
// diploma, then degrees in decreasing shares.
func (s *agencyState) education(p *person, h *household, fn func(certificate)) {
	if !p.alive() || p.birth.ageOn(s.now) < 18 {
		return
	}
	r := s.rand(streamEducation, p)
	shares := []float64{0.78, 0.18, 0.42, 0.3, 0.15}
	ages := []int{18, 20, 23, 26, 31}
	field := oneOf(r, universityFields)
	for lvl, sh := range shares {
		if lvl == 1 {
			if !chance(r, sh) {
				continue
			}
		} else if !chance(r, sh) {
			return
		}
		grad := p.birth.addYears(ages[lvl]) + day(r.IntN(200))
		if grad > s.now {
			return
		}
		inst, f := "", field
		switch lvl {
		case 0:
			inst, f = oneOf(r, schoolNames)+" "+p.place.Fa, oneOf(r, diplomaFields)
		case 1:
			inst = universityBranches[len(universityBranches)-1] + h.county.Fa
		default:
			if chance(r, 0.35) {
				inst = oneOf(r, universities)
			} else {
				inst = oneOf(r, universityBranches[:4]) + h.county.Fa
			}
		}
		v, _ := s.certs.take()
		fn(certificate{strconv.Itoa(lvl+1) + string(pad(nil, v, 9)), p.code, educationLevels[lvl].fa, f, inst, grad})
	}
}
