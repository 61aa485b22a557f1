package registry

import (
	"net/http"
	"strconv"

	"github.com/panjereh/panjereh/internal/iran"
	"github.com/panjereh/panjereh/internal/web"
)

// Shahkar's response codes.
const (
	shahkarMatch    = 200 // the mobile number belongs to the national code
	shahkarMismatch = 600 // it does not
	shahkarInvalid  = 311 // the input is not valid
)

// shahkarRequest is the ServiceIDmatching request: serviceType 2 is a
// mobile line, identificationType 0 a national code and 5 a foreign
// national's FIDA.
type shahkarRequest struct {
	RequestID          string `json:"requestId"`
	ServiceNumber      string `json:"serviceNumber"`
	ServiceType        int    `json:"serviceType"`
	IdentificationType int    `json:"identificationType"`
	IdentificationNo   string `json:"identificationNo"`
}

type shahkarResponse struct {
	Result    string `json:"result"`
	RequestID string `json:"requestId"`
	Response  int    `json:"response"`
	Comment   string `json:"comment"`
	ID        string `json:"id"`
}

// shahkar answers whether a mobile number is registered to a national code
// (C3). Like the real service it answers invalid input in its own protocol,
// with response 311 and HTTP 200; only a body that is not JSON at all is a
// problem document.
func (h *Handler) shahkar(w http.ResponseWriter, r *http.Request) {
	var req shahkarRequest
	if !readJSON(w, r, &req) {
		return
	}
	out := shahkarResponse{RequestID: req.RequestID, ID: strconv.FormatInt(h.now().UnixNano(), 10)}
	answer := func(code int, comment string) {
		out.Response, out.Comment = code, comment
		out.Result = "NOK"
		if code == shahkarMatch {
			out.Result = "OK"
		}
		web.WriteJSON(w, http.StatusOK, out)
	}
	if req.ServiceType != 2 || (req.IdentificationType != 0 && req.IdentificationType != 5) {
		answer(shahkarInvalid, "only serviceType 2 (mobile) with identificationType 0 (national code) or 5 (FIDA) is supported / فقط استعلام خط همراه با کد ملی یا شناسهٔ فراگیر اتباع پشتیبانی می‌شود")
		return
	}
	mobile, err := iran.NormalizeMobile(req.ServiceNumber)
	if err != nil {
		_, en, fa := reasons(err)
		answer(shahkarInvalid, "serviceNumber: "+en+" / "+fa)
		return
	}
	var code string
	if req.IdentificationType == 5 {
		code = iran.ToASCIIDigits(req.IdentificationNo)
		if len(code) != 12 || !allDigits(code) {
			err = &iran.ValidationError{Code: "length", En: "a foreign national identifier (FIDA) has 12 digits", Fa: "شناسهٔ فراگیر اتباع خارجی ۱۲ رقم است."}
		}
	} else {
		code, err = iran.NormalizeNationalCode(req.IdentificationNo)
	}
	if err != nil {
		_, en, fa := reasons(err)
		answer(shahkarInvalid, "identificationNo: "+en+" / "+fa)
		return
	}
	owner, err := h.Store.MobileOwner(r.Context(), mobile)
	if err != nil && !isNotFound(err) {
		h.fail(w, r, err, "", "")
		return
	}
	if owner != code {
		answer(shahkarMismatch, "the mobile number is not registered to this national code / شماره همراه به نام این کد ملی نیست")
		return
	}
	answer(shahkarMatch, "match / تطابق دارد")
}
