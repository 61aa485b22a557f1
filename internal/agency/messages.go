package agency

import "github.com/panjereh/panjereh/internal/web"

// messages are the agency site's texts. site.name and footer.about
// replace the national window's, since this is the agency's own site.
var messages = web.Messages{
	"site.name":    {Fa: "سامانهٔ خدمات راهنمایی و رانندگی (دستگاه نمونه)", En: "Traffic Police Services (reference agency)"},
	"footer.about": {Fa: "دربارهٔ این سامانهٔ نمونه", En: "About this reference site"},
	"nav.home":     {Fa: "خانه", En: "Home"},
	"nav.me":       {Fa: "اطلاعات من", En: "My information"},
	"nav.licences": {Fa: "گواهینامه‌های من", En: "My driving licences"},

	"home.title":    {Fa: "خدمات راهنمایی و رانندگی", En: "Traffic police services"},
	"home.lead":     {Fa: "گواهینامه‌های رانندگی خود را ببینید. برای ورود از حساب «دولت من» استفاده کنید؛ نیازی به نام کاربری جداگانه نیست.", En: "See your driving licences. Log in with your “My Government” account; you need no separate username here."},
	"home.login":    {Fa: "ورود از طریق دولت من", En: "Log in with My Government"},
	"home.welcome":  {Fa: "خوش آمدید،", En: "Welcome,"},
	"home.services": {Fa: "خدمات", En: "Services"},
	"home.dev":      {Fa: "این سامانه نمونه‌ای است برای برنامه‌نویسان دستگاه‌ها: همان کاری را می‌کند که هر دستگاه برای اتصال به «دولت من» و مرکز ملی تبادل اطلاعات باید بکند.", En: "This site is a reference for agencies' developers: it does exactly what any agency does to connect to “My Government” and the national information exchange."},
	"home.guide":    {Fa: "راهنمای اتصال دستگاه‌ها، در مخزن کد پنجره:", En: "The guide to connecting an agency, in Panjereh's source code repository:"},
	"home.code":     {Fa: "کد همین سامانه، در همان مخزن:", En: "The code of this site, in the same repository:"},

	"me.title":       {Fa: "اطلاعاتی که دولت من فرستاد", En: "What My Government sent"},
	"me.lead":        {Fa: "این‌ها همهٔ اطلاعاتی است که پنجرهٔ ملی با رضایت شما به این سامانه داد؛ نه بیشتر.", En: "This is all the information the national window gave this site with your consent, and nothing more."},
	"me.attributes":  {Fa: "اطلاعات شما", En: "Your information"},
	"me.attribute":   {Fa: "عنوان", En: "Item"},
	"me.value":       {Fa: "مقدار", En: "Value"},
	"me.none":        {Fa: "جز شناسهٔ شما اطلاعاتی فرستاده نشد.", En: "Nothing but your identifier was sent."},
	"me.login":       {Fa: "ورود", En: "Login"},
	"me.acr":         {Fa: "سطح اطمینان (acr)", En: "Assurance level (acr)"},
	"me.amr":         {Fa: "روش احراز هویت (amr)", En: "Authentication methods (amr)"},
	"me.auth_time":   {Fa: "زمان احراز هویت", En: "Authenticated on"},
	"me.sub":         {Fa: "شناسهٔ شما نزد این سامانه (sub)", En: "Your identifier at this site (sub)"},
	"me.sid":         {Fa: "شناسهٔ نشست دولت من (sid)", En: "My Government session (sid)"},
	"me.raw":         {Fa: "برای برنامه‌نویسان: پاسخ‌های خام", En: "For developers: the raw answers"},
	"me.raw.idtoken": {Fa: "ادعاهای توکن شناسه (ID token)", En: "ID token claims"},
	"me.raw.ui":      {Fa: "پاسخ /oauth2/userinfo", En: "The answer of /oauth2/userinfo"},
	"me.raw.compat":  {Fa: "پاسخ /api/v1/user/userinfo (نام‌های سامانهٔ ملی)", En: "The answer of /api/v1/user/userinfo (the national SSO's names)"},
	"me.raw.none":    {Fa: "پاسخی دریافت نشد.", En: "No answer was received."},
	"list.sep":       {Fa: "، ", En: ", "},
	"logout":         {Fa: "خروج", En: "Log out"},
	"logout.note":    {Fa: "خروج شما را از پنجرهٔ ملی و همهٔ دستگاه‌هایی که با آن وارد شده‌اید نیز خارج می‌کند.", En: "Logging out also logs you out of the national window and of every agency you entered with it."},

	"licences.title":      {Fa: "گواهینامه‌های رانندگی من", En: "My driving licences"},
	"licences.lead":       {Fa: "این فهرست همین حالا با کد ملی شما و از طرف شما از پایگاه گواهینامهٔ پلیس، از راه مرکز ملی تبادل اطلاعات، خوانده شد.", En: "This list was just read on your behalf, with your national code, from the police's licence registry through the national information exchange."},
	"licences.number":     {Fa: "شمارهٔ گواهینامه", En: "Licence number"},
	"licences.class":      {Fa: "پایه", En: "Class"},
	"licences.issued":     {Fa: "تاریخ صدور", En: "Issued"},
	"licences.expires":    {Fa: "تاریخ انقضا", En: "Expires"},
	"licences.state":      {Fa: "وضعیت", En: "Status"},
	"licences.valid":      {Fa: "معتبر", En: "Valid"},
	"licences.expired":    {Fa: "منقضی", En: "Expired"},
	"licences.none":       {Fa: "گواهینامه‌ای به نام شما ثبت نشده است.", En: "No driving licence is registered to you."},
	"licences.tracking":   {Fa: "کد رهگیری این استعلام:", En: "Tracking code of this inquiry:"},
	"licences.message":    {Fa: "شناسهٔ پیام در مرکز تبادل:", En: "Exchange message ID:"},
	"licences.login":      {Fa: "برای دیدن گواهینامه‌ها ابتدا وارد شوید.", En: "Please log in to see your licences."},
	"licences.nix_off":    {Fa: "اتصال این سامانه به مرکز ملی تبادل اطلاعات پیکربندی نشده است، پس نمی‌توان از پایگاه گواهینامه استعلام کرد.", En: "This site's connection to the national information exchange is not configured, so the licence registry cannot be asked."},
	"licences.foreign":    {Fa: "شما با شناسهٔ فراگیر اتباع خارجی وارد شده‌اید و کد ملی ایرانی ندارید. پایگاه گواهینامهٔ پلیس اشخاص را با کد ملی می‌شناسد، پس این سامانه نمی‌تواند گواهینامه‌ای برای شما از آن استعلام کند.", En: "You logged in with your foreign national ID and have no Iranian national code. The police's licence registry finds people by their national code, so this site cannot look up licences for you there."},
	"licences.no_code":    {Fa: "کد ملی شما به این سامانه داده نشده است (دسترسی «کد ملی» در ورود خواسته یا پذیرفته نشد)، پس نمی‌توان استعلام کرد.", En: "Your national code was not given to this site (the “national code” permission was not asked for or not allowed at login), so the registry cannot be asked."},
	"licences.err.title":  {Fa: "استعلام انجام نشد", En: "The inquiry could not be made"},
	"licences.err.denied": {Fa: "مرکز ملی تبادل اطلاعات اجازهٔ این استعلام را به این سامانه نداد. این سامانه هنوز مجوز دسترسی به پایگاه گواهینامه را ندارد.", En: "The national information exchange did not allow this site this inquiry: it has no access right to the licence registry yet."},
	"licences.err.cert":   {Fa: "مرکز ملی تبادل اطلاعات گواهی این سامانه را نپذیرفت.", En: "The national information exchange did not accept this site's certificate."},
	"licences.err.found":  {Fa: "پایگاه گواهینامه شخصی با این کد ملی نیافت، یا این خدمت در مرکز تبادل نیست.", En: "The licence registry found no person with this national code, or the service is not on the exchange."},
	"licences.err.busy":   {Fa: "درخواست‌ها از حد مجاز گذشته است. چند دقیقهٔ دیگر دوباره تلاش کنید.", En: "Too many requests were made. Please try again in a few minutes."},
	"licences.err.down":   {Fa: "پایگاه گواهینامه پاسخ نداد. کمی بعد دوباره تلاش کنید.", En: "The licence registry did not answer. Please try again shortly."},
	"licences.err.other":  {Fa: "مرکز ملی تبادل اطلاعات در دسترس نبود یا پاسخ نامعتبر داد. کمی بعد دوباره تلاش کنید.", En: "The national information exchange could not be reached or gave an invalid answer. Please try again shortly."},

	"loggedout.title": {Fa: "خارج شدید", En: "You have logged out"},
	"loggedout.body":  {Fa: "از این سامانه و از دولت من خارج شدید.", En: "You have logged out of this site and of My Government."},
	"loggedout.local": {Fa: "از این سامانه خارج شدید، ولی دولت من اکنون در دسترس نیست؛ شاید هنوز در پنجرهٔ ملی وارد باشید. برای خروج از آن به پنجرهٔ ملی بروید.", En: "You have logged out of this site, but My Government cannot be reached right now, so you may still be logged in at the national window. Go there to log out of it."},

	"about.title": {Fa: "دربارهٔ این سامانهٔ نمونه", En: "About this reference site"},
	"about.body":  {Fa: "این سامانه بخشی از پنجره است، نرم‌افزار آزاد پنجرهٔ ملی خدمات دولت هوشمند: دستگاهی نمونه که با «ورود از طریق دولت من» و مرکز ملی تبادل اطلاعات کار می‌کند. داده‌ها ساختگی‌اند. قلم وزیرمتن با پروانهٔ SIL OFL 1.1 به کار رفته است.", En: "This site is part of Panjereh, the free software of the national window of smart government services: a reference agency that works with “Log in with My Government” and the national information exchange. The data are synthetic. The Vazirmatn font is used under the SIL OFL 1.1."},
	"about.font":  {Fa: "متن پروانهٔ قلم", En: "The font's licence"},

	"problem.state.title":       {Fa: "ورود ناتمام ماند", En: "The login could not be completed"},
	"problem.state.body":        {Fa: "این پاسخ ورود با ورودی که از این مرورگر آغاز شده بود جور نیست یا منقضی شده است. دوباره «ورود از طریق دولت من» را بزنید.", En: "This login response does not match a login started in this browser, or it has expired. Please press “Log in with My Government” again."},
	"problem.unreachable.title": {Fa: "دولت من در دسترس نیست", En: "My Government cannot be reached"},
	"problem.unreachable.body":  {Fa: "این سامانه اکنون به سامانهٔ ورود یکپارچهٔ دولت من دسترسی ندارد. کمی بعد دوباره تلاش کنید.", En: "This site cannot reach the My Government single sign-on right now. Please try again shortly."},
	"problem.denied.title":      {Fa: "اجازه داده نشد", En: "Permission not given"},
	"problem.denied.body":       {Fa: "شما اجازهٔ دسترسی این سامانه به اطلاعاتتان را ندادید، پس وارد نشدید. هر زمان خواستید دوباره وارد شوید.", En: "You did not allow this site to receive your information, so you are not logged in. You can log in again at any time."},
	"problem.assurance.title":   {Fa: "سطح اطمینان کافی نیست", En: "Assurance level not available"},
	"problem.assurance.body":    {Fa: "دولت من نتوانست ورود را با سطح اطمینانی که این سامانه خواسته بود انجام دهد.", En: "My Government could not log you in at the assurance level this site asked for."},
	"problem.login.title":       {Fa: "ورود انجام نشد", En: "The login failed"},
	"problem.login.body":        {Fa: "پاسخ دولت من پذیرفته نشد. دوباره تلاش کنید؛ اگر مشکل ادامه داشت، شناسهٔ درخواست را به پشتیبانی بدهید.", En: "My Government's answer could not be accepted. Please try again; if the problem persists, give support the request ID."},
}

