package registry

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/panjereh/panjereh/internal/iran"
)

// Persona is a fixed demo person that Seed always creates with the same
// identifiers, whatever the number of persons and the seed. Dates of their
// licences and policies follow the reference date, so that what makes each
// persona interesting (a licence that expires in 30 days, an insurance that
// has lapsed) stays true.
type Persona struct {
	Key          string // stable name, such as "ordinary" or "minor"
	RoleFa       string // who they are, in Persian
	RoleEn       string // who they are, in English
	NationalCode string
	FirstName    string
	LastName     string
	FatherName   string
	Gender       int    // 1 male, 2 female
	BirthDate    string // Jalali, "1370/05/12"
	BirthDateISO string // Gregorian, "1991-08-03"
	DeathDate    string // Jalali, empty while alive
	// Mobiles are the numbers registered to the persona in Shahkar.
	Mobiles []string
	// ClaimedMobile is a number the persona uses but that Shahkar has
	// registered to someone else.
	ClaimedMobile string
	PostalCode    string   // legal residence
	LegalID       string   // the company they manage, if any
	Plates        []string // their vehicles, canonical ASCII form
	FIDA          string   // foreign national identifier, for the foreigner
	TryFa, TryEn  string   // what to try with them
}

// personaSpec is a persona with what the generator needs to build it.
type personaSpec struct {
	Persona
	county   string // English name of the county of birth and residence
	birth    [3]int // Jalali
	death    [3]int
	father   string // key of the father persona
	mother   string
	spouse   string
	home     string // key of the persona whose household they live in
	licences []licenceSpec
}

type licenceSpec struct {
	class   string
	expires int // days from the reference date
}

