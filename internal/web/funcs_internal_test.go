package web

import (
	"testing"
	"time"
)

// The moments a person reads: a day with the time of day where moments
// within a day must be told apart, and the time of day to the second for
// what is minutes away (a one-time code's end), all in Tehran time, with
// Persian digits and the Gregorian date on Persian pages.
func TestMomentFormats(t *testing.T) {
	at := time.Date(2026, 11, 24, 10, 50, 30, 0, time.UTC) // 14:20:30 in Tehran
	for _, c := range []struct {
		name string
		got  string
		want string
	}{
		{"date fa", string(formatDate(Fa, at)), `<time datetime="2026-11-24" title="24 November 2026">۳ آذر ۱۴۰۵</time>`},
		{"date en", string(formatDate(En, at)), `<time datetime="2026-11-24">24 November 2026</time>`},
		{"dateTime fa", string(formatDateTime(Fa, at)),
			`<time datetime="2026-11-24T14:20:30+03:30" title="24 November 2026, 14:20">۳ آذر ۱۴۰۵، ساعت ۱۴:۲۰</time>`},
		{"dateTime en", string(formatDateTime(En, at)), `<time datetime="2026-11-24T14:20:30+03:30">24 November 2026, 14:20</time>`},
		{"clock fa", string(formatClock(Fa, at)), `<time datetime="2026-11-24T14:20:30+03:30">۱۴:۲۰:۳۰</time>`},
		{"clock en", string(formatClock(En, at)), `<time datetime="2026-11-24T14:20:30+03:30">14:20:30</time>`},
		// Just before midnight in Tehran is the next day in UTC's terms.
		{"dateTime across midnight", string(formatDateTime(En, time.Date(2026, 11, 24, 20, 45, 0, 0, time.UTC))),
			`<time datetime="2026-11-25T00:15:00+03:30">25 November 2026, 00:15</time>`},
		{"zero", string(formatDateTime(Fa, time.Time{})) + string(formatClock(En, time.Time{})), "——"},
	} {
		if c.got != c.want {
			t.Errorf("%s:\n got  %s\n want %s", c.name, c.got, c.want)
		}
	}
}