// Texts of claim values and of login methods.
var (
	// acrNames describe assurance levels; "loa1/civil" and
	// "loa1/foreign" say which base registry a person's identity was
	// matched with (see session.baseRegistry), and "loa1" serves when the
	// agency cannot tell.
	acrNames = map[string]web.Text{
		"loa1":         {Fa: "سطح ۱: هویت تطبیق‌شده با ثبت احوال یا پایگاه اتباع خارجی، و شاهکار", En: "Level 1: identity matched with the civil registry or the foreign nationals' registry, and Shahkar"},
		"loa1/civil":   {Fa: "سطح ۱: هویت تطبیق‌شده با ثبت احوال و شاهکار", En: "Level 1: identity matched with the civil registry and Shahkar"},
		"loa1/foreign": {Fa: "سطح ۱: هویت تطبیق‌شده با پایگاه اتباع خارجی و شاهکار", En: "Level 1: identity matched with the foreign nationals' registry and Shahkar"},
		"loa2":         {Fa: "سطح ۲: تطبیق چهره", En: "Level 2: face match"},
		"loa3":         {Fa: "سطح ۳: امضای الکترونیکی", En: "Level 3: electronic signature"},
	}
	// amrNames are RFC 8176 values.
	amrNames = map[string]web.Text{
		"otp":  {Fa: "رمز یک‌بارمصرف", En: "one-time code"},
		"sms":  {Fa: "پیامک", En: "SMS"},
		"pwd":  {Fa: "گذرواژه", En: "password"},
		"face": {Fa: "تطبیق چهره", En: "face match"},
		"hwk":  {Fa: "کلید سخت‌افزاری", En: "hardware key"},
		"swk":  {Fa: "کلید نرم‌افزاری", En: "software key"},
		"sc":   {Fa: "کارت هوشمند", En: "smart card"},
		"mfa":  {Fa: "چندعاملی", En: "multi-factor"},
		"pin":  {Fa: "رمز شخصی", En: "PIN"},
	}
	// licenceClasses are the driving licence classes the police registry
	// answers with, in its Persian words.
	licenceClasses = []web.Text{
		{Fa: "پایه یک", En: "Grade 1"},
		{Fa: "پایه دو", En: "Grade 2"},
		{Fa: "موتورسیکلت", En: "Motorcycle"},
	}
	valueNames = map[string]web.Text{
		"female":  {Fa: "زن", En: "Female"},
		"male":    {Fa: "مرد", En: "Male"},
		"natural": {Fa: "شخص حقیقی", En: "Natural person"},
		"legal":   {Fa: "شخص حقوقی", En: "Legal person"},
		"foreign": {Fa: "تبعهٔ خارجی", En: "Foreign national"},
		"true":    {Fa: "بله", En: "Yes"},
		"false":   {Fa: "خیر", En: "No"},
	}
)
