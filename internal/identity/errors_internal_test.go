package identity

import (
	"testing"
	"time"
)

// How long to wait is said in whole minutes, or seconds under a minute,
// or hours over an hour and a half, rounded up, with English plurals.
func TestWaitFor(t *testing.T) {
	for _, c := range []struct {
		d      time.Duration
		fa, en string
	}{
		{13*time.Minute + 48*time.Second, "۱۴ دقیقهٔ دیگر", "in 14 minutes"},
		{60 * time.Minute, "۶۰ دقیقهٔ دیگر", "in 60 minutes"},
		{90 * time.Minute, "۹۰ دقیقهٔ دیگر", "in 90 minutes"},
		{90*time.Minute + time.Second, "۲ ساعت دیگر", "in 2 hours"},
		{23*time.Hour + 59*time.Minute, "۲۴ ساعت دیگر", "in 24 hours"},
		{61 * time.Second, "۲ دقیقهٔ دیگر", "in 2 minutes"},
		{60 * time.Second, "۶۰ ثانیهٔ دیگر", "in 60 seconds"},
		{200 * time.Millisecond, "۱ ثانیهٔ دیگر", "in 1 second"},
		{0, "۱ ثانیهٔ دیگر", "in 1 second"},
	} {
		if fa, en := waitFor(c.d); fa != c.fa || en != c.en {
			t.Errorf("waitFor(%v) = %q, %q; want %q, %q", c.d, fa, en, c.fa, c.en)
		}
	}
	s := &Service{Policy: DefaultPolicy()}
	for n, want := range map[int]string{1: "the code is wrong; 4 more tries are left", 4: "the code is wrong; 1 more try is left"} {
		if e := s.wrongCode(n).(*Error); e.En != want {
			t.Errorf("wrongCode(%d) says %q, want %q", n, e.En, want)
		}
	}
}
