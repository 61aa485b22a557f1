package search

import (
	"context"
	"slices"
	"testing"

	"github.com/panjereh/panjereh/internal/catalog"
)

// tokens returns the terms the analyzer indexes for text.
func tokens(text string) []string {
	var out []string
	for _, t := range (&textAnalyzer{}).Analyze([]byte(text)) {
		out = append(out, string(t.Term))
	}
	return out
}

func TestAnalyzer(t *testing.T) {
	tests := []struct {
		name, text string
		want, not  []string
	}{
		{name: "compound with ZWNJ is one token and its parts", text: "گواهی‌نامه",
			want: []string{"گواهینامه", "گواهی", "نامه"}},
		{name: "spaced compound gets a joined shingle", text: "گواهی نامه",
			want: []string{"گواهی", "نامه", "گواهینامه"}},
		{name: "joined compound", text: "گواهینامه", want: []string{"گواهینامه"}, not: []string{"گواهی"}},
		{name: "Arabic yeh and kaf", text: "كارت ملي", want: []string{"کارت", "ملی", "کارتملی"}, not: []string{"كارت", "ملي"}},
		{name: "alef maqsura and teh marbuta", text: "مدرسة عيسى", want: []string{"مدرسه", "عیسی"}},
		{name: "hamza forms", text: "مسئول مؤسسه آزمون أمنیت إجرا", want: []string{"مسیول", "موسسه", "ازمون", "امنیت", "اجرا"}},
		{name: "harakat and tatweel", text: "گـــذَرنامـه", want: []string{"گذرنامه"}},
		{name: "direction marks inside a word", text: "گذر\u200fنامه\u200e", want: []string{"گذرنامه"}},
		{name: "ezafe hamza", text: "ادارهٔ", want: []string{"اداره"}},
		{name: "standalone hamza", text: "سوء پیشینه", want: []string{"سو", "پیشینه", "سوپیشینه"}},
		{name: "Persian digits", text: "پایه ۳ کد ۱۲۳۴", want: []string{"3", "1234"}, not: []string{"۳"}},
		{name: "Arabic-Indic digits", text: "١٢٣", want: []string{"123"}},
		{name: "plural ها with ZWNJ", text: "کارت‌ها", want: []string{"کارتها", "کارت"}, not: []string{"ها"}},
		{name: "plural های joined", text: "گواهینامههای", want: []string{"گواهینامه"}},
		{name: "plural هایی", text: "پروندههایی", want: []string{"پرونده"}},
		{name: "plural گان", text: "رانندگان", want: []string{"راننده"}},
		{name: "plural یان", text: "دانشجویان", want: []string{"دانشجو"}},
		{name: "plural ان", text: "کارکنان", want: []string{"کارکن"}},
		{name: "plural ات of a word in ت", text: "خدمات", want: []string{"خدمت"}},
		{name: "plural ات", text: "انشعابات", want: []string{"انشعاب"}},
		{name: "not a plural: city", text: "تهران", want: []string{"تهران"}, not: []string{"تهر"}},
		{name: "not a plural: place suffix", text: "استان بیمارستان", not: []string{"است", "بیمارست"}},
		{name: "not a plural: tax", text: "مالیات", not: []string{"مالی"}},
		{name: "short words are not stemmed", text: "نان", not: []string{"ن"}},
		{name: "stop words dropped and not bridged", text: "تمدید در گذرنامه", want: []string{"تمدید", "گذرنامه"}, not: []string{"در", "تمدیدگذرنامه"}},
		{name: "English stems", text: "Driving Licences", want: []string{"driving", "drive", "licences", "licenc", "drivinglicences"}},
		{name: "English stop words", text: "how to renew the passport", want: []string{"renew", "passport"}, not: []string{"how", "the", "to"}},
		{name: "no shingle across scripts", text: "کارت ID", not: []string{"کارتid"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tokens(tt.text)
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("tokens(%q) = %q, missing %q", tt.text, got, w)
				}
			}
			for _, w := range tt.not {
				if slices.Contains(got, w) {
					t.Errorf("tokens(%q) = %q, should not have %q", tt.text, got, w)
				}
			}
		})
	}
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"گذرنامه", "گذرنامه", 0},
		{"گذرنامه", "گذرنامع", 1},  // substitution
		{"گذرنامه", "گذنامه", 1},   // deletion
		{"گذرنامه", "گذرناامه", 1}, // insertion
		{"گذرنامه", "گذرانمه", 1},  // transposition
		{"گواهینامه", "گواهیناما", 1},
		{"گواهینامه", "گوهینامع", 2},
		{"passport", "pasport", 1},
		{"passport", "pasprot", 2},
		{"کارت", "ملی", 3}, // more than the bound
	}
	for _, tt := range tests {
		var rows [3][]int
		got := editDistance([]rune(tt.a), []rune(tt.b), 2, &rows)
		if tt.want > 2 {
			tt.want = 3
		}
		if got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestEquivalentForms checks end to end that the forms of a word a person
// may type find the same document first.
func TestEquivalentForms(t *testing.T) {
	docs := []Doc{
		{ID: "1", Kind: KindLicence, Title: catalog.Text{Fa: "گواهی‌نامهٔ رانندگی", En: "Driving licence"}},
		{ID: "2", Kind: KindService, Title: catalog.Text{Fa: "گواهی عدم سوء پیشینه", En: "Certificate of no criminal record"}},
		{ID: "3", Kind: KindService, Title: catalog.Text{Fa: "صدور کارت هوشمند ملی", En: "Issuing the smart national card"}},
		{ID: "4", Kind: KindService, Title: catalog.Text{Fa: "تمدید گذرنامه", En: "Renewing a passport"}},
		{ID: "5", Kind: KindService, Title: catalog.Text{Fa: "استعلام خلافی خودرو", En: "Traffic fines of a vehicle"}},
		{ID: "6", Kind: KindService, Title: catalog.Text{Fa: "ثبت‌نام آزمون سراسری ۱۴۰۵", En: "Registering for the 1405 national exam"}},
		{ID: "7", Kind: KindService, Title: catalog.Text{Fa: "نامه‌های اداری", En: "Official letters"}},
	}
	ix, err := New(docs)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		want    string
		queries []string
	}{
		{"1", []string{"گواهی‌نامه", "گواهی نامه", "گواهینامه", "گواهینامه‌ها", "گواهي نامه", "گواهینامع", "لایسنس", "driving license", "licence", "گواهینا"}},
		{"2", []string{"سوء پیشینه", "سو پیشینه", "سوپیشینه", "عدم سوءپیشینه", "پیشینه"}},
		{"3", []string{"کارت ملی", "كارت ملي", "کارت‌ملی", "کارتملی", "national id card", "کارت هوشمند"}},
		{"4", []string{"گذرنامه", "پاسپورت", "passport", "pasport", "گذرنامه‌ها", "تمدید گذرنامه", "گذرنامَه", "گذرانمه"}},
		{"5", []string{"خلافی ماشین", "جریمه خودرو", "خلافی", "car fines"}},
		{"6", []string{"آزمون ۱۴۰۵", "ازمون 1405", "ثبت نام آزمون", "ثبتنام آزمون"}},
	}
	for _, tt := range tests {
		for _, q := range tt.queries {
			_, hits, err := ix.Search(context.Background(), Query{Text: q})
			if err != nil {
				t.Fatal(err)
			}
			if len(hits) == 0 || hits[0].ID != tt.want {
				t.Errorf("Search(%q) = %v, want %s first", q, hits, tt.want)
			}
		}
	}
}
