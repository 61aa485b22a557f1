package portal

import "github.com/panjereh/panjereh/internal/web"

// messages are the portal's texts.
var messages = web.Messages{
	"nav.home":       {Fa: "خانه", En: "Home"},
	"nav.developers": {Fa: "برنامه‌نویسان", En: "Developers"},
	"nav.about":      {Fa: "درباره و پروانه‌ها", En: "About and licences"},

	"home.title": {Fa: "خانه", En: "Home"},
	"home.lead": {Fa: "پنجره پیاده‌سازی آزاد و متن‌باز پنجرهٔ ملی خدمات دولت هوشمند است: یک بار ثبت‌نام و ورود یکپارچه، شناسنامهٔ خدمات، پیگیری درخواست‌ها، کارتابل ملی، تبادل اطلاعات میان دستگاه‌ها و پایگاه‌های پایه — همه در یک نرم‌افزار که هر دستگاه می‌تواند روی رایانهٔ خود اجرا کند.",
		En: "Panjereh is a free, open-source implementation of the national window of smart government services: one registration and single sign-on, a service catalog, request tracking, a national inbox, information exchange between agencies and the base registries — all in one program every agency can run on its own computer."},
	"home.honest": {Fa: "این صفحه صادقانه نشان می‌دهد چه چیزی امروز کار می‌کند و چه چیزی هنوز در راه است.", En: "This page shows honestly what works today and what is still on its way."},

	"works.title":      {Fa: "آنچه امروز کار می‌کند", En: "What works today"},
	"works.available":  {Fa: "در دسترس", En: "Available"},
	"registries.title": {Fa: "پایگاه‌های پایهٔ شبیه‌سازی‌شده", En: "Simulated base registries"},
	"registries.lead": {Fa: "این پایگاه‌ها با داده‌های ساختگی پر شده‌اند و از راه رابط‌های JSON پاسخ می‌دهند؛ شکل پاسخ‌ها از خدمات واقعی ملی پیروی می‌کند.",
		En: "These registries hold synthetic data and answer through JSON APIs shaped like the real national services."},
	"registries.url":  {Fa: "پایگاه‌ها فقط از راه درگاه مرکز ملی تبادل اطلاعات (با گواهی کلاینت) در دسترس‌اند:", En: "The registries answer only through the national information exchange gateway (with a client certificate):"},
	"registries.none": {Fa: "درگاه مرکز تبادل اطلاعات در این اجرا راه‌اندازی نشده است.", En: "The information exchange gateway is not running in this instance."},

	"sso.title": {Fa: "ثبت‌نام و ورود یکپارچه (دولت من)", En: "One registration and single sign-on (My Government)"},
	"sso.lead": {Fa: "یک بار با کد ملی، تاریخ تولد و شمارهٔ همراهی که به نام خودتان است ثبت‌نام کنید؛ با کد یک‌بارمصرفی که از ۴۰۴۰ پیامک می‌شود وارد شوید و با «ورود از طریق دولت من» به درگاه دستگاه‌ها بروید. اشخاص حقوقی و اتباع خارجی هم ثبت‌نام می‌کنند.",
		En: "Register once with your national code, birth date and a mobile number in your own name; log in with a one-time code sent by SMS from 4040, and enter agencies' portals with \"Log in with My Government\". Legal persons and foreign nationals register too."},
	"sso.register": {Fa: "ثبت‌نام", En: "Register"},
	"sso.login":    {Fa: "ورود", En: "Log in"},

	"validator.title":   {Fa: "بررسی شناسه‌ها", En: "Identifier validator"},
	"validator.lead":    {Fa: "کد ملی، شناسهٔ ملی اشخاص حقوقی، کد پستی، شماره همراه یا شماره شبا را وارد کنید تا درستی آن بررسی شود. ارقام فارسی و انگلیسی هر دو پذیرفته می‌شوند.", En: "Enter a national code, legal national ID, postal code, mobile number or Sheba number to check it. Persian and Latin digits are both accepted."},
	"validator.kind":    {Fa: "نوع شناسه", En: "Kind of identifier"},
	"validator.auto":    {Fa: "تشخیص خودکار", En: "Detect automatically"},
	"validator.value":   {Fa: "شناسه", En: "Identifier"},
	"validator.hint":    {Fa: "مثلاً ۰۰۸۴۵۷۵۹۴۸ یا ۰۹۱۲۳۴۵۶۷۸۹", En: "For example 0084575948 or 09123456789"},
	"validator.submit":  {Fa: "بررسی", En: "Check"},
	"validator.empty":   {Fa: "شناسه را وارد کنید.", En: "Enter an identifier."},
	"validator.badkind": {Fa: "نوع شناسه را از فهرست انتخاب کنید.", En: "Choose the kind of identifier from the list."},
	"validator.unknown": {Fa: "نوع این شناسه از شکل آن معلوم نیست؛ نوع را از فهرست انتخاب کنید.", En: "The kind of this identifier cannot be told from its shape; choose the kind from the list."},
	"validator.valid":   {Fa: "معتبر است", En: "valid"},
	"validator.invalid": {Fa: "معتبر نیست", En: "not valid"},
	"validator.guessed": {Fa: "(نوع به‌طور خودکار تشخیص داده شد)", En: "(kind detected automatically)"},
	"validator.normal":  {Fa: "شکل استاندارد:", En: "Standard form:"},
	"validator.reason":  {Fa: "دلیل:", En: "Reason:"},
	"validator.op":      {Fa: "اپراتور:", En: "Operator:"},

	"shell.title": {Fa: "پوستهٔ وب", En: "The web shell"},
	"shell.body": {Fa: "صفحه‌های فارسی راست‌به‌چپ و انگلیسی چپ‌به‌راست، دسترس‌پذیر، بدون نیاز به جاوااسکریپت، با نمایش نشانی IP، کشور و مرورگر شما و آمار بازدید در پایین هر صفحه.",
		En: "Persian right-to-left and English left-to-right pages, accessible, with no JavaScript needed, showing your IP address, country and browser and the visitor statistics at the foot of every page."},

	"nix.title": {Fa: "مرکز ملی تبادل اطلاعات (NIX)", En: "The national information exchange (NIX)"},
	"nix.body": {Fa: "هر تبادل میان دستگاه‌ها و پایگاه‌های پایه از درگاه مرکز تبادل می‌گذرد: احراز هویت دوطرفه با گواهی (TLS 1.3)، دسترسی فقط با مجوز صریح و فقط به اقلام دادهٔ مجاز، و ثبت هر تبادل در گزارشی زنجیره‌ای و امضاشده که هیچ‌کس نمی‌تواند بی‌آنکه آشکار شود تغییرش دهد. هر کس می‌تواند ببیند کدام دستگاه دادهٔ او را دیده است.",
		En: "Every exchange between agencies and the base registries passes through the exchange gateway: mutual TLS 1.3 with member certificates, access only by an explicit right and only to the granted data items, and every exchange recorded in a hash-chained, signed log that nobody can alter unnoticed. Each person's data accesses can be listed: who looked at my data."},
	"next.title": {Fa: "به‌زودی", En: "Coming next"},
	"next.lead":  {Fa: "این بخش‌ها هنوز آماده نیستند و در این نسخه در دسترس نیستند:", En: "These parts are not ready yet and are not available in this version:"},
	"next.badge": {Fa: "هنوز در دسترس نیست", En: "Not yet available"},

	"about.title":         {Fa: "درباره و پروانه‌ها", En: "About and licences"},
	"about.lead":          {Fa: "پنجره نرم‌افزاری آزاد است. این بخش‌های دیگران را با سپاس به کار می‌برد:", En: "Panjereh is free software. It uses these works of others, with thanks:"},
	"about.font":          {Fa: "قلم وزیرمتن", En: "The Vazirmatn font"},
	"about.font.by":       {Fa: "اثر صابر راستی‌کردار و همکاران، با پروانهٔ", En: "by Saber Rastikerdar and the Vazirmatn Project Authors, under the"},
	"about.font.txt":      {Fa: "متن پروانه", En: "licence text"},
	"about.ip":            {Fa: "دادهٔ کشورِ نشانی‌های IP", En: "IP-to-country data"},
	"about.ip.by":         {Fa: "پایگاه geo-whois-asn-country از پروژهٔ ip-location-db، بر پایهٔ دادهٔ سازمان منابع شماره (NRO)، با پروانهٔ", En: "the geo-whois-asn-country database of the ip-location-db project, from data by the Number Resource Organization (NRO), under the"},
	"about.ip.ver":        {Fa: "نسخهٔ به‌کاررفته:", En: "Version used:"},
	"about.privacy.title": {Fa: "حریم خصوصی آمار بازدید", En: "Privacy of the visitor statistics"},
	"about.privacy": {Fa: "برای شمارش بازدیدکنندگان یک کوکی بی‌نام با شناسه‌ای تصادفی در مرورگر شما گذاشته می‌شود و تنها چکیدهٔ آن ذخیره می‌شود. نشانی IP شما در آمار ذخیره نمی‌شود؛ فقط در گزارش دسترسی کارساز برای امنیت نگه داشته می‌شود.",
		En: "To count visitors, an anonymous cookie with a random ID is set in your browser and only a hash of it is stored. Your IP address is not stored with the statistics; it is kept only in the server's access log, for security."},
	"about.device": {Fa: "پس از هر ورود، مرورگر شما تا ۹۰ روز «دستگاه شناخته‌شده» برای همان شناسه می‌ماند: کوکی‌ای که تنها یک عدد تصادفی و امضای آن را دارد، نه کد ملی یا نام شما را. درخواست کد از چنین مرورگری جداگانه شمرده می‌شود تا اگر دیگری با دانستن کد ملی شما بارها کد بخواهد یا کد نادرست وارد کند، ورود شما از همین مرورگر بسته نشود. این کوکی به‌تنهایی کسی را وارد حساب نمی‌کند و هر ورود همچنان کد پیامک‌شده به همراه شما را می‌خواهد.",
		En: "After each login your browser stays a \"known device\" for that identifier for 90 days: a cookie holding only a random number and its signature, not your national code or name. Codes asked for from such a browser are counted apart, so that someone who knows your national code and asks for codes again and again, or enters wrong ones, cannot stop you logging in from it. The cookie lets nobody into the account by itself: every login still needs the code sent to your mobile."},
}
