package catalog

// Labels name the values of a service record's fixed vocabularies as
// people read them, keyed "<field>.<value>": "audience.people",
// "channel.counter", "assurance.loa2", "payment.online",
// "availability.24x7", "maturity.smart", "stage.fix",
// "evaluation.sms-survey".
var Labels = map[string]Text{
	"audience.people":     {Fa: "شهروندان", En: "People"},
	"audience.households": {Fa: "خانوارها", En: "Households"},
	"audience.businesses": {Fa: "کسب‌وکارها", En: "Businesses"},
	"audience.foreigners": {Fa: "اتباع خارجی", En: "Foreign nationals"},

	"channel.national-window": {Fa: "پنجرهٔ ملی خدمات (my.gov.ir)", En: "The national window (my.gov.ir)"},
	"channel.agency-window":   {Fa: "درگاه دستگاه", En: "The agency's window"},
	"channel.mobile-app":      {Fa: "برنامهٔ تلفن همراه", En: "Mobile app"},
	"channel.ussd":            {Fa: "کد دستوری (USSD)", En: "USSD code"},
	"channel.sms":             {Fa: "پیامک", En: "SMS"},
	"channel.counter":         {Fa: "دفاتر پیشخوان", En: "Counter offices"},
	"channel.in-person":       {Fa: "مراجعهٔ حضوری به دستگاه", En: "In person at the agency"},

	"assurance.loa1": {Fa: "سطح ۱: کد یک‌بارمصرف پیامکی", En: "Level 1: one-time SMS code"},
	"assurance.loa2": {Fa: "سطح ۲: تطبیق شمارهٔ همراه با کد ملی", En: "Level 2: mobile number matched to the national code"},
	"assurance.loa3": {Fa: "سطح ۳: گواهی امضای دیجیتال یا احراز حضوری", En: "Level 3: digital signature certificate or in-person check"},

	"evaluation.survey-after-completion": {Fa: "نظرسنجی پس از پایان درخواست", En: "Survey when the request ends"},
	"evaluation.sms-survey":              {Fa: "نظرسنجی پیامکی از ۴۰۴۰", En: "SMS survey from 4040"},
	"evaluation.counter-survey":          {Fa: "نظرسنجی در دفتر پیشخوان", En: "Survey at the counter office"},
	"evaluation.mystery-shopper":         {Fa: "ارزیابی مستقل (مشتری پنهان)", En: "Independent assessors (mystery shopper)"},

	"payment.online":  {Fa: "درگاه پرداخت اینترنتی", En: "Online payment gateway"},
	"payment.counter": {Fa: "در دفتر پیشخوان", En: "At the counter office"},
	"payment.bank":    {Fa: "شعبهٔ بانک", En: "At a bank branch"},
	"payment.none":    {Fa: "بدون پرداخت", En: "No payment"},

	"availability.24x7":         {Fa: "شبانه‌روزی، همهٔ روزهای هفته", En: "Around the clock, every day"},
	"availability.office-hours": {Fa: "ساعات اداری", En: "Office hours"},

	"maturity.informational": {Fa: "اطلاع‌رسانی", En: "Informational"},
	"maturity.interactive":   {Fa: "تعاملی", En: "Interactive"},
	"maturity.transactional": {Fa: "تراکنشی", En: "Transactional"},
	"maturity.smart":         {Fa: "هوشمند", En: "Smart"},

	"stage.define":     {Fa: "تعریف", En: "Define"},
	"stage.validate":   {Fa: "اعتبارسنجی", En: "Validate"},
	"stage.diagnose":   {Fa: "آسیب‌شناسی", En: "Diagnose"},
	"stage.fix":        {Fa: "اصلاح", En: "Fix"},
	"stage.electronic": {Fa: "الکترونیکی", En: "Electronic"},
	"stage.smart":      {Fa: "هوشمند", En: "Smart"},
}

// Label returns the name of a vocabulary value, or the value itself in
// both languages when it has none.
func Label(field, value string) Text {
	if t, ok := Labels[field+"."+value]; ok {
		return t
	}
	return Text{Fa: value, En: value}
}
