package registry

import (
	"net/http"
	"strconv"

	"github.com/panjereh/panjereh/internal/iran"
	"github.com/panjereh/panjereh/internal/web"
)

// addressRequest is the Post's inquiry; encoding/json matches the field
// name without regard to case, so "postalCode" works too.
type addressRequest struct {
	PostalCode string `json:"Postalcode"`
}

type addressResponse struct {
	TraceID   string `json:"traceID"`
	ErrorCode int    `json:"errorCode"`
	Address
}

// address answers the address of a postal code (C4).
func (h *Handler) address(w http.ResponseWriter, r *http.Request) {
	var req addressRequest
	if !readJSON(w, r, &req) {
		return
	}
	code, err := iran.NormalizePostalCode(req.PostalCode)
	if err != nil {
		invalid(w, r, "Postalcode", err)
		return
	}
	a, err := h.Store.Address(r.Context(), code)
	if err != nil {
		h.fail(w, r, err, "address", "نشانی‌ای")
		return
	}
	web.WriteJSON(w, http.StatusOK, addressResponse{TraceID: strconv.FormatInt(h.now().UnixNano(), 36), Address: a})
}
