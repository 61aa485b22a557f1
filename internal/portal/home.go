package portal

import (
	"net/http"

	"github.com/panjereh/panjereh/internal/web"
)

// registry is one simulated base registry the landing page lists.
type registry struct {
	Name, About web.Text
}

// registries are the base registries simulated with synthetic data.
var registries = []registry{
	{web.Text{Fa: "ثبت احوال: استعلام هویت", En: "Civil registry: identity inquiry"},
		web.Text{Fa: "کد ملی، نام، نام خانوادگی، نام پدر، تاریخ تولد و وضعیت حیات.", En: "National code, names, father's name, birth date and whether alive."}},
	{web.Text{Fa: "شاهکار: تطبیق کد ملی و شماره همراه", En: "Shahkar: national code and mobile matching"},
		web.Text{Fa: "آیا این شماره همراه به نام این کد ملی است؟", En: "Is this mobile number registered to this national code?"}},
	{web.Text{Fa: "نشانی پستی با کد پستی", En: "Postal address by postal code"},
		web.Text{Fa: "استان، شهرستان، خیابان، پلاک، طبقه و دیگر اجزای نشانی.", En: "Province, county, street, house number, floor and the other parts of the address."}},
	{web.Text{Fa: "اقامتگاه قانونی", En: "Legal residence"},
		web.Text{Fa: "کد پستی اقامتگاه قانونی شخص حقیقی یا حقوقی.", En: "The postal code of a person's or company's legal residence."}},
	{web.Text{Fa: "اشخاص حقوقی", En: "Legal persons"},
		web.Text{Fa: "شناسهٔ ملی، نام، مدیران و صاحبان امضای مجاز.", En: "Legal national ID, name, managers and authorised signatories."}},
	{web.Text{Fa: "گواهینامهٔ رانندگی", En: "Driving licences"},
		web.Text{Fa: "گواهینامه‌های یک کد ملی، پایه و اعتبار.", En: "A person's licences, their class and validity."}},
	{web.Text{Fa: "خودرو", En: "Vehicles"},
		web.Text{Fa: "خودروهای به نام یک شخص و پلاک آن‌ها.", En: "Vehicles registered to a person, with their plates."}},
	{web.Text{Fa: "گذرنامه", En: "Passports"},
		web.Text{Fa: "گذرنامه‌های یک شخص و تاریخ اعتبار.", En: "A person's passports and their expiry."}},
	{web.Text{Fa: "بیمهٔ شخص ثالث", En: "Third-party insurance"},
		web.Text{Fa: "بیمه‌نامهٔ شخص ثالث یک خودرو و اعتبار آن.", En: "A vehicle's third-party policy and its validity."}},
	{web.Text{Fa: "مدارک تحصیلی", En: "Education certificates"},
		web.Text{Fa: "مدارک تحصیلی یک شخص و تأیید آن‌ها.", En: "A person's education certificates and their verification."}},
}

// nextUp lists what Panjereh will do but does not yet.
var nextUp = []web.Text{
	{Fa: "پیگیری درخواست با کد رهگیری", En: "Request tracking by tracking code"},
	{Fa: "کارتابل ملی و اسناد امضاشده", En: "The national inbox and signed documents"},
	{Fa: "نظرسنجی و داشبورد عملکرد دستگاه‌ها", En: "Feedback and agencies' performance dashboards"},
}

// homeData is what the landing page shows.
type homeData struct {
	RegistryURL string
	Registries  []registry
	NextUp      []web.Text
	Validator   validatorView
}

func (p *Portal) home(w http.ResponseWriter, r *http.Request) {
	p.renderHome(w, r, http.StatusOK, newValidatorView("", "auto", nil, nil))
}

func (p *Portal) renderHome(w http.ResponseWriter, r *http.Request, status int, v validatorView) {
	p.m.Render(w, r, status, p.pages, web.Page{
		Name:    "home.html",
		Title:   "home.title",
		Updated: p.Updated,
		Data: homeData{
			RegistryURL: p.RegistryURL,
			Registries:  registries,
			NextUp:      nextUp,
			Validator:   v,
		},
	})
}
