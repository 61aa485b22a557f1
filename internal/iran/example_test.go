package iran_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/panjereh/panjereh/internal/iran"
)

func ExampleNormalizeMobile() {
	m, _ := iran.NormalizeMobile("+98 (912) ۳۴۵-۶۷۸۹")
	op, _ := iran.MobileOperator(m)
	fmt.Println(m, op.Code)
	// Output: 09123456789 mci
}

func ExampleNormalizeNationalCode() {
	_, err := iran.NormalizeNationalCode("99370899")
	var ve *iran.ValidationError
	if errors.As(err, &ve) {
		fmt.Println(ve.Code)
		fmt.Println(ve.Fa)
	}
	// Output:
	// length
	// کد ملی باید ۱۰ رقم باشد؛ ۸ رقم وارد شده است. صفرهای ابتدای کد را هم وارد کنید.
}

func ExampleInferKind() {
	for _, s := range []string{"0499370899", "13145-12345", "۰۹۱۲۳۴۵۶۷۸۹", "IR06 2960 0000 0010 0324 2000 01"} {
		k, _ := iran.InferKind(s)
		fmt.Println(k)
	}
	// Output:
	// national-code
	// postal-code
	// mobile
	// sheba
}

func ExampleFold() {
	// Arabic letters, a teh marbuta and a ZWNJ do not stop a match.
	fmt.Println(iran.Fold("كتابخانة") == iran.Fold("کتاب‌خانه"), iran.Fold("کتاب‌خانهٔ ۱۲"))
	// Output: true کتابخانه 12
}

func ExampleFormatJalaliLong() {
	t := time.Date(2024, 12, 18, 9, 0, 0, 0, iran.Tehran())
	fmt.Println(iran.FormatJalaliLong(t), iran.ToJalali(t))
	// Output: ۲۸ آذر ۱۴۰۳ 1403/09/28
}
