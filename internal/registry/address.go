package registry

import (
	"strconv"
)

// villageNames name villages.
var villageNames = []string{"حسن‌آباد", "علی‌آباد", "قاسم‌آباد", "دولت‌آباد", "کلاته", "ده‌نو", "قلعه‌نو", "امام‌زاده", "چشمه‌علی", "سرآسیاب", "باغ‌بهادران", "خیرآباد"}

// address is a postal address in the Post's fields.
type address struct {
	postal, province, provinceEn, township, zone, village, localityType, localityName,
	localityCode, subLocality, street, street2, houseNumber, floor, sideFloor, buildingName, description string
}

// makeAddress invents the address behind a postal code in county c.
func makeAddress(seed int64, ordinal int64, postal string, c *county, urban bool) address {
	r := subRand(seed, streamAddresses, ordinal)
	a := address{postal: postal, province: c.Province.Fa, provinceEn: c.Province.En, township: c.Fa, zone: "مرکزی"}
	if urban {
		a.localityType, a.localityName = "شهر", c.Fa
		a.subLocality = oneOf(r, neighbourhoods)
	} else {
		a.zone = "بخش " + oneOf(r, []string{"مرکزی", "شمالی", "جنوبی", "شرقی", "غربی"})
		a.village = oneOf(r, villageNames)
		a.localityType, a.localityName = "روستا", a.village
	}
	a.localityCode = strconv.Itoa(1000 + c.Index*7 + r.IntN(7))
	kind := oneOf(r, streetKinds)
	a.street = kind + " " + oneOf(r, streetNames)
	if r.IntN(3) == 0 {
		a.street2 = oneOf(r, alleyKinds) + " " + oneOf(r, streetNames)
	} else {
		a.street2 = oneOf(r, alleyKinds) + " " + strconv.Itoa(between(r, 1, 60))
	}
	a.houseNumber = strconv.Itoa(between(r, 1, 350))
	if urban && r.IntN(100) < 60 {
		f := between(r, 0, 12)
		a.floor = strconv.Itoa(f)
		if f == 0 {
			a.floor = "همکف"
		}
		a.sideFloor = strconv.Itoa(between(r, 1, 4))
		if r.IntN(3) == 0 {
			a.buildingName = oneOf(r, buildingWords)
		}
	} else {
		a.floor = "همکف"
	}
	if r.IntN(5) == 0 {
		a.description = "جنب " + oneOf(r, []string{"مسجد", "نانوایی", "مدرسه", "پارک", "داروخانه", "بانک ملی", "درمانگاه"})
	}
	return a
}
