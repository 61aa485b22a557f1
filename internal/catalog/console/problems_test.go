package console

import (
	"testing"

	"github.com/panjereh/panjereh/internal/catalog"
)

// TestEveryProblemIsTranslated breaks a record in every way the catalog
// checks and makes sure the console recognises each problem: it says
// which field it is about, in Persian. Should the catalog's wording
// change, this test names the message the console no longer knows.
func TestEveryProblemIsTranslated(t *testing.T) {
	c, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	sn := &catalog.Snapshot{Content: *c}
	sv := c.Services[0]
	sv.ID = sv.ID[:1] + "99999" // six digits, not starting with the agency's number
	sv.Title.En = ""
	sv.Summary.Fa = "خلاصهٔ يك خدمت"
	sv.Summary.En = "A  summary"
	sv.Audiences = []string{"martians"}
	sv.LifeEvents = []string{"no-such-event"}
	sv.Categories = nil
	sv.Assurance = "loa9"
	sv.Inquiries = []string{"not/an/address"}
	sv.Evaluation = "astrology"
	sv.Channels = []string{"pigeon"}
	sv.Counter = true
	sv.Fees = []catalog.Fee{{Title: catalog.Text{Fa: "هزینه"}, Rials: -1, Payment: "barter"}}
	sv.Days = 400
	sv.TimeNote = catalog.Text{En: "Only English"}
	sv.Availability = "sometimes"
	sv.Maturity = "informational"
	sv.Stage = "dreaming"
	sv.Electronic = true
	sv.Steps = []catalog.Step{{Title: catalog.Text{Fa: "گام", En: "Step"}}}
	sv.Documents = []catalog.Text{{Fa: "مدرک"}}
	sv.Forms = []catalog.Form{{Title: catalog.Text{Fa: "فرم", En: "Form"}, URL: "ftp://example.org/form"}}
	sv.StartURL = ""
	sv.Licence = "L999999"
	sv.Reviewed = "yesterday"
	probs := checkRecord(sn, sv)
	if len(probs) < 20 {
		t.Fatalf("only %d problems: %v", len(probs), probs)
	}
	noAudience := sv
	noAudience.Audiences, noAudience.Channels, noAudience.Categories = nil, nil, []string{"no-such-category"}
	probs = append(probs, checkRecord(sn, noAudience)...)
	probs = append(probs, "service "+sv.ID+": the note is longer than 500 characters")
	keys := map[string]bool{}
	for _, p := range probs {
		got := translate(p)
		if got.Text.Fa == got.Text.En {
			t.Errorf("%q is not translated", p)
		}
		keys[got.Key] = true
	}
	for _, k := range []string{"id", "title", "summary", "audiences", "life_events", "categories", "assurance", "inquiries",
		"evaluation", "channels", "counter", "fee.1.title", "fee.1.rials", "fee.1.payment", "days", "time_note",
		"availability", "stage", "electronic", "steps", "step.1.body", "documents", "forms", "start_url", "licence",
		"reviewed", "note"} {
		if !keys[k] {
			t.Errorf("no problem about %q among %v", k, keys)
		}
	}
}
