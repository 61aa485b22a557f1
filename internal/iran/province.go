package iran

import "sync"

// provinces are Iran's 31 provinces, by their Persian names, with the
// English names the Post and the government's English pages use.
var provinces = [...]struct{ fa, en string }{
	{"آذربایجان شرقی", "East Azerbaijan"}, {"آذربایجان غربی", "West Azerbaijan"}, {"اردبیل", "Ardabil"},
	{"اصفهان", "Isfahan"}, {"البرز", "Alborz"}, {"ایلام", "Ilam"}, {"بوشهر", "Bushehr"}, {"تهران", "Tehran"},
	{"چهارمحال و بختیاری", "Chaharmahal and Bakhtiari"}, {"خراسان جنوبی", "South Khorasan"},
	{"خراسان رضوی", "Razavi Khorasan"}, {"خراسان شمالی", "North Khorasan"}, {"خوزستان", "Khuzestan"},
	{"زنجان", "Zanjan"}, {"سمنان", "Semnan"}, {"سیستان و بلوچستان", "Sistan and Baluchestan"}, {"فارس", "Fars"},
	{"قزوین", "Qazvin"}, {"قم", "Qom"}, {"کردستان", "Kurdistan"}, {"کرمان", "Kerman"}, {"کرمانشاه", "Kermanshah"},
	{"کهگیلویه و بویراحمد", "Kohgiluyeh and Boyer-Ahmad"}, {"گلستان", "Golestan"}, {"گیلان", "Gilan"},
	{"لرستان", "Lorestan"}, {"مازندران", "Mazandaran"}, {"مرکزی", "Markazi"}, {"هرمزگان", "Hormozgan"},
	{"همدان", "Hamadan"}, {"یزد", "Yazd"},
}

var provinceIndex = sync.OnceValue(func() map[string]string {
	m := make(map[string]string, len(provinces))
	for _, p := range provinces {
		m[cityKey(p.fa)] = p.en
	}
	return m
})

// ProvinceEnglish returns the English name of the province named fa in
// Persian, however its letters are written (Arabic ي and ك, the
// zero-width non-joiner, spacing, its words written apart or together:
// آذربایجان‌شرقی, سیستان وبلوچستان), and whether fa is one of Iran's
// provinces.
func ProvinceEnglish(fa string) (string, bool) {
	en, ok := provinceIndex()[cityKey(fa)]
	return en, ok
}
