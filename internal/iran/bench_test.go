package iran

import (
	"testing"
	"time"
)

// sink keeps results alive so that the compiler cannot drop the calls.
var sink string

func benchNormalize(b *testing.B, normalize func(string) (string, error), canonical, typed string) {
	b.Run("canonical", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sink, _ = normalize(canonical)
		}
	})
	b.Run("typed", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sink, _ = normalize(typed)
		}
	})
}

func BenchmarkNormalizeNationalCode(b *testing.B) {
	benchNormalize(b, NormalizeNationalCode, "0499370899", "۰۴۹-۹۳۷۰۸۹-۹")
}

func BenchmarkNormalizeLegalID(b *testing.B) {
	benchNormalize(b, NormalizeLegalID, "10380284790", "۱۰۳۸۰۲۸۴۷۹۰")
}

func BenchmarkNormalizePostalCode(b *testing.B) {
	benchNormalize(b, NormalizePostalCode, "1314512345", "۱۳۱۴۵-۱۲۳۴۵")
}

func BenchmarkNormalizeMobile(b *testing.B) {
	benchNormalize(b, NormalizeMobile, "09123456789", "+98 (912) 345-6789")
}

func BenchmarkNormalizeSheba(b *testing.B) {
	benchNormalize(b, NormalizeSheba, "IR062960000000100324200001", "ir06 2960 0000 0010 0324 2000 01")
}

func BenchmarkFold(b *testing.B) {
	const s = "وزارت ارتباطات و فناوري اطلاعات - سامانهٔ ملي خدمات دولت هوشمند ۱۴۰۳"
	b.ReportAllocs()
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		sink = Fold(s)
	}
}

func BenchmarkNormalizeText(b *testing.B) {
	const s = "وزارت ارتباطات و فناوری اطلاعات - سامانهٔ ملی خدمات دولت هوشمند ۱۴۰۳"
	b.ReportAllocs()
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		sink = NormalizeText(s)
	}
}

func BenchmarkToJalali(b *testing.B) {
	tm := time.Date(2024, 12, 18, 10, 0, 0, 0, Tehran())
	var d JalaliDate
	b.ReportAllocs()
	for b.Loop() {
		d = ToJalali(tm)
	}
	sink = d.String()
}
