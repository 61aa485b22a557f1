package catalog

import "github.com/panjereh/panjereh/internal/web"

// Text is a piece of text in Persian and English.
type Text = web.Text

// Agency is a government body that offers services.
type Agency struct {
	// Code is the agency's short ASCII code, the same as its member code on
	// the exchange where it has one (sabteahval, police, tax, ...).
	Code string `yaml:"code" json:"code"`
	// Number is the agency's three-digit number, the first three digits of
	// its services' IDs.
	Number  int    `yaml:"number" json:"number"`
	Name    Text   `yaml:"name" json:"name"`
	About   Text   `yaml:"about" json:"about"`
	Website string `yaml:"website" json:"website"`
	// Window is the agency's own service window, where its services start.
	Window string `yaml:"window" json:"window"`
	// Parent is the code of the ministry the agency belongs to, if any.
	Parent string `yaml:"parent,omitempty" json:"parent,omitempty"`
}

// Audiences a service is for.
const (
	AudiencePeople     = "people"
	AudienceHouseholds = "households"
	AudienceBusinesses = "businesses"
	AudienceForeigners = "foreigners"
)

// Channels a service is offered on.
const (
	ChannelNational = "national-window" // my.gov.ir
	ChannelAgency   = "agency-window"
	ChannelApp      = "mobile-app"
	ChannelUSSD     = "ussd"
	ChannelSMS      = "sms"
	ChannelCounter  = "counter" // counter offices (دفاتر پیشخوان)
	ChannelInPerson = "in-person"
)

// Maturity levels (D6).
const (
	MaturityInformational = "informational"
	MaturityInteractive   = "interactive"
	MaturityTransactional = "transactional"
	MaturitySmart         = "smart"
)

// Stages of the smartification cycle (D6).
const (
	StageDefine     = "define"
	StageValidate   = "validate"
	StageDiagnose   = "diagnose"
	StageFix        = "fix"
	StageElectronic = "electronic"
	StageSmart      = "smart"
)

// Availability of a service (D4).
const (
	Always      = "24x7"
	OfficeHours = "office-hours"
)

// Evaluation methods of a service's satisfaction survey (D1).
const (
	EvalSurveyAfter = "survey-after-completion" // a survey when the request ends
	EvalSMSSurvey   = "sms-survey"              // a survey link by SMS from 4040
	EvalCounter     = "counter-survey"          // at the counter office
	EvalMystery     = "mystery-shopper"         // by independent assessors
)

// Payment methods of a fee.
const (
	PayOnline  = "online"  // the national payment gateway
	PayCounter = "counter" // at the counter office
	PayBank    = "bank"    // a bank branch
	PayNone    = "none"
)

// Service is a service's identity record and guide (شناسنامه خدمت, D1–D4,
// D6).
type Service struct {
	// ID is seven digits: the agency's number and a four-digit serial.
	ID      string `yaml:"id" json:"id"`
	Agency  string `yaml:"agency" json:"agency"`
	Title   Text   `yaml:"title" json:"title"`
	Summary Text   `yaml:"summary" json:"summary"`
	// Aliases are other names people use for the service, colloquial or
	// old, in either language; search matches them.
	Aliases    []string `yaml:"aliases,omitempty" json:"aliases,omitempty"`
	Audiences  []string `yaml:"audiences" json:"audiences"`
	LifeEvents []string `yaml:"life_events,omitempty" json:"lifeEvents,omitempty"`
	Categories []string `yaml:"categories" json:"categories"`
	// Assurance is the assurance level the service needs: loa1, loa2 or
	// loa3.
	Assurance string `yaml:"assurance" json:"assurance"`
	// Inquiries are the exchange services the agency calls to serve the
	// request (IR/GOV/sabteahval/registry/identity, ...).
	Inquiries  []string `yaml:"inquiries,omitempty" json:"inquiries,omitempty"`
	Evaluation string   `yaml:"evaluation" json:"evaluation"`
	Channels   []string `yaml:"channels" json:"channels"`
	// Counter says the service is delegated to counter offices.
	Counter bool  `yaml:"counter" json:"counter"`
	Fees    []Fee `yaml:"fees,omitempty" json:"fees,omitempty"`
	// Days is the processing time promised, in working days; 0 means at
	// once. TimeNote says more where a number does not.
	Days         int    `yaml:"days" json:"days"`
	TimeNote     Text   `yaml:"time_note,omitempty" json:"timeNote,omitzero"`
	Availability string `yaml:"availability" json:"availability"`
	Maturity     string `yaml:"maturity" json:"maturity"`
	Stage        string `yaml:"stage" json:"stage"`
	Electronic   bool   `yaml:"electronic" json:"electronic"`
	Steps        []Step `yaml:"steps" json:"steps"`
	Documents    []Text `yaml:"documents,omitempty" json:"documents,omitempty"`
	Forms        []Form `yaml:"forms,omitempty" json:"forms,omitempty"`
	// StartURL is where the service starts at the agency's window.
	StartURL string `yaml:"start_url,omitempty" json:"startUrl,omitempty"`
	// Licence is the ID of the licence the service issues, if any.
	Licence string `yaml:"licence,omitempty" json:"licence,omitempty"`
	// Reviewed is when the agency last reviewed the record, YYYY-MM-DD.
	Reviewed string `yaml:"reviewed" json:"reviewed"`
}

// Fee is one fee of a service.
type Fee struct {
	Title   Text   `yaml:"title" json:"title"`
	Rials   int64  `yaml:"rials" json:"rials"`
	Payment string `yaml:"payment" json:"payment"`
}

// Step is one step of a service's guide.
type Step struct {
	Title Text `yaml:"title" json:"title"`
	Body  Text `yaml:"body" json:"body"`
}

// Form is a standard form a service uses.
type Form struct {
	Title Text   `yaml:"title" json:"title"`
	URL   string `yaml:"url,omitempty" json:"url,omitempty"`
}

// Licence is one licence type of the licences database (D7).
type Licence struct {
	// ID is "L" and the issuing agency's number and a three-digit serial.
	ID       string   `yaml:"id" json:"id"`
	Issuer   string   `yaml:"issuer" json:"issuer"`
	Title    Text     `yaml:"title" json:"title"`
	Summary  Text     `yaml:"summary" json:"summary"`
	Aliases  []string `yaml:"aliases,omitempty" json:"aliases,omitempty"`
	Audience []string `yaml:"audiences" json:"audiences"`
	Issue    Text     `yaml:"issue" json:"issue"`
	Renew    Text     `yaml:"renew" json:"renew"`
	Cancel   Text     `yaml:"cancel" json:"cancel"`
	Revive   Text     `yaml:"revive" json:"revive"`
	Validity Text     `yaml:"validity" json:"validity"`
	Cost     Text     `yaml:"cost" json:"cost"`
	Time     Text     `yaml:"time" json:"time"`
	Steps    []Step   `yaml:"steps" json:"steps"`
	// Services are the IDs of the catalog's services that issue, renew or
	// cancel the licence.
	Services []string `yaml:"services,omitempty" json:"services,omitempty"`
	Reviewed string   `yaml:"reviewed" json:"reviewed"`
}

// Term is an entry of a fixed vocabulary: a life event or a category.
type Term struct {
	Key     string `yaml:"key" json:"key"`
	Title   Text   `yaml:"title" json:"title"`
	Summary Text   `yaml:"summary,omitempty" json:"summary,omitzero"`
}
