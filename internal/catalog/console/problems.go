package console

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/panjereh/panjereh/internal/catalog"
	"github.com/panjereh/panjereh/internal/iran"
	"github.com/panjereh/panjereh/internal/web"
)

// checkRecord checks sv as it would stand in the catalog sn and returns
// the problems of sv alone, as Store.SaveService does before saving; the
// preview shows them without saving.
func checkRecord(sn *catalog.Snapshot, sv catalog.Service) catalog.Problems {
	var probs catalog.Problems
	errors.As(catalog.CheckService(sn, sv), &probs)
	return probs
}

// problemRE splits a catalog problem of a service into the part of the
// record it is about (a fee, step, document or form and its number) and
// what is wrong.
var problemRE = regexp.MustCompile(`^service \S*(?: (fee|step|document|form) (\d+))?: (.*)$`)

// rule recognises one of the catalog's problem messages: it names the
// field the message is about and says it again in both languages.
type rule struct {
	re *regexp.Regexp
	// field is the field's key, or "$1" for the message's first group.
	field  string
	fa, en string // with %[n]v for the message's groups
}

// rules cover every service problem catalog.Content.Check reports and
// the store's limit on the note.
var rules = []rule{
	{regexp.MustCompile(`^ID must be seven digits$`), "id", "باید هفت رقم باشد.", "must be seven digits."},
	{regexp.MustCompile(`^ID used twice$`), "id", "این شناسه پیش‌تر به خدمت دیگری داده شده است.", "is already the ID of another service."},
	{regexp.MustCompile(`^ID must start with \S+'s number (\d+)$`), "id", "باید با شمارهٔ دستگاه، %[1]v، آغاز شود.", "must start with the agency's number, %[1]v."},
	{regexp.MustCompile(`^agency "(.*)" is not in agencies.yaml$`), "", "دستگاه «%[1]v» در فهرست دستگاه‌ها نیست.", "the agency %[1]q is not in the list of agencies."},
	{regexp.MustCompile(`^(\w+) needs both fa and en$`), "$1", "باید هم به فارسی و هم به انگلیسی نوشته شود.", "needs both the Persian and the English text."},
	{regexp.MustCompile(`^(\w+)\.fa has an Arabic yeh or kaf`), "$1", "«ی» و «ک» را فارسی بنویسید، نه عربی.", "has an Arabic yeh or kaf; write the Persian ی and ک."},
	{regexp.MustCompile(`^(\w+)\.fa is not normalised`), "$1", "متن فارسی نویسه‌های نابه‌جا دارد؛ آن را دوباره تایپ کنید.", "the Persian text has stray characters; type it again."},
	{regexp.MustCompile(`^(\w+) has stray spaces$`), "$1", "فاصله‌های اضافه دارد.", "has stray spaces."},
	{regexp.MustCompile(`^no audience$`), "audiences", "دست‌کم یک گروه مخاطب را برگزینید.", "choose at least one audience."},
	{regexp.MustCompile(`^audience "(.*)" is not one of`), "audiences", "«%[1]v» از گروه‌های مخاطب فهرست نیست.", "%[1]q is not one of the audiences listed."},
	{regexp.MustCompile(`^life event "(.*)" is not in taxonomy.yaml$`), "life_events", "«%[1]v» از رویدادهای زندگی فهرست نیست.", "%[1]q is not one of the life events listed."},
	{regexp.MustCompile(`^no category$`), "categories", "دست‌کم یک دسته را برگزینید.", "choose at least one category."},
	{regexp.MustCompile(`^category "(.*)" is not in taxonomy.yaml$`), "categories", "«%[1]v» از دسته‌های فهرست نیست.", "%[1]q is not one of the categories listed."},
	{regexp.MustCompile(`^no channel$`), "channels", "دست‌کم یک مجرای ارائه را برگزینید.", "choose at least one channel."},
	{regexp.MustCompile(`^(assurance|evaluation|availability|maturity|stage|payment|channel) "(.*)" is not one of`), "$1", "یکی از گزینه‌های فهرست را برگزینید.", "choose one of the options listed."},
	{regexp.MustCompile(`^inquiry "(.*)" is not an exchange service address`), "inquiries", "«\u2066%[1]v\u2069» نشانی خدمتی در مرکز تبادل اطلاعات به شکل \u2066IR/GOV/member/subsystem/service\u2069 نیست.", "%[1]q is not an exchange service address IR/GOV/member/subsystem/service."},
	{regexp.MustCompile(`^counter must be true exactly when`), "counter", "این گزینه را فقط و همیشه وقتی بزنید که «دفاتر پیشخوان» از مجاری ارائه باشد.", "tick it exactly when the channels include counter offices."},
	{regexp.MustCompile(`^negative amount$`), "rials", "مبلغ نمی‌تواند منفی باشد.", "the amount cannot be negative."},
	{regexp.MustCompile(`^days must be 0\.\.365$`), "days", "باید میان ۰ و ۳۶۵ روز کاری باشد.", "must be between 0 and 365 working days."},
	{regexp.MustCompile(`^electronic must be true exactly for`), "electronic", "خدمت فقط و همیشه وقتی الکترونیکی است که سطح بلوغ آن تراکنشی یا هوشمند باشد.", "a service is electronic exactly when its maturity is transactional or smart."},
	{regexp.MustCompile(`^a guide needs at least two steps$`), "steps", "راهنما دست‌کم دو گام می‌خواهد.", "a guide needs at least two steps."},
	{regexp.MustCompile(`^(\w+) "(.*)" is not an http\(s\) URL$`), "$1", "«%[2]v» نشانی وب (http یا https) نیست.", "%[2]q is not a web address (http or https)."},
	{regexp.MustCompile(`^(\w+) is required$`), "$1", "برای خدمات الکترونیکی الزامی است.", "is required for electronic services."},
	{regexp.MustCompile(`^licence "(.*)" is not in the licences database$`), "licence", "مجوز «%[1]v» در پایگاه مجوزها نیست.", "the licence %[1]q is not in the licences database."},
	{regexp.MustCompile(`^reviewed "(.*)" is not a date YYYY-MM-DD$`), "reviewed", "تاریخ را به شکل \u2066YYYY-MM-DD\u2069 بنویسید، مانند \u20662026-11-24\u2069.", "write the date as YYYY-MM-DD, such as 2026-11-24."},
	{regexp.MustCompile(`^the note is longer than (\d+) characters$`), "note", "بیش از %[1]v نویسه است.", "is longer than %[1]v characters."},
}

