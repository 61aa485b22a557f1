package identity

import (
	"context"
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
	Service      string
	TrackingCode string
	Status       int
}

// Activity lists the security events of an account: logins, failed
// attempts, codes sent, consents, logouts.
type Activity interface {
	Activity(ctx context.Context, loginID string, limit int) ([]ActivityItem, error)
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

type connectionsView struct {
	List      []Connection
	Available bool
}

func (h *Handler) connections(w http.ResponseWriter, r *http.Request) {
	_, a, ok := h.requireLogin(w, r)
	if !ok {
		return
	}
	v := connectionsView{Available: h.Connections != nil}
	if v.Available {
		var err error
		if v.List, err = h.Connections.Connections(r.Context(), a.ID); err != nil {
			h.m.ServerError(w, r, err)
			return
		}
	}
	h.m.Render(w, r, http.StatusOK, h.pages, web.Page{Name: "connections.html", Title: "connections.title", Data: v})
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

type accessesView struct {
	List      []Access
	Available bool
}

func (h *Handler) accesses(w http.ResponseWriter, r *http.Request) {
	_, a, ok := h.requireLogin(w, r)
	if !ok {
		return
	}
	v := accessesView{Available: h.Accesses != nil}
	subject := a.NationalCode
	switch a.Kind {
	case KindLegal:
		subject = a.LegalID
	case KindForeign:
		subject = a.ForeignID
	}
	if v.Available {
		var err error
		if v.List, err = h.Accesses.Accesses(r.Context(), subject, listLimit); err != nil {
			h.m.ServerError(w, r, err)
			return
		}
	}
	h.m.Render(w, r, http.StatusOK, h.pages, web.Page{Name: "accesses.html", Title: "accesses.title", Data: v})
}

type activityView struct {
	List      []ActivityItem
	Available bool
}

func (h *Handler) activity(w http.ResponseWriter, r *http.Request) {
	_, a, ok := h.requireLogin(w, r)
	if !ok {
		return
	}
	v := activityView{Available: h.Activity != nil}
	if v.Available {
		var err error
		if v.List, err = h.Activity.Activity(r.Context(), a.LoginID, listLimit); err != nil {
			h.m.ServerError(w, r, err)
			return
		}
	}
	h.m.Render(w, r, http.StatusOK, h.pages, web.Page{Name: "activity.html", Title: "activity.title", Data: v})
}
