package identity

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/panjereh/panjereh/internal/web"
)

// Connections are the agencies a person let into their data through
// single sign-on, with the consent they gave (A6).
type Connections interface {
	Connections(ctx context.Context, accountID string) ([]Connection, error)
	Revoke(ctx context.Context, accountID, clientID string, cl Client) error
}

// Connection is one agency and what it may receive.
type Connection struct {
	ClientID   string
	Name       web.Text
	Attributes []web.Text
	Granted    time.Time
}

// Accesses answers who looked at a person's data through the exchange.
type Accesses interface {
	Accesses(ctx context.Context, subject string, limit int) ([]Access, error)
}

// Access is one exchange about a person.
type Access struct {
	At           time.Time
	Who          web.Text // the member that asked
	Client       string   // its subsystem
	Service      string   // the service's address on the exchange
	ServiceTitle web.Text // what the service is, and whose; empty if unknown
	TrackingCode string
	Status       int      // the HTTP status the exchange answered with
	Result       web.Text // the status in words
}

// Activity lists the security events of an account, named by its login
// ID and its ID: logins, failed attempts, codes sent, consents, logouts.
// A legal person's account lists only its current signatory's tenure
// (Service.SignatoryTenure): logins and codes are a person's, and the
// account's login ID and ID stay the same when it passes to a new
// signatory.
type Activity interface {
	Activity(ctx context.Context, loginID, accountID string, limit int) ([]ActivityItem, error)
}

// Tenure is a legal person's account's current signatory and when they
// took it over: at its registration, or when a new signatory registered
// it again. The account's security events from before Since are a
// former signatory's, as are later ones a former signatory caused, such
// as the ends of their sessions at the takeover.
type Tenure struct {
	NationalCode string
	Since        time.Time
}

// SignatoryTenure returns the tenure of the current signatory of account
// id, or the zero Tenure if it is not a legal person's: a natural
// person's or a foreign national's account is always its one person's.
func (s *Service) SignatoryTenure(ctx context.Context, id string) (Tenure, error) {
	t, err := loadTenure(ctx, s.DB.Read, id)
	if err != nil {
		return t, fmt.Errorf("identity: signatory tenure: %w", err)
	}
	return t, nil
}

// ActivityItem is one security event as its owner sees it.
type ActivityItem struct {
	At        time.Time
	What      web.Text
	IP        string
	UserAgent string
}

// listLimit bounds the privacy pages' lists.
const listLimit = 100

// listView is a privacy page's list, or that its feed is not configured.
type listView[T any] struct {
	List      []T
	Available bool
}

// listPage renders page (page.html, titled page.title) with the logged-in
// account's list from load, or says it is unavailable when load is nil.
func listPage[T any](h *Handler, w http.ResponseWriter, r *http.Request, page string, load func(context.Context, Account) ([]T, error)) {
	_, a, ok := h.requireLogin(w, r)
	if !ok {
		return
	}
	v := listView[T]{Available: load != nil}
	if v.Available {
		var err error
		if v.List, err = load(r.Context(), a); err != nil {
			h.m.ServerError(w, r, err)
			return
		}
	}
	h.m.Render(w, r, http.StatusOK, h.pages, web.Page{Name: page + ".html", Title: page + ".title", Data: v})
}

func (h *Handler) connections(w http.ResponseWriter, r *http.Request) {
	var load func(context.Context, Account) ([]Connection, error)
	if h.Connections != nil {
		load = func(ctx context.Context, a Account) ([]Connection, error) {
			return h.Connections.Connections(ctx, a.ID)
		}
	}
	listPage(h, w, r, "connections", load)
}

func (h *Handler) revokeConnection(w http.ResponseWriter, r *http.Request) {
	_, a, ok := h.requireLogin(w, r)
	if !ok {
		return
	}
	if h.Connections == nil {
		h.m.NotFound(w, r)
		return
	}
	if err := h.Connections.Revoke(r.Context(), a.ID, r.PostFormValue("client"), client(r)); err != nil {
		h.m.ServerError(w, r, err)
		return
	}
	http.Redirect(w, r, "/account/connections", http.StatusSeeOther)
}

// accesses lists the exchanges about the account's subject: the person's
// national code, the legal person's ID or the foreign national's FIDA,
// which is what the account logs in with. A legal person's are the
// company's, about its own records, and carry nothing of the signatory
// who was serving when they were made: whoever signs for it now sees
// them all, unlike its security activity.
func (h *Handler) accesses(w http.ResponseWriter, r *http.Request) {
	var load func(context.Context, Account) ([]Access, error)
	if h.Accesses != nil {
		load = func(ctx context.Context, a Account) ([]Access, error) {
			return h.Accesses.Accesses(ctx, a.LoginID, listLimit)
		}
	}
	listPage(h, w, r, "accesses", load)
}

func (h *Handler) activity(w http.ResponseWriter, r *http.Request) {
	var load func(context.Context, Account) ([]ActivityItem, error)
	if h.Activity != nil {
		load = func(ctx context.Context, a Account) ([]ActivityItem, error) {
			list, err := h.Activity.Activity(ctx, a.LoginID, a.ID, listLimit)
			if err != nil || a.Kind != KindLegal {
				return list, err
			}
			// The account may have passed to a new signatory since the
			// session was checked, and the list be of their tenure: it
			// is not this signatory's to see.
			t, err := h.Service.SignatoryTenure(ctx, a.ID)
			if err != nil {
				return nil, err
			}
			if t.NationalCode != a.NationalCode {
				return nil, nil
			}
			return list, nil
		}
	}
	listPage(h, w, r, "activity", load)
}