// fieldKeys are the form's keys for the field names the catalog uses.
var fieldKeys = map[string]string{"channel": "channels", "audience": "audiences", "text": ""}

// fromCatalog says the catalog's problems of a record in both languages,
// each with the key of the form field it is about.
func fromCatalog(probs catalog.Problems) []problem {
	var out []problem
	for _, p := range probs {
		out = append(out, translate(p))
	}
	return out
}

func translate(p string) problem {
	m := problemRE.FindStringSubmatch(p)
	if m == nil {
		return problem{Text: web.Text{Fa: p, En: p}}
	}
	part, n, msg := m[1], m[2], m[3]
	pr := problem{Text: web.Text{Fa: msg, En: msg}}
	for _, r := range rules {
		g := r.re.FindStringSubmatch(msg)
		if g == nil {
			continue
		}
		args := make([]any, len(g)-1)
		faArgs := make([]any, len(g)-1)
		for i, s := range g[1:] {
			args[i], faArgs[i] = s, s
			if _, err := strconv.Atoi(s); err == nil {
				faArgs[i] = iran.ToPersianDigits(s)
			}
		}
		pr.Text = web.Text{Fa: sprintf(r.fa, faArgs), En: sprintf(r.en, args)}
		pr.Key = r.field
		if r.field == "$1" {
			pr.Key = g[1]
		}
		if k, ok := fieldKeys[pr.Key]; ok {
			pr.Key = k
		}
		break
	}
	switch {
	case (part == "fee" || part == "step") && pr.Key != "":
		pr.Key = part + "." + n + "." + pr.Key
	case part == "document" || part == "form":
		pr.Key = part + "s"
		num, _ := strconv.Atoi(n)
		pr.Text = web.Text{Fa: textf("f.line", num, pr.Text.Fa).Fa, En: textf("f.line", num, pr.Text.En).En}
	}
	return pr
}

// sprintf fills a rule's text, whose verbs all name their argument
// ([n]), so that the groups it leaves out are not reported as extra.
func sprintf(format string, args []any) string {
	if !strings.Contains(format, "%") {
		return format
	}
	return fmt.Sprintf(format, args...)
}
