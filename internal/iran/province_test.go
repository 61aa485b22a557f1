package iran_test

import (
	"testing"

	"github.com/panjereh/panjereh/internal/iran"
)

func TestProvinceEnglish(t *testing.T) {
	for _, tt := range []struct {
		fa, en string
		ok     bool
	}{
		{"تهران", "Tehran", true},
		{"خراسان رضوی", "Razavi Khorasan", true},
		{"  خراسان   رضوي ", "Razavi Khorasan", true}, // Arabic yeh, extra spaces
		{"كرمانشاه", "Kermanshah", true},              // Arabic kaf
		{"کهگیلویه و بویراحمد", "Kohgiluyeh and Boyer-Ahmad", true},
		{"کهگیلویه و بویر احمد", "Kohgiluyeh and Boyer-Ahmad", true}, // words apart
		{"آذربایجان\u200cشرقی", "East Azerbaijan", true},             // zero-width non-joiner
		{"سیستان وبلوچستان", "Sistan and Baluchestan", true},
		{"مشهد", "", false}, // a city, not a province
		{"", "", false},
	} {
		en, ok := iran.ProvinceEnglish(tt.fa)
		if en != tt.en || ok != tt.ok {
			t.Errorf("ProvinceEnglish(%q) = %q, %v; want %q, %v", tt.fa, en, ok, tt.en, tt.ok)
		}
	}
}
