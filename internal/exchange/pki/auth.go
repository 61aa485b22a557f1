package pki

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/panjereh/panjereh/internal/web"
)

// AuthError is a reason the gateway refuses a caller, with the HTTP status
// it answers and a message for the caller in English and Persian.
type AuthError struct {
	// Code is the stable machine-readable reason in the problem document.
	Code   string
	Status int
	En, Fa string
}

// Error returns the code in words, such as "no certificate", for logs.
func (e *AuthError) Error() string { return strings.ReplaceAll(e.Code, "_", " ") }

// The reasons a caller is refused. Authenticate and ClaimMatches return
// them wrapped with details for the log; match them with errors.Is.
var (
	ErrNoCertificate = &AuthError{"no_certificate", http.StatusUnauthorized,
		"No client certificate was presented. Call the exchange with your member certificate (member.crt and member.key) issued by the platform CA.",
		"گواهی کلاینت ارائه نشد. با گواهی عضویت خود (member.crt و member.key) که مرجع صدور گواهی سکو صادر کرده است درخواست دهید."}
	ErrUntrusted = &AuthError{"untrusted_certificate", http.StatusUnauthorized,
		"The client certificate was not issued by the platform CA for client authentication.",
		"گواهی کلاینت را مرجع صدور گواهی سکو برای احراز هویت کلاینت صادر نکرده است."}
	ErrExpired = &AuthError{"expired_certificate", http.StatusUnauthorized,
		"The client certificate has expired or is not yet valid. Ask the platform operator for a new certificate.",
		"گواهی کلاینت منقضی شده یا هنوز معتبر نشده است. از گردانندهٔ سکو گواهی تازه بخواهید."}
	ErrRevoked = &AuthError{"revoked_certificate", http.StatusUnauthorized,
		"The client certificate has been revoked. Ask the platform operator for a new certificate.",
		"گواهی کلاینت باطل شده است. از گردانندهٔ سکو گواهی تازه بخواهید."}
	ErrMalformedIdentity = &AuthError{"malformed_identity", http.StatusUnauthorized,
		"The client certificate does not carry a single, consistent member identity.",
		"گواهی کلاینت شناسهٔ عضو یکتا و سازگاری ندارد."}
	ErrRevocationUnavailable = &AuthError{"revocation_unavailable", http.StatusServiceUnavailable,
		"The gateway cannot check certificate revocation at the moment. Please try again shortly.",
		"درگاه در این لحظه نمی‌تواند ابطال گواهی را بررسی کند. لطفاً کمی بعد دوباره تلاش کنید."}
	ErrWrongMember = &AuthError{"wrong_member", http.StatusForbidden,
		"The client subsystem named in the request does not belong to the member whose certificate made the request.",
		"زیرسامانهٔ کلاینتِ نام‌برده در درخواست متعلق به عضوی که گواهی‌اش درخواست را فرستاده نیست."}
	ErrMalformedClaim = &AuthError{"malformed_client", http.StatusBadRequest,
		"The client must be named as INSTANCE/CLASS/MEMBER/SUBSYSTEM, e.g. IR/GOV/10380284790/civil.",
		"کلاینت باید به شکل INSTANCE/CLASS/MEMBER/SUBSYSTEM نام برده شود، مانند IR/GOV/10380284790/civil."}
)

// ProblemFor returns the problem document to answer err with: the
// AuthError it wraps, or a 500 that says nothing of an unexpected error.
func ProblemFor(err error) *web.Problem {
	var ae *AuthError
	if errors.As(err, &ae) {
		p := web.NewProblem(ae.Status, ae.Code, ae.En, ae.Fa)
		if ae.Status == http.StatusServiceUnavailable {
			p.RetryAfter = time.Second
		}
		return p
	}
	return web.NewProblem(http.StatusInternalServerError, "internal",
		"Something went wrong on our side. Please try again; if it persists, quote the request ID to support.",
		"خطایی در سامانه رخ داد. لطفاً دوباره تلاش کنید؛ اگر تکرار شد، شناسهٔ درخواست را به پشتیبانی اعلام کنید.")
}

// ServerTLSConfig returns the gateway's TLS configuration: TLS 1.3 only,
// serving serverCert, and requesting (not requiring) a client certificate
// so that Authenticator can refuse a missing or bad one with a clear
// problem document. The platform CA is advertised as the acceptable
// issuer, which lets clients holding several certificates pick the member
// one; the certificate is verified by Authenticator, not here.
func ServerTLSConfig(ca *x509.Certificate, serverCert tls.Certificate) *tls.Config {
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	return &tls.Config{
		MinVersion:   tls.VersionTLS13,
		Certificates: []tls.Certificate{serverCert},
		ClientAuth:   tls.RequestClientCert,
		ClientCAs:    pool,
	}
}

// Authenticator establishes which member is calling the gateway from the
// client certificate of the request's TLS connection.
type Authenticator struct {
	// CA is the platform CA certificate every member certificate chains to.
	CA *x509.Certificate
	// Revoked is consulted on every request. It must be set.
	Revoked *RevocationCache
	// Now is the clock (time.Now if nil).
	Now func() time.Time

	// verified remembers certificates whose chain and identity were
	// checked, by the SHA-256 of their DER, so that a signature is
	// verified once per certificate rather than on every request. Validity
	// dates and revocation are still checked on every request.
	verified  sync.Map // [32]byte -> verifiedCert
	verifiedN atomic.Int64
}

