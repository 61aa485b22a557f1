package web

// Text is a piece of text a person sees, in Persian and English.
type Text struct {
	Fa string `json:"fa"`
	En string `json:"en"`
}

// In returns the text in lang, falling back to the other language when
// that one is empty.
func (t Text) In(l Lang) string {
	if l == En && t.En != "" || t.Fa == "" {
		return t.En
	}
	return t.Fa
}

// Messages is a catalogue of texts by key, such as "home.title". A
// feature passes its own to ParseTemplates; keys missing there are looked
// up in the shell's catalogue.
type Messages map[string]Text

// messages are the texts of the shell: layout, errors, forms.
var messages = Messages{
	"site.name":          {"پنجره ملی خدمات دولت هوشمند", "National Window of Smart Government Services"},
	"site.short":         {"پنجره", "Panjereh"},
	"skip":               {"پرش به محتوای اصلی", "Skip to main content"},
	"nav.label":          {"پیوندهای اصلی", "Main links"},
	"lang.switch":        {"تغییر زبان", "Change language"},
	"dev.banner":         {"نسخهٔ توسعه — داده‌ها ساختگی‌اند.", "Development instance — the data are synthetic."},
	"visitor.label":      {"اطلاعات اتصال شما", "Your connection"},
	"visitor.ip":         {"نشانی IP", "IP address"},
	"visitor.country":    {"کشور", "Country"},
	"visitor.browser":    {"مرورگر", "Browser"},
	"visitor.os":         {"سیستم‌عامل", "Operating system"},
	"place.this":         {"این رایانه", "This computer"},
	"place.local":        {"شبکهٔ محلی", "Local network"},
	"unknown":            {"نامشخص", "Unknown"},
	"stats.label":        {"آمار بازدید", "Visitor statistics"},
	"stats.total":        {"کل بازدیدها", "Total visits"},
	"stats.today":        {"بازدیدهای امروز", "Visits today"},
	"stats.visitors":     {"بازدیدکنندگان امروز", "Visitors today"},
	"stats.online":       {"کاربران برخط", "Online now"},
	"updated":            {"آخرین به‌روزرسانی", "Last updated"},
	"version":            {"نسخه", "Version"},
	"footer.free":        {"پنجره نرم‌افزار آزاد است.", "Panjereh is free software."},
	"footer.font":        {"قلم:", "Font:"},
	"footer.ipdata":      {"دادهٔ کشورِ نشانی‌های IP:", "IP-to-country data:"},
	"footer.about":       {"دربارهٔ پنجره و پروانه‌ها", "About Panjereh and licences"},
	"form.required.note": {"فیلدهای ستاره‌دار الزامی هستند.", "Fields marked with a star are required."},
	"form.required":      {"الزامی", "required"},
	"form.errors.title":  {"لطفاً این موارد را اصلاح کنید:", "Please correct the following:"},
	"error.400.title":    {"درخواست خوانده نشد", "The request could not be read"},
	"error.400.body":     {"درخواستی که فرستاده شد درست ساخته نشده یا بیش از اندازه بلند است. از صفحهٔ پیش دوباره تلاش کنید.", "The request was malformed or too long. Please go back and try again."},
	"error.404.title":    {"صفحه پیدا نشد", "Page not found"},
	"error.404.body":     {"صفحه‌ای که خواستید وجود ندارد یا جابه‌جا شده است. نشانی را بررسی کنید.", "The page you asked for does not exist or has moved. Please check the address."},
	"error.405.title":    {"این روش درخواست پذیرفته نیست", "Method not allowed"},
	"error.405.body":     {"این صفحه به این شکل درخواست پاسخ نمی‌دهد.", "This page does not answer this kind of request."},
	"error.403.title":    {"درخواست پذیرفته نشد", "Request refused"},
	"error.403.body":     {"فرم منقضی شده یا از جای دیگری فرستاده شده است. صفحه را دوباره باز کنید و فرم را از نو بفرستید.", "The form has expired or was sent from another site. Please reload the page and send the form again."},
	"error.413.title":    {"فرم بیش از اندازه بزرگ است", "The form is too large"},
	"error.413.body":     {"آنچه فرستادید از اندازهٔ مجاز (یک مگابایت) بزرگ‌تر است. مقدارهای کوتاه‌تری وارد کنید و فرم را دوباره بفرستید.", "What you sent is larger than allowed (one megabyte). Please enter shorter values and send the form again."},
	"continue.title":     {"در حال انتقال", "On your way"},
	"continue.body":      {"شما را به نشانی بعدی می‌بریم.", "You are being taken to the next address."},
	"continue.link":      {"اگر منتقل نشدید، این پیوند را بزنید.", "If nothing happens, follow this link."},
	"error.500.title":    {"خطایی در سامانه رخ داد", "Something went wrong"},
	"error.500.body":     {"متأسفیم؛ درخواست شما انجام نشد. لطفاً کمی بعد دوباره تلاش کنید. اگر مشکل ادامه داشت، شناسهٔ درخواست را به پشتیبانی اعلام کنید.", "Sorry, your request could not be completed. Please try again shortly; if the problem persists, quote the request ID to support."},
	"error.requestid":    {"شناسهٔ درخواست:", "Request ID:"},
	"error.home":         {"بازگشت به صفحهٔ اصلی", "Back to the home page"},
}

// lookup returns the text for key from the feature's catalogue, then the
// shell's; an unknown key comes back as itself, visibly.
func lookup(own Messages, key string) (Text, bool) {
	if t, ok := own[key]; ok {
		return t, true
	}
	t, ok := messages[key]
	return t, ok
}
