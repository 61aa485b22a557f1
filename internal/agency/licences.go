package agency

import (
	"crypto/rand"
	"errors"
	"math/big"
	"net/http"
	"net/url"
	"time"

	"github.com/panjereh/panjereh/internal/iran"
	"github.com/panjereh/panjereh/internal/web"
	"github.com/panjereh/panjereh/nix"
)

// licence is one driving licence as the police registry answers it.
type licence struct {
	Number  string `json:"number"`
	Class   string `json:"class"`
	Issued  string `json:"issued"`  // YYYY-MM-DD
	Expires string `json:"expires"` // YYYY-MM-DD
}

// licenceRow is a licence as the page shows it.
type licenceRow struct {
	Number          string
	Class           web.Text
	Issued, Expires time.Time
	Valid           bool
}

// licencesData is the licences page's data. Exactly one of NixOff,
// Foreign, NoCode, Error and (possibly empty) Licences applies.
type licencesData struct {
	NixOff bool
	// Foreign: the person is a foreign national and has no national
	// code, which the registry is searched by.
	Foreign bool
	// NoCode: the national_code scope was not released, so the agency
	// does not know the person's national code, if they have one.
	NoCode       bool
	Error        string // a message key
	Licences     []licenceRow
	TrackingCode string
	MessageID    string
}

// licences asks the police registry, through the exchange, for the
// logged-in person's driving licences: on their behalf (their national
// code and assurance level), about themselves, under a fresh tracking
// code.
func (a *Agency) licences(w http.ResponseWriter, r *http.Request) {
	sess, ok := a.requireLogin(w, r)
	if !ok {
		return
	}
	d := licencesData{}
	code := sess.NationalCode()
	switch {
	case a.cfg.Nix == nil:
		d.NixOff = true
	case code == "" && sess.Foreign():
		d.Foreign = true
	case code == "":
		d.NoCode = true
	}
	if d.NixOff || d.Foreign || d.NoCode {
		a.renderLicences(w, r, http.StatusOK, d)
		return
	}
	ctx := r.Context()
	tc, err := a.cfg.TrackingCode(ctx)
	if err != nil {
		a.m.ServerError(w, r, err)
		return
	}
	d.TrackingCode = tc
	var answer struct {
		DrivingLicences []licence `json:"drivingLicences"`
	}
	resp, err := a.cfg.Nix.JSON(ctx, nix.Call{
		Service:      LicencesService,
		Path:         url.PathEscape(code) + "/driving-licences",
		User:         code,
		Assurance:    sess.ACR,
		Subject:      code,
		TrackingCode: tc,
	}, &answer)
	if resp != nil {
		d.MessageID = resp.MessageID
	}
	if err != nil {
		a.log.ErrorContext(ctx, "agency: licences through the exchange", "tracking_code", tc, "err", err)
		d.Error = exchangeProblem(err)
		a.renderLicences(w, r, http.StatusBadGateway, d)
		return
	}
	today := a.now().In(iran.Tehran()).Format("2006-01-02")
	for _, l := range answer.DrivingLicences {
		d.Licences = append(d.Licences, licenceRow{Number: l.Number, Class: className(l.Class), Issued: day(l.Issued),
			Expires: day(l.Expires), Valid: l.Expires >= today})
	}
	a.renderLicences(w, r, http.StatusOK, d)
}

func (a *Agency) renderLicences(w http.ResponseWriter, r *http.Request, status int, d licencesData) {
	a.m.Render(w, r, status, a.pages, web.Page{Name: "licences.html", Title: "licences.title", Data: d})
}

// exchangeProblem chooses what to tell the person about a failed call;
// the details go to the log.
func exchangeProblem(err error) string {
	switch {
	case errors.Is(err, nix.ErrForbidden):
		return "licences.err.denied"
	case errors.Is(err, nix.ErrUnauthenticated):
		return "licences.err.cert"
	case errors.Is(err, nix.ErrNotFound):
		return "licences.err.found"
	case errors.Is(err, nix.ErrRateLimited):
		return "licences.err.busy"
	case errors.Is(err, nix.ErrProvider):
		return "licences.err.down"
	}
	return "licences.err.other"
}

// className gives a licence class, as the registry writes it in Persian,
// its English name too; a class not in licenceClasses is shown as it is
// in both languages.
func className(class string) web.Text {
	key := iran.Fold(class)
	for _, t := range licenceClasses {
		if iran.Fold(t.Fa) == key {
			return t
		}
	}
	return web.Text{Fa: class, En: class}
}

func day(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02", s, iran.Tehran())
	if err != nil {
		return time.Time{}
	}
	return t
}

// newTrackingCode returns a local tracking code: 15 random digits and a
// Luhn check digit, so that a mistyped code can be told at once. The
// window's tracking service will issue codes unique across agencies;
// Config.TrackingCode is where an agency plugs it in.
func newTrackingCode() string {
	b := make([]byte, 16)
	for i := range 15 {
		n, _ := rand.Int(rand.Reader, big.NewInt(10))
		b[i] = byte('0' + n.Int64())
	}
	b[15] = luhnDigit(b[:15])
	return string(b)
}

// luhnDigit computes the Luhn check digit of the ASCII digits.
func luhnDigit(digits []byte) byte {
	sum := 0
	double := true // the rightmost payload digit is doubled
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return byte('0' + (10-sum%10)%10)
}