// personaSpecs is the fixed cast. The national codes carry real county
// prefixes and valid check digits.
var personaSpecs = []personaSpec{
	{Persona: Persona{Key: "ordinary", RoleFa: "شهروند عادی بزرگسال", RoleEn: "an ordinary adult",
		NationalCode: "0012345679", FirstName: "علی", LastName: "رضایی", FatherName: "حسین", Gender: male,
		Mobiles: []string{"09121234567"}, PostalCode: "1315734567",
		TryFa: "ورود با کد ملی و شماره همراه؛ استعلام هویت، شاهکار، نشانی و اقامتگاه", TryEn: "log in with national code and mobile; identity, Shahkar, address and residence inquiries"},
		county: "Tehran", birth: [3]int{1370, 5, 12}, licences: []licenceSpec{{classGrade2, 2400}}},
	{Persona: Persona{Key: "husband", RoleFa: "همسر و پدر خانواده", RoleEn: "a married man with a child",
		NationalCode: "1283456788", FirstName: "محمد", LastName: "حسین‌زاده", FatherName: "جواد", Gender: male,
		Mobiles: []string{"09131234567"}, PostalCode: "8173812345", Plates: []string{"22J45613"},
		TryFa: "استعلام خانواده: همسر و فرزند", TryEn: "family inquiry: spouse and child"},
		county: "Isfahan", birth: [3]int{1362, 3, 15}, spouse: "wife", licences: []licenceSpec{{classGrade2, 1500}}},
	{Persona: Persona{Key: "wife", RoleFa: "همسر و مادر خانواده", RoleEn: "a married woman with a child",
		NationalCode: "1294567896", FirstName: "زهرا", LastName: "کریمی", FatherName: "عباس", Gender: female,
		Mobiles: []string{"09351234567"}, PostalCode: "8173812345",
		TryFa: "نام خانوادگی او با همسر و فرزندش فرق دارد، چنان‌که در ایران مرسوم است", TryEn: "keeps her own surname, as Iranian women do"},
		county: "Isfahan", birth: [3]int{1365, 7, 20}, spouse: "husband", home: "husband"},
	{Persona: Persona{Key: "minor", RoleFa: "فرزند خردسال", RoleEn: "a minor, the couple's son",
		NationalCode: "1276677881", FirstName: "امیرحسین", LastName: "حسین‌زاده", FatherName: "محمد", Gender: male,
		PostalCode: "8173812345",
		TryFa:      "خدمات ویژهٔ بزرگسالان باید رد شوند؛ شماره همراه ندارد", TryEn: "adult-only services must refuse him; he has no mobile"},
		county: "Isfahan", birth: [3]int{1396, 11, 2}, father: "husband", mother: "wife", home: "husband"},
	{Persona: Persona{Key: "elderly", RoleFa: "سالمند ۹۰ ساله، همسر فوت‌شده", RoleEn: "a widow in her nineties",
		NationalCode: "2285678908", FirstName: "فاطمه", LastName: "شیرازی", FatherName: "محمدعلی", Gender: female,
		Mobiles: []string{"09171234567"}, PostalCode: "7134567891",
		TryFa: "خدمات سالمندان و مستمری بازماندگان", TryEn: "services for the elderly and survivors' pensions"},
		county: "Shiraz", birth: [3]int{1313, 2, 10}, spouse: "deceased"},
	{Persona: Persona{Key: "deceased", RoleFa: "فرد فوت‌شده", RoleEn: "a deceased person",
		NationalCode: "2286789010", FirstName: "عباس", LastName: "نوروزی", FatherName: "غلامرضا", Gender: male,
		PostalCode: "7134567891",
		TryFa:      "استعلام هویت وضعیت فوت و تاریخ آن را برمی‌گرداند؛ ورود باید رد شود", TryEn: "identity inquiry returns the death status and date; logins must be refused"},
		county: "Shiraz", birth: [3]int{1308, 8, 1}, death: [3]int{1398, 10, 15}, spouse: "elderly", home: "elderly"},
	{Persona: Persona{Key: "two-mobiles", RoleFa: "دارندهٔ دو خط همراه", RoleEn: "a person with two mobile lines",
		NationalCode: "0927890127", FirstName: "حسن", LastName: "یزدانی", FatherName: "رضا", Gender: male,
		Mobiles: []string{"09151234567", "09361234567"}, PostalCode: "9185612345",
		TryFa: "شاهکار هر دو شماره را با کد ملی او تطبیق می‌دهد", TryEn: "Shahkar matches both numbers to his national code"},
		county: "Mashhad", birth: [3]int{1355, 4, 1}, licences: []licenceSpec{{classGrade1, 900}}},
	{Persona: Persona{Key: "borrowed-mobile", RoleFa: "جوانی که از خط پدرش استفاده می‌کند", RoleEn: "a young man using his father's second line",
		NationalCode: "0938901230", FirstName: "مهدی", LastName: "یزدانی", FatherName: "حسن", Gender: male,
		ClaimedMobile: "09361234567", PostalCode: "9185612345",
		TryFa: "ورود با ۰۹۳۶۱۲۳۴۵۶۷ باید در شاهکار با پاسخ ۶۰۰ رد شود", TryEn: "logging in with 09361234567 must fail Shahkar with 600"},
		county: "Mashhad", birth: [3]int{1383, 6, 10}, father: "two-mobiles", home: "two-mobiles"},
	{Persona: Persona{Key: "ceo", RoleFa: "مدیر عامل شرکت", RoleEn: "the CEO of a company",
		NationalCode: "0021122334", FirstName: "مریم", LastName: "صادقی", FatherName: "مصطفی", Gender: female,
		Mobiles: []string{"09123456780"}, PostalCode: "1966734511", LegalID: "10101234565", Plates: []string{"88D12310"},
		TryFa: "استعلام شخص حقوقی و صاحبان امضا؛ اقامتگاه شرکت", TryEn: "legal person and signatories inquiry; the company's residence"},
		county: "Tehran", birth: [3]int{1358, 12, 5}, licences: []licenceSpec{{classGrade2, 3000}}},
	{Persona: Persona{Key: "licence-expiring", RoleFa: "گواهینامه‌اش ۳۰ روز دیگر منقضی می‌شود", RoleEn: "a driver whose licence expires in 30 days",
		NationalCode: "0312233442", FirstName: "رضا", LastName: "کاظمی", FatherName: "اکبر", Gender: male,
		Mobiles: []string{"09121112233"}, PostalCode: "3146789123",
		TryFa: "یادآوری تمدید گواهینامه", TryEn: "licence renewal reminders"},
		county: "Karaj", birth: [3]int{1368, 1, 25}, licences: []licenceSpec{{classGrade2, 30}, {classMotorcycle, 1200}}},
	{Persona: Persona{Key: "insurance-expired", RoleFa: "بیمهٔ شخص ثالث خودرواش منقضی شده", RoleEn: "a car owner whose third-party insurance has lapsed",
		NationalCode: "2583344552", FirstName: "نیلوفر", LastName: "گیلانی", FatherName: "کاظم", Gender: female,
		Mobiles: []string{"09111234567"}, PostalCode: "4134756789", Plates: []string{"63S78946"},
		TryFa: "استعلام بیمه با پلاک: بیمه‌نامه ۲۰ روز پیش تمام شده است", TryEn: "insurance by plate: the policy ended 20 days ago"},
		county: "Rasht", birth: [3]int{1372, 9, 9}, licences: []licenceSpec{{classGrade2, 2000}}},
	{Persona: Persona{Key: "no-mobile", RoleFa: "بزرگسال بدون خط همراه", RoleEn: "an adult with no mobile line",
		NationalCode: "2984455665", FirstName: "کریم", LastName: "کرمانی", FatherName: "یدالله", Gender: male,
		PostalCode: "7617654321",
		TryFa:      "ورود با پیامک ممکن نیست؛ شاهکار برای هر شماره‌ای ۶۰۰ می‌دهد", TryEn: "cannot log in by SMS; Shahkar answers 600 for any number"},
		county: "Kerman", birth: [3]int{1340, 5, 5}},
}

