package identity

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/panjereh/panjereh/internal/iran"
	"github.com/panjereh/panjereh/internal/web"
	"github.com/panjereh/panjereh/nix"
)

// Registries is what registration asks of the base registries. Lookups
// that find nothing return ErrNoRecord; a birth date that does not match
// returns ErrBirthDateMismatch.
type Registries interface {
	Person(ctx context.Context, nationalCode string, birth iran.JalaliDate) (Person, error)
	MobileMatches(ctx context.Context, mobile, nationalCode string) (bool, error)
	LegalPerson(ctx context.Context, legalID string) (Company, error)
	Foreigner(ctx context.Context, fida string) (Foreigner, error)
}

// Registry lookup outcomes that are answers, not failures.
var (
	ErrNoRecord          = errors.New("identity: the registry has no such record")
	ErrBirthDateMismatch = errors.New("identity: the birth date does not match")
)

// Person is the civil registry's answer.
type Person struct {
	NationalCode, FirstName, LastName, FatherName string
	Gender                                        int // 1 male, 2 female
	BirthDate                                     iran.JalaliDate
	Deceased                                      bool
}

// Company is the legal-persons registry's answer.
type Company struct {
	LegalID, Name, Status string
	Signatories           []Signatory
}

// Signatory is a manager of a company with the power to sign.
type Signatory struct {
	NationalCode, FirstName, LastName, Role string
	Current                                 bool
}

// Foreigner is the foreign-nationals registry's answer.
type Foreigner struct {
	FIDA, FirstName, LastName, FatherName, Nationality string
	Gender                                             int
	BirthDate                                          iran.JalaliDate
	PermitExpires                                      time.Time // zero if unknown
	// PostalCode is the postal code of the residence the bureau has for
	// them; empty if it has none.
	PostalCode string
}

// Exchange services registration calls, by their exchange addresses.
type ExchangeServices struct {
	Identity     string // civil registry identity inquiry, e.g. IR/GOV/sabteahval/registry/identity
	Shahkar      string // Shahkar ServiceIDmatching
	LegalPersons string
	Foreigners   string
	Residence    string // the civil registry's legal residence; optional
	Post         string // the Post's address of a postal code; optional
}

// Address is a legal residence as the account keeps it.
type Address struct {
	PostalCode, Province, City string
}

// ResidenceBook is Registries that can also tell a person's legal
// residence (C5). Registration asks it when it can; the address is a
// convenience for agencies (the address scope), so a registration neither
// waits on it failing nor is refused for it.
type ResidenceBook interface {
	// Residence tells the legal residence of id, a person's national
	// code or a company's legal ID, asked on behalf of user (the national
	// code of the person registering).
	Residence(ctx context.Context, id, user string) (Address, error)
}

// PostBook is Registries that can also tell the Post's address of a
// postal code (C4). A foreign national has no legal residence at the
// civil registry: the foreign-nationals bureau gives their postal code,
// and registration asks the Post for its province and city, as the civil
// registry does for a citizen's, with the same convenience: a failure
// neither stops nor delays a registration.
type PostBook interface {
	// PostalAddress tells the province and city of postalCode, asked
	// about, and on behalf of, person (the FIDA of the foreign national
	// registering).
	PostalAddress(ctx context.Context, postalCode, person string) (Address, error)
}

// ExchangeRegistries reaches the base registries through the national
// exchange, as the window's subsystem.
type ExchangeRegistries struct {
	Client   *nix.Client
	Services ExchangeServices
	// RequestPrefix starts every Shahkar requestId (the organisation's
	// prefix, followed by a timestamp).
	RequestPrefix string
	Now           func() time.Time
}

func (x *ExchangeRegistries) now() time.Time {
	if x.Now != nil {
		return x.Now()
	}
	return time.Now()
}

