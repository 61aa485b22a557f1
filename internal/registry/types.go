package registry

// The registry records as the store returns them and the API sends them.
// Dates are Gregorian "YYYY-MM-DD"; the civil registry's own inquiry
// answers with Jalali dates as the real service does.

// Person is a civil registry record.
type Person struct {
	NationalCode     string `json:"nationalCode"`
	FirstName        string `json:"firstName"`
	LastName         string `json:"lastName"`
	FatherName       string `json:"fatherName"`
	Gender           int    `json:"gender"`
	BirthDate        string `json:"birthDate"`
	BirthPlace       string `json:"birthPlace"`
	ShenasnameNo     string `json:"shenasnameNo"`
	ShenasnameSeri   string `json:"shenasnameSeri"`
	ShenasnameSerial string `json:"shenasnameSerial"`
	OfficeCode       string `json:"officeCode"`
	OfficeName       string `json:"officeName"`
	BookNo           int    `json:"bookNo"`
	BookRow          int    `json:"bookRow"`
	DeathDate        string `json:"deathDate,omitempty"`
	FatherCode       string `json:"fatherNationalCode,omitempty"`
	MotherCode       string `json:"motherNationalCode,omitempty"`
	SpouseCode       string `json:"spouseNationalCode,omitempty"`
	PostalCode       string `json:"postalCode"`
	ResidenceSince   string `json:"residenceSince"`
}

// Address is the Post's record of a postal code, in the Post's field names.
type Address struct {
	Province     string `json:"province"`
	EnProvince   string `json:"enProvince"`
	TownShip     string `json:"townShip"`
	Zone         string `json:"zone"`
	Village      string `json:"village"`
	LocalityType string `json:"localityType"`
	LocalityName string `json:"localityName"`
	LocalityCode string `json:"localityCode"`
	SubLocality  string `json:"subLocality"`
	Street       string `json:"street"`
	Street2      string `json:"street2"`
	HouseNumber  string `json:"houseNumber"`
	Floor        string `json:"floor"`
	SideFloor    string `json:"sideFloor"`
	BuildingName string `json:"buildingName"`
	Description  string `json:"description"`
	PostCode     string `json:"postCode"`
}

// Residence is the legal residence of a person or a legal entity (C5).
type Residence struct {
	ID         string  `json:"id"`
	Kind       string  `json:"kind"` // "person" or "legal-person"
	PostalCode string  `json:"postalCode"`
	Since      string  `json:"since"`
	Address    Address `json:"address"`
}

// Signatory is a manager or signatory of a legal person.
type Signatory struct {
	NationalCode string `json:"nationalCode"`
	FirstName    string `json:"firstName"`
	LastName     string `json:"lastName"`
	Role         string `json:"role"`
	From         string `json:"from"`
	To           string `json:"to,omitempty"`
}

// LegalPerson is a registered company or institution (C2).
type LegalPerson struct {
	LegalID            string      `json:"legalId"`
	Name               string      `json:"name"`
	Type               string      `json:"type"`
	Status             string      `json:"status"`
	StatusFa           string      `json:"statusFa"`
	RegistrationNo     string      `json:"registrationNo"`
	RegistrationDate   string      `json:"registrationDate"`
	RegistrationOffice string      `json:"registrationOffice"`
	RegistrationCity   string      `json:"registrationCity"`
	PostalCode         string      `json:"postalCode"`
	Signatories        []Signatory `json:"signatories"`
}

// DrivingLicence is a driving licence.
type DrivingLicence struct {
	Number       string `json:"number"`
	NationalCode string `json:"nationalCode"`
	Class        string `json:"class"`
	Issued       string `json:"issued"`
	Expires      string `json:"expires"`
}

// Vehicle is a registered vehicle. Plate is the canonical ASCII form
// ("12B34567": two digits, the letter, three digits, the region);
// PlateFa the Persian form («۱۲ ب ۳۴۵ ایران ۶۷»).
type Vehicle struct {
	Plate     string `json:"plate"`
	PlateFa   string `json:"plateFa"`
	VIN       string `json:"vin"`
	Maker     string `json:"maker"`
	Model     string `json:"model"`
	ModelYear int    `json:"modelYear"` // Jalali
	Colour    string `json:"colour"`
	Owner     string `json:"ownerNationalCode"`
}

// Passport is an ordinary passport.
type Passport struct {
	Number       string `json:"number"`
	NationalCode string `json:"nationalCode"`
	Issued       string `json:"issued"`
	Expires      string `json:"expires"`
}

// InsurancePolicy is a compulsory third-party motor policy.
type InsurancePolicy struct {
	PolicyNo     string `json:"policyNo"`
	Insurer      string `json:"insurer"`
	Plate        string `json:"plate"`
	NationalCode string `json:"nationalCode"`
	Starts       string `json:"starts"`
	Ends         string `json:"ends"`
}

// EducationCertificate is a school-completion certificate or a degree.
type EducationCertificate struct {
	CertificateNo string `json:"certificateNo"`
	NationalCode  string `json:"nationalCode"`
	Level         string `json:"level"`
	Field         string `json:"field"`
	Institution   string `json:"institution"`
	Graduated     string `json:"graduated"`
}

// Foreigner is a foreign national registered by FIDA.
type Foreigner struct {
	FIDA          string `json:"fida"`
	Nationality   string `json:"nationality"`
	FirstName     string `json:"firstName"`
	LastName      string `json:"lastName"`
	FirstNameEn   string `json:"firstNameEn"`
	LastNameEn    string `json:"lastNameEn"`
	FatherName    string `json:"fatherName"`
	Gender        int    `json:"gender"`
	BirthDate     string `json:"birthDate"`
	PermitNo      string `json:"residencePermitNo"`
	PermitExpires string `json:"residencePermitExpires"`
	PostalCode    string `json:"postalCode,omitempty"`
}

// Relative is a family member in a family inquiry.
type Relative struct {
	Relation     string `json:"relationType"` // father, mother, spouse, child
	NationalCode string `json:"personNin"`
	FirstName    string `json:"firstName"`
	LastName     string `json:"lastName"`
	Gender       int    `json:"gender"`
	BirthDate    string `json:"birthDate"`
	Alive        bool   `json:"alive"`
}
