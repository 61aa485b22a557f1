package registry

import (
	"net/http"

	"github.com/panjereh/panjereh/internal/iran"
	"github.com/panjereh/panjereh/internal/web"
)

// identityRequest is the civil registry's identity inquiry.
type identityRequest struct {
	NIN       string `json:"nin"`
	BirthDate string `json:"birthDate"` // Jalali yyyymmdd
}

// identityResponse mirrors the fields of the civil registry's answer.
type identityResponse struct {
	Name             string `json:"name"`
	Family           string `json:"family"`
	FatherName       string `json:"fatherName"`
	Gender           int    `json:"gender"`
	BirthDate        string `json:"birthDate"`
	NIN              string `json:"nin"`
	ShenasnameNo     string `json:"shenasnameNo"`
	ShenasnameSeri   string `json:"shenasnameSeri"`
	ShenasnameSerial string `json:"shenasnameSerial"`
	OfficeCode       string `json:"officeCode"`
	OfficeName       string `json:"officeName"`
	BookNo           int    `json:"bookNo"`
	BookRow          int    `json:"bookRow"`
	DeathStatus      int    `json:"deathStatus"` // 0 alive, 1 deceased
	DeathDate        string `json:"deathDate"`
	Message          string `json:"message"`
	ExceptionMessage string `json:"exceptionMessage"`
}

// identity answers the identity inquiry by national code and birth date.
// A birth date that does not match is its own answer, 422 with code
// "birth-date-mismatch", as it is how impostors fail.
func (h *Handler) identity(w http.ResponseWriter, r *http.Request) {
	var req identityRequest
	if !readJSON(w, r, &req) {
		return
	}
	code, err := iran.NormalizeNationalCode(req.NIN)
	if err != nil {
		invalid(w, r, "nin", err)
		return
	}
	bd, err := iran.ParseJalali(req.BirthDate)
	if err != nil {
		invalid(w, r, "birthDate", err)
		return
	}
	p, err := h.Store.Person(r.Context(), code)
	if err != nil {
		h.fail(w, r, err, "person", "شخصی")
		return
	}
	born, _ := parseDay(p.BirthDate)
	if born.jalali() != bd {
		web.WriteProblem(w, r, web.NewProblem(http.StatusUnprocessableEntity, "birth-date-mismatch",
			"the birth date does not match the national code", "تاریخ تولد با کد ملی مطابقت ندارد."))
		return
	}
	out := identityResponse{Name: p.FirstName, Family: p.LastName, FatherName: p.FatherName, Gender: p.Gender,
		BirthDate: born.jalali().Compact(), NIN: p.NationalCode, ShenasnameNo: p.ShenasnameNo,
		ShenasnameSeri: p.ShenasnameSeri, ShenasnameSerial: p.ShenasnameSerial, OfficeCode: p.OfficeCode,
		OfficeName: p.OfficeName, BookNo: p.BookNo, BookRow: p.BookRow, Message: "OK"}
	if d, ok := parseDay(p.DeathDate); ok {
		out.DeathStatus, out.DeathDate = 1, d.jalali().Compact()
	}
	web.WriteJSON(w, http.StatusOK, out)
}

// family answers a person's parents, spouse and children.
func (h *Handler) family(w http.ResponseWriter, r *http.Request) {
	code, ok := nationalCode(w, r)
	if !ok {
		return
	}
	fam, err := h.Store.Family(r.Context(), code)
	if err != nil {
		h.fail(w, r, err, "person", "شخصی")
		return
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"nationalCode": code, "family": fam})
}

// residence answers the legal residence of a person or legal person (C5),
// told apart by the length of the identifier.
func (h *Handler) residence(w http.ResponseWriter, r *http.Request) {
	raw := iran.ToASCIIDigits(r.PathValue("id"))
	var id string
	var err error
	legal := len(raw) == 11
	if legal {
		id, err = iran.NormalizeLegalID(raw)
	} else {
		id, err = iran.NormalizeNationalCode(raw)
	}
	if err != nil {
		invalid(w, r, "id", err)
		return
	}
	res, err := h.Store.Residence(r.Context(), id, legal)
	if err != nil {
		h.fail(w, r, err, "person or legal person", "شخص حقیقی یا حقوقی")
		return
	}
	web.WriteJSON(w, http.StatusOK, res)
}

// legalPerson answers a legal person with its signatories (C2).
func (h *Handler) legalPerson(w http.ResponseWriter, r *http.Request) {
	id, err := iran.NormalizeLegalID(r.PathValue("legalID"))
	if err != nil {
		invalid(w, r, "legalID", err)
		return
	}
	c, err := h.Store.LegalPerson(r.Context(), id)
	if err != nil {
		h.fail(w, r, err, "legal person", "شخص حقوقی")
		return
	}
	web.WriteJSON(w, http.StatusOK, c)
}
