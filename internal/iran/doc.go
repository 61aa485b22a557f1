// Package iran holds the rules for Iranian identifiers, Persian text and
// Jalali (Solar Hijri) dates that every Panjereh feature shares.
//
// # Identifiers
//
// The five identifier kinds a citizen or an organisation types into a form
// are national codes (کد ملی), legal national IDs (شناسه ملی), postal codes
// (کد پستی), mobile numbers (شماره همراه) and Sheba account numbers (شماره
// شبا). For each kind a Normalize function accepts what people actually type
// — Persian or Arabic-Indic digits, spaces and dashes between groups, the
// international forms of a mobile number — and returns one canonical ASCII
// form, or a *ValidationError whose Code is stable for programs and whose Fa
// and En fields explain the problem to a person in Persian and English.
//
// The checks are the public algorithms: check digits, the postal pattern,
// the mobile operators' prefixes and ISO 7064 mod 97 for Sheba. Passing them
// does not prove that an identifier was issued; the registries behind the
// exchange answer that.
//
// # Persian text
//
// NormalizeText unifies the Arabic and Persian forms of letters and strips
// invisible formatting so that stored text is consistent; Fold goes further
// and produces a key for comparison and search.
//
// # Places
//
// ProvinceEnglish and CityEnglish give the English names of Iran's
// provinces and of most of its counties and the cities at their centres,
// which the Post and the registries name in Persian. They match a name
// however its letters are written, and CityEnglish tells apart cities of
// the same name by their province, however the province is written.
//
// # Jalali dates
//
// ToJalali, FromJalali, ParseJalali and the Format functions convert between
// time.Time and the Jalali calendar used by Iranian agencies. Tehran returns
// the Asia/Tehran location; the time zone database is embedded so that it
// works on machines without one.
package iran
