package registry

import (
	"context"
	"errors"
	"net/http"

	"github.com/panjereh/panjereh/internal/iran"
	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/internal/web"
)

func isNotFound(err error) bool { return errors.Is(err, sqldb.ErrNotFound) }

// personList answers a list keyed by a person's national code. An empty
// list is checked against the civil registry, so that an unknown person is
// 404 while a known one with nothing registered is an empty list.
func personList[T any](h *Handler, w http.ResponseWriter, r *http.Request, key string,
	get func(ctx context.Context, code string) ([]T, error)) {
	code, ok := nationalCode(w, r)
	if !ok {
		return
	}
	list, err := get(r.Context(), code)
	if err == nil && len(list) == 0 {
		_, err = h.Store.Person(r.Context(), code)
	}
	if err != nil {
		h.fail(w, r, err, "person", "شخصی")
		return
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"nationalCode": code, key: list})
}

func (h *Handler) licences(w http.ResponseWriter, r *http.Request) {
	personList(h, w, r, "drivingLicences", h.Store.DrivingLicences)
}

func (h *Handler) ownerVehicles(w http.ResponseWriter, r *http.Request) {
	personList(h, w, r, "vehicles", h.Store.VehiclesByOwner)
}

func (h *Handler) passports(w http.ResponseWriter, r *http.Request) {
	personList(h, w, r, "passports", h.Store.Passports)
}

func (h *Handler) ownerInsurance(w http.ResponseWriter, r *http.Request) {
	personList(h, w, r, "policies", h.Store.InsuranceByOwner)
}

func (h *Handler) education(w http.ResponseWriter, r *http.Request) {
	personList(h, w, r, "certificates", h.Store.Education)
}

// vehicle answers a vehicle by plate, Persian or canonical.
func (h *Handler) vehicle(w http.ResponseWriter, r *http.Request) {
	plate, ok := plateParam(w, r)
	if !ok {
		return
	}
	v, err := h.Store.Vehicle(r.Context(), plate)
	if err != nil {
		h.fail(w, r, err, "vehicle", "خودرویی")
		return
	}
	web.WriteJSON(w, http.StatusOK, v)
}

// plateInsurance answers the third-party policies of a vehicle.
func (h *Handler) plateInsurance(w http.ResponseWriter, r *http.Request) {
	plate, ok := plateParam(w, r)
	if !ok {
		return
	}
	list, err := h.Store.InsuranceByPlate(r.Context(), plate)
	if err == nil && len(list) == 0 {
		_, err = h.Store.Vehicle(r.Context(), plate)
	}
	if err != nil {
		h.fail(w, r, err, "vehicle", "خودرویی")
		return
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"plate": plate, "policies": list})
}

// foreigner answers a foreign national by the 12-digit FIDA.
func (h *Handler) foreigner(w http.ResponseWriter, r *http.Request) {
	id := iran.ToASCIIDigits(r.PathValue("fida"))
	if len(id) != 12 || !allDigits(id) {
		en := "a foreign national identifier (FIDA) has 12 digits"
		fa := "شناسهٔ فراگیر اتباع خارجی ۱۲ رقم است."
		p := web.NewProblem(http.StatusBadRequest, "length", en, fa)
		p.Errors = []web.FieldError{{Field: "fida", Code: "length", Detail: en, DetailFa: fa}}
		web.WriteProblem(w, r, p)
		return
	}
	f, err := h.Store.Foreigner(r.Context(), id)
	if err != nil {
		h.fail(w, r, err, "foreign national", "تبعهٔ خارجی‌ای")
		return
	}
	web.WriteJSON(w, http.StatusOK, f)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