// foreignPersona is the fixed foreign national.
var foreignPersona = Persona{Key: "foreigner", RoleFa: "تبعهٔ خارجی مقیم", RoleEn: "a foreign national resident in Iran",
	FIDA: "198712345601", FirstName: "احمد", LastName: "حیدری", FatherName: "نورالله", Gender: male,
	PostalCode: "9176543219", BirthDate: "1368/03/01", Mobiles: []string{"09391234567"},
	TryFa: "استعلام تبعهٔ خارجی با شناسهٔ فراگیر", TryEn: "foreign national inquiry by FIDA"}

// personaCompany is the CEO persona's company.
const personaCompanyName = "شرکت پارس نوین فناوری اطلاعات سهامی خاص"

// Personas returns the fixed demo personas, the foreign national last.
func Personas() []Persona {
	out := make([]Persona, 0, len(personaSpecs)+1)
	for _, s := range personaSpecs {
		p := s.Persona
		b := jalaliDay(s.birth[0], s.birth[1], s.birth[2])
		p.BirthDate, p.BirthDateISO = b.jalali().String(), b.String()
		if s.death[0] != 0 {
			p.DeathDate = jalaliDay(s.death[0], s.death[1], s.death[2]).jalali().String()
		}
		p.Mobiles = append([]string(nil), s.Mobiles...)
		p.Plates = append([]string(nil), s.Plates...)
		out = append(out, p)
	}
	f := foreignPersona
	f.Mobiles = append([]string(nil), f.Mobiles...)
	jd, _ := iran.ParseJalali(f.BirthDate)
	f.BirthDateISO = jalaliDay(jd.Year, jd.Month, jd.Day).String()
	return append(out, f)
}

// reservedIdentifiers are the personas' identifiers, which the generator
// never issues to anyone else.
func reservedIdentifiers() map[string]bool {
	m := map[string]bool{foreignPersona.FIDA: true, foreignPersona.PostalCode: true, personaCompanyPostal: true}
	for _, x := range foreignPersona.Mobiles {
		m[x] = true
	}
	for _, s := range personaSpecs {
		m[s.NationalCode], m[s.PostalCode] = true, true
		for _, x := range s.Mobiles {
			m[x] = true
		}
		for _, x := range s.Plates {
			m[x] = true
		}
		if s.LegalID != "" {
			m[s.LegalID] = true
		}
	}
	return m
}

// personaCompanyPostal is the company's registered office.
const personaCompanyPostal = "1513745678"

// personaHouseholds builds the personas' households, persons numbered from
// ordinal 0.
func personaHouseholds(t *tables) ([]*household, error) {
	counties := map[string]*county{}
	for _, c := range t.counties {
		counties[c.En] = c
	}
	codes := map[string]string{}
	for _, s := range personaSpecs {
		codes[s.Key] = s.NationalCode
	}
	var out []*household
	byKey := map[string]*household{}
	for i, s := range personaSpecs {
		c := counties[s.county]
		if c == nil {
			return nil, fmt.Errorf("registry: persona %s: unknown county %s", s.Key, s.county)
		}
		p := person{ordinal: int64(i), code: s.NationalCode, first: s.FirstName, last: s.LastName, father: s.FatherName,
			gender: s.Gender, birth: jalaliDay(s.birth[0], s.birth[1], s.birth[2]), death: noDay, place: c,
			fatherCode: codes[s.father], motherCode: codes[s.mother], spouseCode: codes[s.spouse]}
		if s.death[0] != 0 {
			p.death = jalaliDay(s.death[0], s.death[1], s.death[2])
		}
		h := byKey[s.home]
		if h == nil {
			h = &household{index: -1 - int64(len(out)), county: c, urban: true, postal: s.PostalCode,
				since: p.birth.addYears(30), persona: true}
			out = append(out, h)
		}
		h.members = append(h.members, p)
		byKey[s.Key] = h
	}
	return out, nil
}