// call makes c through the exchange with the tracking code ctx carries
// (tracked), or a fresh one, so that the person sees every inquiry the
// window made about them with its tracking code on "who looked at my
// data".
func (x *ExchangeRegistries) call(ctx context.Context, c nix.Call, out any) (*nix.Response, error) {
	if c.TrackingCode = trackingCode(ctx); c.TrackingCode == "" {
		c.TrackingCode, _ = newCode(trackingDigits)
	}
	c.RequestID = web.RequestID(ctx)
	return x.Client.JSON(ctx, c, out)
}

// trackingDigits is the length of the window's own tracking codes.
const trackingDigits = 16

type trackedKey struct{}

// tracked returns ctx with a fresh tracking code for the registries'
// inquiries made with it: one registration's inquiries share one.
func tracked(ctx context.Context) context.Context {
	code, err := newCode(trackingDigits)
	if err != nil {
		return ctx
	}
	return context.WithValue(ctx, trackedKey{}, code)
}

func trackingCode(ctx context.Context) string {
	code, _ := ctx.Value(trackedKey{}).(string)
	return code
}

// lookupErr maps a refused or failed call: a 404 is no record; the rest
// are failures.
func lookupErr(err error) error {
	var ne *nix.Error
	if errors.As(err, &ne) {
		switch {
		case ne.Status == http.StatusNotFound && ne.Code != "unknown-service":
			return ErrNoRecord
		case ne.Code == "birth-date-mismatch":
			return ErrBirthDateMismatch
		}
	}
	return err
}

// Person asks the civil registry.
func (x *ExchangeRegistries) Person(ctx context.Context, code string, birth iran.JalaliDate) (Person, error) {
	var out struct {
		Name, Family, FatherName, BirthDate, NIN string
		Gender, DeathStatus                      int
	}
	_, err := x.call(ctx, nix.Call{Service: x.Services.Identity, Subject: code, User: code,
		Body: map[string]string{"nin": code, "birthDate": birth.Compact()}}, &out)
	if err != nil {
		return Person{}, lookupErr(err)
	}
	bd, err := iran.ParseJalali(out.BirthDate)
	if err != nil {
		return Person{}, fmt.Errorf("identity: civil registry birth date %q: %w", out.BirthDate, err)
	}
	return Person{NationalCode: out.NIN, FirstName: out.Name, LastName: out.Family, FatherName: out.FatherName,
		Gender: out.Gender, BirthDate: bd, Deceased: out.DeathStatus == 1}, nil
}

// MobileMatches asks Shahkar whether mobile is registered to the national
// code, or to the foreign national with a 12-digit FIDA.
func (x *ExchangeRegistries) MobileMatches(ctx context.Context, mobile, code string) (bool, error) {
	idType := 0
	if len(code) == 12 {
		idType = 5
	}
	var out struct {
		Response int    `json:"response"`
		Comment  string `json:"comment"`
	}
	req := map[string]any{"requestId": x.RequestPrefix + strconv.FormatInt(x.now().UnixMilli(), 10),
		"serviceNumber": mobile, "serviceType": 2, "identificationType": idType, "identificationNo": code}
	if _, err := x.call(ctx, nix.Call{Service: x.Services.Shahkar, Subject: code, User: code, Body: req}, &out); err != nil {
		return false, lookupErr(err)
	}
	switch out.Response {
	case 200:
		return true, nil
	case 600:
		return false, nil
	}
	return false, fmt.Errorf("identity: shahkar answered %d: %s", out.Response, out.Comment)
}

// LegalPerson asks the legal-persons registry.
func (x *ExchangeRegistries) LegalPerson(ctx context.Context, legalID string) (Company, error) {
	var out struct {
		LegalID, Name, Status string
		Signatories           []struct {
			NationalCode, FirstName, LastName, Role, From, To string
		}
	}
	if _, err := x.call(ctx, nix.Call{Service: x.Services.LegalPersons, Path: legalID, Subject: legalID}, &out); err != nil {
		return Company{}, lookupErr(err)
	}
	c := Company{LegalID: out.LegalID, Name: out.Name, Status: out.Status}
	for _, s := range out.Signatories {
		c.Signatories = append(c.Signatories, Signatory{NationalCode: s.NationalCode, FirstName: s.FirstName,
			LastName: s.LastName, Role: s.Role, Current: s.To == ""})
	}
	return c, nil
}

