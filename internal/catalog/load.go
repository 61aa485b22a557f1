package catalog

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/panjereh/panjereh/internal/iran"
)

//go:embed data
var data embed.FS

// Content is the whole catalog as the data files hold it.
type Content struct {
	Agencies   []Agency
	Services   []Service
	Licences   []Licence
	LifeEvents []Term
	Categories []Term
}

// Embedded returns the catalog shipped in the binary, checked.
func Embedded() (*Content, error) {
	sub, err := fs.Sub(data, "data")
	if err != nil {
		return nil, err
	}
	return Load(sub)
}

// Load reads and checks a catalog laid out as data/ is: agencies.yaml,
// taxonomy.yaml, services/*.yaml and licences/*.yaml. Every problem is
// reported with its file and record.
func Load(fsys fs.FS) (*Content, error) {
	c := &Content{}
	if err := decodeFile(fsys, "agencies.yaml", &c.Agencies); err != nil {
		return nil, err
	}
	var tax struct {
		LifeEvents []Term `yaml:"life_events"`
		Categories []Term `yaml:"categories"`
	}
	if err := decodeFile(fsys, "taxonomy.yaml", &tax); err != nil {
		return nil, err
	}
	c.LifeEvents, c.Categories = tax.LifeEvents, tax.Categories
	for _, dir := range []string{"services", "licences"} {
		names, err := fs.Glob(fsys, dir+"/*.yaml")
		if err != nil {
			return nil, err
		}
		for _, name := range names {
			var err error
			if dir == "services" {
				var s []Service
				err = decodeFile(fsys, name, &s)
				c.Services = append(c.Services, s...)
			} else {
				var l []Licence
				err = decodeFile(fsys, name, &l)
				c.Licences = append(c.Licences, l...)
			}
			if err != nil {
				return nil, err
			}
		}
	}
	if err := c.Check(); err != nil {
		return nil, err
	}
	return c, nil
}

func decodeFile(fsys fs.FS, name string, v any) error {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return fmt.Errorf("catalog: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("catalog: %s: %w", name, err)
	}
	return nil
}

var (
	agencyCodeRE = regexp.MustCompile(`^[a-z][a-z0-9-]{1,30}$`)
	termKeyRE    = regexp.MustCompile(`^[a-z][a-z0-9-]{1,40}$`)
	serviceIDRE  = regexp.MustCompile(`^[1-9][0-9]{6}$`)
	licenceIDRE  = regexp.MustCompile(`^L[1-9][0-9]{5}$`)
	inquiryRE    = regexp.MustCompile(`^IR/GOV/[a-z0-9-]+/[a-z0-9-]+/[a-z0-9-]+$`)
)

// Problems is every problem found in a catalog.
type Problems []string

func (p Problems) Error() string {
	const show = 30
	s := fmt.Sprintf("catalog: %d problems:\n  %s", len(p), strings.Join(p[:min(len(p), show)], "\n  "))
	if len(p) > show {
		s += fmt.Sprintf("\n  ... and %d more", len(p)-show)
	}
	return s
}

