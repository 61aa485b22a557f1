package registry

// The columns of each registry table, in the order the rows are emitted.
var (
	personCols = []string{"national_code", "first_name", "last_name", "father_name", "gender", "birth_date", "birth_place",
		"shenasname_no", "shenasname_seri", "shenasname_serial", "office_code", "office_name", "book_no", "book_row",
		"death_date", "father_code", "mother_code", "spouse_code", "postal_code", "residence_since"}
	mobileCols  = []string{"mobile", "national_code", "operator", "since"}
	addressCols = []string{"postal_code", "province", "province_en", "township", "zone", "village", "locality_type",
		"locality_name", "locality_code", "sub_locality", "street", "street2", "house_number", "floor", "side_floor",
		"building_name", "description"}
	companyCols = []string{"legal_id", "name", "kind", "registration_no", "registration_date", "registration_office",
		"registration_city", "status", "postal_code", "residence_since"}
	signatoryCols = []string{"legal_id", "national_code", "role", "from_date", "to_date"}
	licenceCols   = []string{"number", "national_code", "class", "issued", "expires"}
	vehicleCols   = []string{"plate", "plate_fa", "vin", "maker", "model", "model_year", "colour", "owner_code"}
	policyCols    = []string{"policy_no", "insurer", "plate", "national_code", "starts", "ends"}
	passportCols  = []string{"number", "national_code", "issued", "expires"}
	certCols      = []string{"certificate_no", "national_code", "level", "field", "institution", "graduated"}
	foreignerCols = []string{"fida", "nationality", "first_name", "last_name", "first_name_en", "last_name_en",
		"father_name", "gender", "birth_date", "permit_no", "permit_expires", "postal_code"}
)

// secondaryIndexes are created by Seed after the load.
var secondaryIndexes = []struct{ name, table, cols string }{
	{"reg_persons_father", "reg_persons", "father_code"},
	{"reg_persons_mother", "reg_persons", "mother_code"},
	{"reg_mobiles_owner", "reg_mobiles", "national_code"},
	{"reg_signatories_person", "reg_signatories", "national_code"},
	{"reg_licences_owner", "reg_licences", "national_code"},
	{"reg_vehicles_owner", "reg_vehicles", "owner_code"},
	{"reg_passports_owner", "reg_passports", "national_code"},
	{"reg_insurance_plate", "reg_insurance", "plate"},
	{"reg_insurance_owner", "reg_insurance", "national_code"},
	{"reg_education_owner", "reg_education", "national_code"},
}

// registryTables lists every table, in the order Reset empties them.
var registryTables = []string{"reg_persons", "reg_mobiles", "reg_addresses", "reg_companies", "reg_signatories",
	"reg_licences", "reg_vehicles", "reg_insurance", "reg_passports", "reg_education", "reg_foreigners"}

// nz returns nil for an empty string, for nullable columns.
func nz(s string) any {
	if s == "" {
		return nil
	}
	return s
}
