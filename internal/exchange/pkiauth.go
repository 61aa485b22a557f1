package exchange

import (
	"net/http"

	"github.com/panjereh/panjereh/internal/exchange/pki"
)

// CertAuth authenticates callers by their member certificates.
type CertAuth struct {
	*pki.Authenticator
}

// Member returns the member ID of the caller's certificate.
func (a CertAuth) Member(r *http.Request) (string, error) {
	id, err := a.Authenticate(r)
	if err != nil {
		return "", err
	}
	return id.String(), nil
}
