package geoip

import "strings"

// Country is a country's code and its names.
type Country struct {
	Code string // ISO 3166-1 alpha-2, such as "IR"
	En   string // English short name
	Fa   string // Persian name, or "" when the table has none
}

// Name returns the country's name in lang ("fa" or "en"), falling back to
// the English name and then to the code.
func (c Country) Name(lang string) string {
	switch {
	case lang == "fa" && c.Fa != "":
		return c.Fa
	case c.En != "":
		return c.En
	}
	return c.Code
}

// CountryByCode returns the country with the given ISO 3166-1 alpha-2
// code. A code missing from the table comes back with only Code set.
func CountryByCode(code string) Country {
	code = strings.ToUpper(code)
	if c, ok := countries[code]; ok {
		return c
	}
	return Country{Code: code}
}

// countries is built once from countryTable.
var countries = func() map[string]Country {
	m := make(map[string]Country, 260)
	for line := range strings.Lines(countryTable) {
		f := strings.Split(strings.TrimSpace(line), "|")
		if len(f) != 3 {
			continue
		}
		m[f[0]] = Country{Code: f[0], En: f[1], Fa: f[2]}
	}
	return m
}()

// countryTable lists every ISO 3166-1 alpha-2 code, plus the codes the
// regional registries still use for Kosovo, the EU, Asia-Pacific and the
// former Netherlands Antilles, as
// "CODE|English|Persian". Persian names cover Iran's neighbours and the
// countries Iranians most often meet; the rest fall back to English.
const countryTable = `
AD|Andorra|آندورا
AE|United Arab Emirates|امارات متحدهٔ عربی
AF|Afghanistan|افغانستان
AG|Antigua and Barbuda|
AI|Anguilla|
AL|Albania|آلبانی
AM|Armenia|ارمنستان
AN|Netherlands Antilles (former)|
AO|Angola|آنگولا
AP|Asia-Pacific region|منطقهٔ آسیا و اقیانوسیه
AQ|Antarctica|جنوبگان
AR|Argentina|آرژانتین
AS|American Samoa|
AT|Austria|اتریش
AU|Australia|استرالیا
AW|Aruba|
AX|Åland Islands|
AZ|Azerbaijan|جمهوری آذربایجان
BA|Bosnia and Herzegovina|بوسنی و هرزگوین
BB|Barbados|
BD|Bangladesh|بنگلادش
BE|Belgium|بلژیک
BF|Burkina Faso|
BG|Bulgaria|بلغارستان
BH|Bahrain|بحرین
BI|Burundi|
BJ|Benin|
BL|Saint Barthélemy|
BM|Bermuda|
BN|Brunei|
BO|Bolivia|بولیوی
BQ|Caribbean Netherlands|
BR|Brazil|برزیل
BS|Bahamas|
BT|Bhutan|
BV|Bouvet Island|
BW|Botswana|
BY|Belarus|بلاروس
BZ|Belize|
CA|Canada|کانادا
CC|Cocos (Keeling) Islands|
CD|Democratic Republic of the Congo|
CF|Central African Republic|
CG|Republic of the Congo|
CH|Switzerland|سوئیس
CI|Côte d'Ivoire|
CK|Cook Islands|
CL|Chile|شیلی
CM|Cameroon|
CN|China|چین
CO|Colombia|کلمبیا
CR|Costa Rica|
CU|Cuba|کوبا
CV|Cabo Verde|
CW|Curaçao|
CX|Christmas Island|
CY|Cyprus|قبرس
CZ|Czechia|چک
DE|Germany|آلمان
DJ|Djibouti|
DK|Denmark|دانمارک
DM|Dominica|
DO|Dominican Republic|
DZ|Algeria|الجزایر
EC|Ecuador|
EE|Estonia|استونی
EG|Egypt|مصر
EH|Western Sahara|
ER|Eritrea|
ES|Spain|اسپانیا
ET|Ethiopia|اتیوپی
EU|European Union|اتحادیهٔ اروپا
FI|Finland|فنلاند
FJ|Fiji|
FK|Falkland Islands|
FM|Micronesia|
FO|Faroe Islands|
FR|France|فرانسه
GA|Gabon|
GB|United Kingdom|بریتانیا
GD|Grenada|
GE|Georgia|گرجستان
GF|French Guiana|
GG|Guernsey|
GH|Ghana|غنا
GI|Gibraltar|
GL|Greenland|
GM|Gambia|
GN|Guinea|
GP|Guadeloupe|
GQ|Equatorial Guinea|
GR|Greece|یونان
GS|South Georgia and the South Sandwich Islands|
GT|Guatemala|
GU|Guam|
GW|Guinea-Bissau|
GY|Guyana|
HK|Hong Kong|هنگ‌کنگ
HM|Heard Island and McDonald Islands|
HN|Honduras|
HR|Croatia|کرواسی
HT|Haiti|
HU|Hungary|مجارستان
ID|Indonesia|اندونزی
IE|Ireland|ایرلند
IL|Israel|
IM|Isle of Man|
IN|India|هند
IO|British Indian Ocean Territory|
IQ|Iraq|عراق
IR|Iran|ایران
IS|Iceland|ایسلند
IT|Italy|ایتالیا
JE|Jersey|
JM|Jamaica|
JO|Jordan|اردن
JP|Japan|ژاپن
KE|Kenya|کنیا
KG|Kyrgyzstan|قرقیزستان
KH|Cambodia|
KI|Kiribati|
KM|Comoros|
KN|Saint Kitts and Nevis|
KP|North Korea|کرهٔ شمالی
KR|South Korea|کرهٔ جنوبی
KW|Kuwait|کویت
KY|Cayman Islands|
KZ|Kazakhstan|قزاقستان
LA|Laos|
LB|Lebanon|لبنان
LC|Saint Lucia|
LI|Liechtenstein|
LK|Sri Lanka|سری‌لانکا
LR|Liberia|
LS|Lesotho|
LT|Lithuania|لیتوانی
LU|Luxembourg|لوکزامبورگ
LV|Latvia|لتونی
LY|Libya|لیبی
MA|Morocco|مراکش
MC|Monaco|
MD|Moldova|مولداوی
ME|Montenegro|
MF|Saint Martin|
MG|Madagascar|
MH|Marshall Islands|
MK|North Macedonia|
ML|Mali|
MM|Myanmar|
MN|Mongolia|مغولستان
MO|Macao|
MP|Northern Mariana Islands|
MQ|Martinique|
MR|Mauritania|
MS|Montserrat|
MT|Malta|
MU|Mauritius|
MV|Maldives|
MW|Malawi|
MX|Mexico|مکزیک
MY|Malaysia|مالزی
MZ|Mozambique|
NA|Namibia|
NC|New Caledonia|
NE|Niger|
NF|Norfolk Island|
NG|Nigeria|نیجریه
NI|Nicaragua|
NL|Netherlands|هلند
NO|Norway|نروژ
NP|Nepal|نپال
NR|Nauru|
NU|Niue|
NZ|New Zealand|نیوزیلند
OM|Oman|عمان
PA|Panama|
PE|Peru|پرو
PF|French Polynesia|
PG|Papua New Guinea|
PH|Philippines|فیلیپین
PK|Pakistan|پاکستان
PL|Poland|لهستان
PM|Saint Pierre and Miquelon|
PN|Pitcairn|
PR|Puerto Rico|
PS|Palestine|فلسطین
PT|Portugal|پرتغال
PW|Palau|
PY|Paraguay|
QA|Qatar|قطر
RE|Réunion|
RO|Romania|رومانی
RS|Serbia|صربستان
RU|Russia|روسیه
RW|Rwanda|
SA|Saudi Arabia|عربستان سعودی
SB|Solomon Islands|
SC|Seychelles|
SD|Sudan|سودان
SE|Sweden|سوئد
SG|Singapore|سنگاپور
SH|Saint Helena, Ascension and Tristan da Cunha|
SI|Slovenia|اسلوونی
SJ|Svalbard and Jan Mayen|
SK|Slovakia|اسلواکی
SL|Sierra Leone|
SM|San Marino|
SN|Senegal|
SO|Somalia|
SR|Suriname|
SS|South Sudan|
ST|São Tomé and Príncipe|
SV|El Salvador|
SX|Sint Maarten|
SY|Syria|سوریه
SZ|Eswatini|
TC|Turks and Caicos Islands|
TD|Chad|
TF|French Southern Territories|
TG|Togo|
TH|Thailand|تایلند
TJ|Tajikistan|تاجیکستان
TK|Tokelau|
TL|Timor-Leste|
TM|Turkmenistan|ترکمنستان
TN|Tunisia|تونس
TO|Tonga|
TR|Türkiye|ترکیه
TT|Trinidad and Tobago|
TV|Tuvalu|
TW|Taiwan|تایوان
TZ|Tanzania|تانزانیا
UA|Ukraine|اوکراین
UG|Uganda|
UM|United States Minor Outlying Islands|
US|United States|ایالات متحدهٔ آمریکا
UY|Uruguay|
UZ|Uzbekistan|ازبکستان
VA|Vatican City|واتیکان
VC|Saint Vincent and the Grenadines|
VE|Venezuela|ونزوئلا
VG|British Virgin Islands|
VI|U.S. Virgin Islands|
VN|Viet Nam|ویتنام
VU|Vanuatu|
WF|Wallis and Futuna|
WS|Samoa|
XK|Kosovo|
YE|Yemen|یمن
YT|Mayotte|
ZA|South Africa|آفریقای جنوبی
ZM|Zambia|
ZW|Zimbabwe|
`
