package oidc

import (
	"embed"

	"github.com/panjereh/panjereh/internal/web"
)

//go:embed templates/*.html
var templates embed.FS

// messages are the provider's texts.
var messages = web.Messages{
	"consent.title":   {Fa: "اجازهٔ دسترسی به اطلاعات", En: "Permission to share your information"},
	"consent.lead":    {Fa: "این دستگاه می‌خواهد با «ورود از طریق دولت من» این اطلاعات شما را دریافت کند:", En: "This agency asks to receive the following information about you through “Log in with My Government”:"},
	"consent.agency":  {Fa: "دستگاه", En: "Agency"},
	"consent.logo":    {Fa: "نشان", En: "Logo of"},
	"consent.note":    {Fa: "اطلاعات از پایگاه‌های پایهٔ کشور خوانده می‌شود. هر زمان بخواهید می‌توانید این اجازه را از صفحهٔ حساب کاربری پس بگیرید.", En: "The information comes from the national base registries. You can withdraw this permission at any time from your account page."},
	"consent.allow":   {Fa: "اجازه می‌دهم", En: "Allow"},
	"consent.deny":    {Fa: "اجازه نمی‌دهم", En: "Do not allow"},
	"logout.title":    {Fa: "خروج از دولت من", En: "Log out of My Government"},
	"logout.lead":     {Fa: "آیا می‌خواهید از پنجرهٔ ملی و همهٔ دستگاه‌هایی که با آن وارد شده‌اید خارج شوید؟", En: "Do you want to log out of the national window and of every agency you entered with it?"},
	"logout.confirm":  {Fa: "بله، خارج شوم", En: "Yes, log me out"},
	"logout.cancel":   {Fa: "نه، بمانم", En: "No, stay logged in"},
	"loggedout.title": {Fa: "از دولت من خارج شدید", En: "You have logged out of My Government"},
	"loggedout.body":  {Fa: "از پنجرهٔ ملی خارج شدید و به دستگاه‌هایی که با آن وارد شده بودید خبر داده شد.", En: "You have logged out of the national window, and the agencies you had entered with it have been told."},

	// The end-session endpoint's answer to someone not logged in.
	"notloggedin.title": {Fa: "نشستی برای پایان دادن نبود", En: "There was no session to end"},
	"notloggedin.body":  {Fa: "شما وارد نشده بودید؛ نشستی برای پایان دادن نبود.", En: "You were not logged in; there was no session to end."},

	"error.client.title":          {Fa: "دستگاه درخواست‌کننده شناخته نیست", En: "Unknown agency"},
	"error.client.body":           {Fa: "سامانه‌ای که شما را به اینجا فرستاد در پنجرهٔ ملی ثبت نشده است. به سامانهٔ دستگاه برگردید و دوباره تلاش کنید، یا به پشتیبانی آن دستگاه خبر دهید.", En: "The site that sent you here is not registered with the national window. Go back and try again, or tell that agency's support."},
	"error.disabled.title":        {Fa: "ورود از طریق این دستگاه فعلاً متوقف شده است", En: "Logging in through this agency is suspended for now"},
	"error.disabled.body":         {Fa: "این دستگاه در پنجرهٔ ملی ثبت شده است، اما ورود از طریق آن فعلاً متوقف شده است. بعداً دوباره تلاش کنید، یا برای آگاهی بیشتر به پشتیبانی آن دستگاه خبر دهید.", En: "This agency is registered with the national window, but logging in through it is suspended for now. Try again later, or ask that agency's support for more."},
	"error.redirect.title":        {Fa: "نشانی بازگشت نامعتبر است", En: "Invalid return address"},
	"error.redirect.body":         {Fa: "نشانی‌ای که باید پس از ورود به آن برگردید برای این دستگاه ثبت نشده است؛ برای امنیت شما ادامه نمی‌دهیم. به پشتیبانی دستگاه خبر دهید.", En: "The address you would be sent back to is not registered for this agency, so for your safety we stop here. Please tell the agency's support."},
	"error.expired.title":         {Fa: "درخواست ورود منقضی شده است", En: "The login request has expired"},
	"error.expired.body":          {Fa: "این درخواست ورود دیگر معتبر نیست. به سامانهٔ دستگاه برگردید و دوباره «ورود از طریق دولت من» را بزنید.", En: "This login request is no longer valid. Go back to the agency's site and press “Log in with My Government” again."},
	"error.hint.title":            {Fa: "درخواست خروج نامعتبر است", En: "Invalid logout request"},
	"error.hint.body":             {Fa: "درخواست خروجی که دستگاه فرستاد معتبر نبود.", En: "The logout request the agency sent was not valid."},
	"error.logout_redirect.title": {Fa: "نشانی بازگشت پس از خروج نامعتبر است", En: "Invalid address after logout"},
	"error.logout_redirect.body":  {Fa: "نشانی‌ای که باید پس از خروج به آن برگردید برای این دستگاه ثبت نشده است.", En: "The address to return to after logout is not registered for this agency."},
	"error.logout_client.title":   {Fa: "دستگاه درخواست‌کنندهٔ خروج معلوم نیست", En: "The agency asking for logout is not named"},
	"error.logout_client.body":    {Fa: "دستگاهی که شما را برای خروج به اینجا فرستاده، خود را معرفی نکرده است؛ پس نمی‌توان شما را به آن برگرداند. از پیوند خروج خود آن دستگاه دوباره استفاده کنید یا مستقیم از دولت من خارج شوید.", En: "The agency that sent you here to log out did not name itself, so you cannot be sent back to it. Use its logout link again, or log out at My Government directly."},

	// The client console.
	"console.title":              {Fa: "دستگاه‌های متصل به دولت من", En: "Agencies connected to My Government"},
	"console.client":             {Fa: "تنظیمات دستگاه", En: "Agency settings"},
	"console.new":                {Fa: "ثبت دستگاه تازه", En: "Register a new agency"},
	"console.none":               {Fa: "هنوز دستگاهی ثبت نشده است.", En: "No agency is registered yet."},
	"console.forbidden.title":    {Fa: "دسترسی ندارید", En: "No access"},
	"console.forbidden.body":     {Fa: "این بخش فقط برای ناظران وزارتخانه است.", En: "This part is for the ministry's overseers only."},
	"console.id":                 {Fa: "شناسهٔ کلاینت (client_id)", En: "Client ID (client_id)"},
	"console.name_fa":            {Fa: "نام فارسی", En: "Persian name"},
	"console.name_en":            {Fa: "نام انگلیسی", En: "English name"},
	"console.logo_url":           {Fa: "نشانی نشان (لوگو)", En: "Logo URL"},
	"console.redirect_uris":      {Fa: "نشانی‌های بازگشت (هر سطر یکی)", En: "Redirect URIs (one per line)"},
	"console.post_logout_uris":   {Fa: "نشانی‌های بازگشت پس از خروج (هر سطر یکی)", En: "Post-logout redirect URIs (one per line)"},
	"console.backchannel_uri":    {Fa: "نشانی خروج از کانال پشتی", En: "Back-channel logout URI"},
	"console.scopes":             {Fa: "اطلاعاتی که دستگاه می‌تواند بخواهد", En: "Information the agency may ask for"},
	"console.max_acr":            {Fa: "بیشترین سطح اطمینان", En: "Highest assurance level"},
	"console.auth_method":        {Fa: "روش احراز هویت کلاینت", En: "Client authentication method"},
	"console.jwks":               {Fa: "کلیدهای عمومی (JWKS) برای private_key_jwt", En: "Public keys (JWKS) for private_key_jwt"},
	"console.id_token_alg":       {Fa: "الگوریتم امضای توکن شناسه", En: "ID token signing algorithm"},
	"console.session_minutes":    {Fa: "مدت نشست پیشنهادی (دقیقه)", En: "Suggested session lifetime (minutes)"},
	"console.require_pkce":       {Fa: "PKCE الزامی باشد", En: "Require PKCE"},
	"console.client_credentials": {Fa: "اجازهٔ client_credentials برای سامانهٔ پشتی دستگاه", En: "Allow client_credentials for the agency's back end"},
	"console.disabled":           {Fa: "غیرفعال", En: "Disabled"},
	"console.new_secret":         {Fa: "ساختن رمز تازه (رمز پیشین باطل می‌شود)", En: "Generate a new secret (the old one stops working)"},
	"console.save":               {Fa: "ذخیره", En: "Save"},
	"console.saved":              {Fa: "ذخیره شد.", En: "Saved."},
	"console.secret":             {Fa: "رمز کلاینت — فقط همین یک بار نشان داده می‌شود؛ آن را امن نگه دارید:", En: "Client secret — shown this once only; keep it safe:"},
	"console.problems":           {Fa: "این موارد را اصلاح کنید:", En: "Please correct the following:"},
	"console.back":               {Fa: "بازگشت به فهرست", En: "Back to the list"},
	"console.edit":               {Fa: "ویرایش", En: "Edit"},
	"console.col.auth":           {Fa: "روش", En: "Method"},
	"console.col.state":          {Fa: "وضعیت", En: "State"},
	"console.active":             {Fa: "فعال", En: "Active"},
}