// Check checks every record and the references between them.
func (c *Content) Check() error {
	var probs Problems
	bad := func(where, format string, args ...any) {
		probs = append(probs, where+": "+fmt.Sprintf(format, args...))
	}
	agencies := map[string]Agency{}
	numbers := map[int]string{}
	for i, a := range c.Agencies {
		where := fmt.Sprintf("agency %d (%s)", i+1, a.Code)
		if !agencyCodeRE.MatchString(a.Code) {
			bad(where, "code must be lowercase ASCII letters, digits and dashes")
		}
		if _, dup := agencies[a.Code]; dup {
			bad(where, "code used twice")
		}
		if a.Number < 100 || a.Number > 999 {
			bad(where, "number must have three digits")
		} else if other, dup := numbers[a.Number]; dup {
			bad(where, "number %d is also %s's", a.Number, other)
		}
		checkText(bad, where, "name", a.Name, true)
		checkText(bad, where, "about", a.About, true)
		checkURL(bad, where, "website", a.Website, true)
		checkURL(bad, where, "window", a.Window, true)
		agencies[a.Code], numbers[a.Number] = a, a.Code
	}
	for _, a := range c.Agencies {
		if _, ok := agencies[a.Parent]; a.Parent != "" && !ok {
			bad("agency "+a.Code, "parent %q is not an agency", a.Parent)
		}
	}
	events := termSet(bad, "life event", c.LifeEvents)
	cats := termSet(bad, "category", c.Categories)
	licences := map[string]Licence{}
	for _, l := range c.Licences {
		if _, dup := licences[l.ID]; dup {
			bad("licence "+l.ID, "ID used twice")
		}
		licences[l.ID] = l
	}
	services := map[string]bool{}
	for _, s := range c.Services {
		where := "service " + s.ID
		if !serviceIDRE.MatchString(s.ID) {
			bad(where, "ID must be seven digits")
		}
		if services[s.ID] {
			bad(where, "ID used twice")
		}
		services[s.ID] = true
		a, ok := agencies[s.Agency]
		if !ok {
			bad(where, "agency %q is not in agencies.yaml", s.Agency)
		} else if !strings.HasPrefix(s.ID, fmt.Sprint(a.Number)) {
			bad(where, "ID must start with %s's number %d", a.Code, a.Number)
		}
		checkText(bad, where, "title", s.Title, true)
		checkText(bad, where, "summary", s.Summary, true)
		if len(s.Audiences) == 0 {
			bad(where, "no audience")
		}
		for _, v := range s.Audiences {
			checkOne(bad, where, "audience", v, AudiencePeople, AudienceHouseholds, AudienceBusinesses, AudienceForeigners)
		}
		for _, k := range s.LifeEvents {
			if !events[k] {
				bad(where, "life event %q is not in taxonomy.yaml", k)
			}
		}
		if len(s.Categories) == 0 {
			bad(where, "no category")
		}
		for _, k := range s.Categories {
			if !cats[k] {
				bad(where, "category %q is not in taxonomy.yaml", k)
			}
		}
		checkOne(bad, where, "assurance", s.Assurance, "loa1", "loa2", "loa3")
		for _, q := range s.Inquiries {
			if !inquiryRE.MatchString(q) {
				bad(where, "inquiry %q is not an exchange service address IR/GOV/member/subsystem/service", q)
			}
		}
		checkOne(bad, where, "evaluation", s.Evaluation, EvalSurveyAfter, EvalSMSSurvey, EvalCounter, EvalMystery)
		if len(s.Channels) == 0 {
			bad(where, "no channel")
		}
		for _, ch := range s.Channels {
			checkOne(bad, where, "channel", ch, ChannelNational, ChannelAgency, ChannelApp, ChannelUSSD, ChannelSMS, ChannelCounter, ChannelInPerson)
		}
		if s.Counter != slices.Contains(s.Channels, ChannelCounter) {
			bad(where, "counter must be true exactly when the channels include %q", ChannelCounter)
		}
		for i, f := range s.Fees {
			fw := fmt.Sprintf("%s fee %d", where, i+1)
			checkText(bad, fw, "title", f.Title, true)
			if f.Rials < 0 {
				bad(fw, "negative amount")
			}
			checkOne(bad, fw, "payment", f.Payment, PayOnline, PayCounter, PayBank, PayNone)
		}
		if s.Days < 0 || s.Days > 365 {
			bad(where, "days must be 0..365")
		}
		checkText(bad, where, "time_note", s.TimeNote, false)
		checkOne(bad, where, "availability", s.Availability, Always, OfficeHours)
		checkOne(bad, where, "maturity", s.Maturity, MaturityInformational, MaturityInteractive, MaturityTransactional, MaturitySmart)
		checkOne(bad, where, "stage", s.Stage, StageDefine, StageValidate, StageDiagnose, StageFix, StageElectronic, StageSmart)
		if s.Electronic != (s.Maturity == MaturityTransactional || s.Maturity == MaturitySmart) {
			bad(where, "electronic must be true exactly for transactional and smart services")
		}
		if len(s.Steps) < 2 {
			bad(where, "a guide needs at least two steps")
		}
		for i, st := range s.Steps {
			checkText(bad, fmt.Sprintf("%s step %d", where, i+1), "title", st.Title, true)
			checkText(bad, fmt.Sprintf("%s step %d", where, i+1), "body", st.Body, true)
		}
		for i, d := range s.Documents {
			checkText(bad, fmt.Sprintf("%s document %d", where, i+1), "text", d, true)
		}
		for i, f := range s.Forms {
			checkText(bad, fmt.Sprintf("%s form %d", where, i+1), "title", f.Title, true)
			checkURL(bad, fmt.Sprintf("%s form %d", where, i+1), "url", f.URL, false)
		}
		checkURL(bad, where, "start_url", s.StartURL, s.Electronic)
		if _, ok := licences[s.Licence]; s.Licence != "" && !ok {
			bad(where, "licence %q is not in the licences database", s.Licence)
		}
		checkDate(bad, where, s.Reviewed)
	}
	for _, l := range c.Licences {
		where := "licence " + l.ID
		if !licenceIDRE.MatchString(l.ID) {
			bad(where, "ID must be L and six digits")
		}
		if a, ok := agencies[l.Issuer]; !ok {
			bad(where, "issuer %q is not in agencies.yaml", l.Issuer)
		} else if !strings.HasPrefix(l.ID, fmt.Sprintf("L%d", a.Number)) {
			bad(where, "ID must start with L and %s's number %d", a.Code, a.Number)
		}
		for _, f := range []struct {
			name string
			t    Text
		}{{"title", l.Title}, {"summary", l.Summary}, {"issue", l.Issue}, {"renew", l.Renew}, {"cancel", l.Cancel},
			{"revive", l.Revive}, {"validity", l.Validity}, {"cost", l.Cost}, {"time", l.Time}} {
			checkText(bad, where, f.name, f.t, true)
		}
		if len(l.Audience) == 0 {
			bad(where, "no audience")
		}
		for _, v := range l.Audience {
			checkOne(bad, where, "audience", v, AudiencePeople, AudienceHouseholds, AudienceBusinesses, AudienceForeigners)
		}
		if len(l.Steps) < 2 {
			bad(where, "a process needs at least two steps")
		}
		for i, st := range l.Steps {
			checkText(bad, fmt.Sprintf("%s step %d", where, i+1), "title", st.Title, true)
			checkText(bad, fmt.Sprintf("%s step %d", where, i+1), "body", st.Body, true)
		}
		for _, id := range l.Services {
			if !services[id] {
				bad(where, "service %q is not in the catalog", id)
			}
		}
		checkDate(bad, where, l.Reviewed)
	}
	if len(probs) > 0 {
		return probs
	}
	return nil
}