// personaRecords returns the personas' fixed agency records, dated from now.
func personaRecords(now day) (lines []mobileLine, lics []licence, vehs []vehicle, pols []policy, pass []passport, certs []certificate, comp company) {
	for i, s := range personaSpecs {
		since := jalaliDay(s.birth[0], s.birth[1], s.birth[2]).addYears(20)
		for _, m := range s.Mobiles {
			op, _ := iran.MobileOperator(m)
			lines = append(lines, mobileLine{m, s.NationalCode, op.Code, since})
		}
		if i == 0 {
			// The foreign national's line is registered to the FIDA.
			for _, m := range foreignPersona.Mobiles {
				op, _ := iran.MobileOperator(m)
				lines = append(lines, mobileLine{m, foreignPersona.FIDA, op.Code, since})
			}
		}
		for j, l := range s.licences {
			exp := now + day(l.expires)
			lics = append(lics, licence{"80000000" + strconv.Itoa(i) + strconv.Itoa(j), s.NationalCode, l.class, exp.addYears(-10), exp})
		}
	}
	models := []vehicleModel{vehicleModels[0], vehicleModels[8], vehicleModels[4]}
	ends := []int{200, -20, 300}
	for i, o := range []string{"husband", "insurance-expired", "ceo"} {
		s := specByKey(o)
		pl := s.Plates[0]
		v := vehicle{pl, platePersian(pl), "NAAN01A0" + "P" + "1" + "0000000" + strconv.Itoa(i), models[i].maker, models[i].model,
			"سفید", s.NationalCode, 1398 + i}
		vehs = append(vehs, v)
		end := now + day(ends[i])
		pols = append(pols, policy{"1114030000000" + strconv.Itoa(i), insurers[i].name, pl, s.NationalCode, end.addYears(-1), end})
	}
	ceo, elder := specByKey("ceo"), specByKey("elderly")
	pass = append(pass, passport{"Z00000001", ceo.NationalCode, now - 400, now - 400 + 5*365},
		passport{"K00000002", elder.NationalCode, now - 7*365, now - 2*365})
	ord, wife := specByKey("ordinary"), specByKey("wife")
	certs = append(certs,
		certificate{"100000000001", ord.NationalCode, "دیپلم", "ریاضی و فیزیک", "دبیرستان علامه حلی تهران", jalaliDay(1388, 4, 1)},
		certificate{"300000000002", ord.NationalCode, "کارشناسی", "مهندسی کامپیوتر", "دانشگاه صنعتی شریف", jalaliDay(1393, 4, 1)},
		certificate{"100000000003", wife.NationalCode, "دیپلم", "علوم تجربی", "دبیرستان فرزانگان اصفهان", jalaliDay(1383, 4, 1)},
		certificate{"400000000004", wife.NationalCode, "کارشناسی ارشد", "مامایی", "دانشگاه اصفهان", jalaliDay(1390, 11, 1)})
	reg := jalaliDay(1385, 4, 10)
	comp = company{legalID: ceo.LegalID, name: personaCompanyName, kind: "سهامی خاص", regNo: "275431",
		office: "اداره ثبت شرکت‌ها و مؤسسات غیرتجاری تهران", city: "تهران", status: "active", postal: personaCompanyPostal,
		registered: reg, since: reg,
		signatories: []signatory{{ceo.NationalCode, "مدیر عامل", reg, noDay}, {ord.NationalCode, "عضو هیئت مدیره", jalaliDay(1399, 1, 20), noDay},
			{specByKey("two-mobiles").NationalCode, "رئیس هیئت مدیره", reg, jalaliDay(1398, 12, 29)}}}
	return
}

func specByKey(k string) personaSpec {
	for _, s := range personaSpecs {
		if s.Key == k {
			return s
		}
	}
	panic("registry: no persona " + k)
}

// platePersian renders a canonical plate such as "22J45613" in Persian.
func platePersian(ascii string) string {
	for _, l := range plateLetters {
		if l.ascii == ascii[2:3] {
			return iran.ToPersianDigits(ascii[:2] + " " + l.fa + " " + ascii[3:6] + " ایران " + ascii[6:])
		}
	}
	return ascii
}

// ParsePlate accepts a private car plate in its Persian form
// («۱۲ ب ۳۴۵ ایران ۶۷»), with ASCII digits, or in the canonical ASCII form
// ("12B34567") and returns the canonical form.
func ParsePlate(s string) (string, bool) {
	s = iran.ToASCIIDigits(s)
	s = strings.NewReplacer("ایران", "", "IR", "", " ", "", "-", "", "\u200c", "", "\u200f", "", "\u200e", "", "|", "").Replace(s)
	if len(s) < 8 {
		return "", false
	}
	isDigits := func(x string) bool {
		for i := 0; i < len(x); i++ {
			if x[i] < '0' || x[i] > '9' {
				return false
			}
		}
		return true
	}
	head, tail := s[:2], s[len(s)-5:]
	letter := s[2 : len(s)-5]
	if !isDigits(head) || !isDigits(tail) {
		return "", false
	}
	for _, l := range plateLetters {
		if letter == l.fa || strings.EqualFold(letter, l.ascii) {
			return head + l.ascii + tail, true
		}
	}
	return "", false
}
