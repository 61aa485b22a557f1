package registry

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"time"

	"github.com/panjereh/panjereh/internal/iran"
	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/internal/web"
)

// Handler serves the registries as JSON. Mount its routes on the registry
// server's mux with Mount, or use Routes for a handler of its own.
type Handler struct {
	Store  *Store
	Logger *slog.Logger
	// Now gives the time of Shahkar's inquiry IDs; time.Now when nil.
	Now func() time.Time
}

// maxBody is the largest request body accepted.
const maxBody = 16 << 10

// Mount adds every registry route to m as API routes, so that they get
// the shell's request IDs, access log and panic recovery and answer in
// problem+json. All paths start with /registry/.
func (h *Handler) Mount(m *web.Mux) {
	m.API("POST /registry/sabteahval/identity", h.identity)
	m.API("POST /registry/sazmantanzim/shahkar/ServiceIDmatching", h.shahkar)
	m.API("POST /registry/post/address", h.address)
	m.API("GET /registry/residence/{id}", h.residence)
	m.API("GET /registry/legal-persons/{legalID}", h.legalPerson)
	m.API("GET /registry/persons/{nationalCode}/family", h.family)
	m.API("GET /registry/persons/{nationalCode}/driving-licences", h.licences)
	m.API("GET /registry/persons/{nationalCode}/vehicles", h.ownerVehicles)
	m.API("GET /registry/persons/{nationalCode}/passports", h.passports)
	m.API("GET /registry/persons/{nationalCode}/insurance", h.ownerInsurance)
	m.API("GET /registry/persons/{nationalCode}/education", h.education)
	m.API("GET /registry/vehicles/{plate}", h.vehicle)
	m.API("GET /registry/vehicles/{plate}/insurance", h.plateInsurance)
	m.API("GET /registry/foreigners/{fida}", h.foreigner)
}

// Routes returns a handler of its own serving only the registry routes,
// with every unknown path answered as an API (problem+json).
func (h *Handler) Routes() (http.Handler, error) {
	m, err := web.New(web.Options{Logger: h.Logger, Now: h.Now, APIPrefixes: []string{"/"}})
	if err != nil {
		return nil, fmt.Errorf("registry: %w", err)
	}
	m.Mount(h)
	return m.Handler(), nil
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// readJSON decodes a small JSON body into v, answering the problem itself
// and returning false when the request is not acceptable.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		web.WriteProblem(w, r, web.NewProblem(http.StatusUnsupportedMediaType, "content-type",
			"send the request as application/json", "درخواست را با نوع محتوای application/json بفرستید."))
		return false
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("trailing data")
	}
	if err == nil {
		return true
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		web.WriteProblem(w, r, web.NewProblem(http.StatusRequestEntityTooLarge, "too-large",
			"the request body is larger than 16 KiB", "حجم درخواست بیش از ۱۶ کیلوبایت است."))
		return false
	}
	if errors.Is(err, io.EOF) {
		web.WriteProblem(w, r, web.NewProblem(http.StatusBadRequest, "json",
			"the request body is empty; send the inquiry as JSON", "بدنهٔ درخواست خالی است؛ استعلام را به صورت JSON بفرستید."))
		return false
	}
	web.WriteProblem(w, r, web.NewProblem(http.StatusBadRequest, "json",
		"the request body is not valid JSON of the expected shape", "بدنهٔ درخواست JSON معتبر با ساختار مورد انتظار نیست."))
	return false
}

// reasons returns the stable code and the English and Persian reasons of a
// validator's error.
func reasons(err error) (code, en, fa string) {
	var ve *iran.ValidationError
	if errors.As(err, &ve) {
		return ve.Code, ve.En, ve.Fa
	}
	var de *iran.DateError
	if errors.As(err, &de) {
		return de.Code, de.En, de.Fa
	}
	return "invalid", "the value is not valid", "مقدار واردشده نامعتبر است."
}

// invalid answers 400 with the validator's reasons.
func invalid(w http.ResponseWriter, r *http.Request, field string, err error) {
	code, en, fa := reasons(err)
	p := web.NewProblem(http.StatusBadRequest, code, en, fa)
	p.Errors = []web.FieldError{{Field: field, Code: code, Detail: en, DetailFa: fa}}
	web.WriteProblem(w, r, p)
}

// fail answers a store error: 404 for an unknown key, 500 otherwise.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error, whatEn, whatFa string) {
	if errors.Is(err, sqldb.ErrNotFound) {
		web.WriteProblem(w, r, web.NewProblem(http.StatusNotFound, "not-found",
			"no "+whatEn+" is registered with this identifier", whatFa+" با این شناسه ثبت نشده است."))
		return
	}
	if r.Context().Err() != nil {
		// The caller went away; there is nobody to answer and nothing
		// wrong with the registry.
		w.WriteHeader(499)
		return
	}
	web.WriteInternalError(w, r, h.Logger, err)
}

// nationalCode reads and validates the {nationalCode} path value.
func nationalCode(w http.ResponseWriter, r *http.Request) (string, bool) {
	code, err := iran.NormalizeNationalCode(r.PathValue("nationalCode"))
	if err != nil {
		invalid(w, r, "nationalCode", err)
		return "", false
	}
	return code, true
}

// plateParam reads the {plate} path value in any accepted form.
func plateParam(w http.ResponseWriter, r *http.Request) (string, bool) {
	p, ok := ParsePlate(r.PathValue("plate"))
	if !ok {
		en := "write the plate as 12B34567 or «۱۲ ب ۳۴۵ ایران ۶۷»: two digits, the letter, three digits and the region"
		fa := "پلاک را به شکل «۱۲ ب ۳۴۵ ایران ۶۷» یا 12B34567 بنویسید: دو رقم، حرف، سه رقم و کد منطقه."
		p := web.NewProblem(http.StatusBadRequest, "plate", en, fa)
		p.Errors = []web.FieldError{{Field: "plate", Code: "plate", Detail: en, DetailFa: fa}}
		web.WriteProblem(w, r, p)
	}
	return p, ok
}