func termSet(bad func(string, string, ...any), kind string, terms []Term) map[string]bool {
	set := map[string]bool{}
	for _, t := range terms {
		where := kind + " " + t.Key
		if !termKeyRE.MatchString(t.Key) {
			bad(where, "key must be lowercase ASCII letters, digits and dashes")
		}
		if set[t.Key] {
			bad(where, "key used twice")
		}
		set[t.Key] = true
		checkText(bad, where, "title", t.Title, true)
	}
	return set
}

// checkText checks that a text has both languages (when required, or when
// either is given), that its Persian is normalised (no Arabic yeh or kaf)
// and that it has no stray spaces.
func checkText(bad func(string, string, ...any), where, field string, t Text, required bool) {
	if t.Fa == "" && t.En == "" && !required {
		return
	}
	if t.Fa == "" || t.En == "" {
		bad(where, "%s needs both fa and en", field)
		return
	}
	if strings.ContainsAny(t.Fa, "يك") {
		bad(where, "%s.fa has an Arabic yeh or kaf; write ی and ک", field)
	}
	if iran.NormalizeText(t.Fa) != t.Fa {
		bad(where, "%s.fa is not normalised: %q", field, iran.NormalizeText(t.Fa))
	}
	for _, s := range []string{t.Fa, t.En} {
		if s != strings.TrimSpace(s) || strings.Contains(s, "  ") {
			bad(where, "%s has stray spaces", field)
		}
	}
}

func checkOne(bad func(string, string, ...any), where, field, v string, allowed ...string) {
	if !slices.Contains(allowed, v) {
		bad(where, "%s %q is not one of %s", field, v, strings.Join(allowed, ", "))
	}
}

func checkURL(bad func(string, string, ...any), where, field, v string, required bool) {
	if v == "" {
		if required {
			bad(where, "%s is required", field)
		}
		return
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || path.Clean("/"+u.Path) == "" {
		bad(where, "%s %q is not an http(s) URL", field, v)
	}
}

func checkDate(bad func(string, string, ...any), where, v string) {
	if _, err := time.Parse(time.DateOnly, v); err != nil {
		bad(where, "reviewed %q is not a date YYYY-MM-DD", v)
	}
}