// verifiedCert is what Authenticate keeps of a verified certificate: its
// member and its serial, formatted once.
type verifiedCert struct {
	member MemberID
	serial string
}

// maxVerified bounds the verified-certificate cache; past it the cache
// starts afresh.
const maxVerified = 100000

// Authenticate returns the member whose certificate made r. The
// certificate must chain to the platform CA with client-authentication
// usage, be within its validity, not be revoked, and carry the member
// identity in its URI SAN and, identically, in its Subject. The error
// wraps one of the AuthError values; answer it with ProblemFor.
func (a *Authenticator) Authenticate(r *http.Request) (MemberID, error) {
	if a.Revoked == nil || a.CA == nil {
		return MemberID{}, errors.New("pki: authenticate: authenticator has no CA or revocation cache")
	}
	if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
		return MemberID{}, fmt.Errorf("pki: authenticate: %w", ErrNoCertificate)
	}
	leaf := r.TLS.PeerCertificates[0]
	now := time.Now()
	if a.Now != nil {
		now = a.Now()
	}
	// An expired certificate of our own is told apart from a foreign one
	// so that the member learns it needs a new certificate.
	if now.Before(leaf.NotBefore) || now.After(leaf.NotAfter) {
		serial := Serial(leaf.SerialNumber)
		if leaf.CheckSignatureFrom(a.CA) != nil {
			return MemberID{}, fmt.Errorf("pki: authenticate serial %s (%s): %w", serial, leaf.Subject, ErrUntrusted)
		}
		return MemberID{}, fmt.Errorf("pki: authenticate serial %s: valid %s to %s: %w",
			serial, leaf.NotBefore.Format(time.RFC3339), leaf.NotAfter.Format(time.RFC3339), ErrExpired)
	}
	key := sha256.Sum256(leaf.Raw)
	if v, ok := a.verified.Load(key); ok {
		v := v.(*verifiedCert)
		return a.notRevoked(r, v.serial, v.member)
	}
	serial := Serial(leaf.SerialNumber)
	roots := x509.NewCertPool()
	roots.AddCert(a.CA)
	_, err := leaf.Verify(x509.VerifyOptions{
		Roots:       roots,
		CurrentTime: now,
		KeyUsages:   []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	})
	if err != nil {
		var inv x509.CertificateInvalidError
		if errors.As(err, &inv) && inv.Reason == x509.Expired {
			return MemberID{}, fmt.Errorf("pki: authenticate serial %s: %w: %w", serial, ErrExpired, err)
		}
		return MemberID{}, fmt.Errorf("pki: authenticate serial %s (%s): %w: %w", serial, leaf.Subject, ErrUntrusted, err)
	}
	member, err := CertificateMember(leaf)
	if err != nil {
		return MemberID{}, fmt.Errorf("pki: authenticate serial %s: %w", serial, err)
	}
	if a.verifiedN.Add(1) > maxVerified {
		a.verified.Clear()
		a.verifiedN.Store(1)
	}
	a.verified.Store(key, &verifiedCert{member: member, serial: serial})
	return a.notRevoked(r, serial, member)
}

// notRevoked returns member unless serial is revoked.
func (a *Authenticator) notRevoked(r *http.Request, serial string, member MemberID) (MemberID, error) {
	revoked, err := a.Revoked.IsRevoked(r.Context(), serial)
	if err != nil {
		return MemberID{}, fmt.Errorf("pki: authenticate serial %s: %w", serial, err)
	}
	if revoked {
		return MemberID{}, fmt.Errorf("pki: authenticate serial %s: %w", serial, ErrRevoked)
	}
	return member, nil
}

// CertificateMember extracts the member identity from a member
// certificate: its single nix:member: URI SAN, which must name a valid
// member and agree with the Subject's C, O and CN. Errors wrap
// ErrMalformedIdentity.
func CertificateMember(cert *x509.Certificate) (MemberID, error) {
	var found []string
	for _, u := range cert.URIs {
		if u.Scheme == uriScheme {
			found = append(found, u.Opaque)
		}
	}
	if len(found) != 1 || len(found[0]) <= len(uriPrefix) || found[0][:len(uriPrefix)] != uriPrefix {
		return MemberID{}, fmt.Errorf("pki: certificate identity: want exactly one %s:%s URI SAN: %w", uriScheme, uriPrefix, ErrMalformedIdentity)
	}
	m, err := ParseMemberID(found[0][len(uriPrefix):])
	if err != nil {
		return MemberID{}, fmt.Errorf("pki: certificate identity: %w: %w", ErrMalformedIdentity, err)
	}
	s := cert.Subject
	if len(s.Country) != 1 || len(s.Organization) != 1 || s.Country[0] != m.Instance ||
		s.Organization[0] != m.Class || s.CommonName != m.Code {
		return MemberID{}, fmt.Errorf("pki: certificate identity: subject %q disagrees with SAN %s: %w", s, m, ErrMalformedIdentity)
	}
	return m, nil
}