// Residence asks the civil registry for a person's or a company's legal
// residence: the postal code and the Post's address for it. The city is
// the locality's name, or the township's where the locality is not a
// city.
func (x *ExchangeRegistries) Residence(ctx context.Context, id, user string) (Address, error) {
	if x.Services.Residence == "" {
		return Address{}, ErrNoRecord
	}
	var out struct {
		PostalCode string       `json:"postalCode"`
		Address    *postAddress `json:"address"`
	}
	if _, err := x.call(ctx, nix.Call{Service: x.Services.Residence, Path: id, Subject: id, User: user}, &out); err != nil {
		return Address{}, lookupErr(err)
	}
	a := Address{PostalCode: out.PostalCode}
	if out.Address != nil {
		a.Province, a.City = out.Address.Province, out.Address.city()
	}
	return a, nil
}

// postAddress is the part of the Post's address of a postal code that
// the account keeps, in the Post's field names.
type postAddress struct {
	Province     string `json:"province"`
	TownShip     string `json:"townShip"`
	LocalityType string `json:"localityType"`
	LocalityName string `json:"localityName"`
}

// city is the locality's name, or the township's where the locality is
// not a city.
func (p postAddress) city() string {
	if p.LocalityType == "شهر" && p.LocalityName != "" {
		return p.LocalityName
	}
	return p.TownShip
}

// PostalAddress asks the Post for the address of a postal code: its
// province and city.
func (x *ExchangeRegistries) PostalAddress(ctx context.Context, postalCode, person string) (Address, error) {
	if x.Services.Post == "" {
		return Address{}, ErrNoRecord
	}
	var out struct {
		ErrorCode int `json:"errorCode"`
		postAddress
	}
	_, err := x.call(ctx, nix.Call{Service: x.Services.Post, Subject: person, User: person,
		Body: map[string]string{"Postalcode": postalCode}}, &out)
	if err != nil {
		return Address{}, lookupErr(err)
	}
	if out.ErrorCode != 0 {
		return Address{}, fmt.Errorf("identity: the Post answered error code %d for a postal code", out.ErrorCode)
	}
	return Address{PostalCode: postalCode, Province: out.Province, City: out.city()}, nil
}

// Foreigner asks the foreign-nationals registry.
func (x *ExchangeRegistries) Foreigner(ctx context.Context, fida string) (Foreigner, error) {
	var out struct {
		FIDA, FirstName, LastName, FatherName, Nationality, BirthDate string
		Gender                                                        int
		PermitExpires                                                 string `json:"residencePermitExpires"`
		PostalCode                                                    string `json:"postalCode"`
	}
	if _, err := x.call(ctx, nix.Call{Service: x.Services.Foreigners, Path: fida, Subject: fida}, &out); err != nil {
		return Foreigner{}, lookupErr(err)
	}
	f := Foreigner{FIDA: out.FIDA, FirstName: out.FirstName, LastName: out.LastName, FatherName: out.FatherName,
		Nationality: out.Nationality, Gender: out.Gender, PostalCode: out.PostalCode}
	// The bureau answers Gregorian dates; accept Jalali ones too.
	if d, err := time.Parse(time.DateOnly, out.BirthDate); err == nil {
		f.BirthDate = iran.ToJalali(d)
	} else if f.BirthDate, err = iran.ParseJalali(out.BirthDate); err != nil {
		return Foreigner{}, fmt.Errorf("identity: foreigners registry birth date %q: %w", out.BirthDate, err)
	}
	if out.PermitExpires != "" {
		if d, err := time.Parse(time.DateOnly, out.PermitExpires); err == nil {
			f.PermitExpires = d
		} else if j, err := iran.ParseJalali(out.PermitExpires); err == nil {
			f.PermitExpires, _ = iran.FromJalali(j.Year, j.Month, j.Day, time.UTC)
		}
	}
	return f, nil
}
