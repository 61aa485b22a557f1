package exchange

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Member is an organisation connected to the exchange.
type Member struct {
	ID             string // INSTANCE/CLASS/MEMBER
	NameFa, NameEn string
	CreatedAt      time.Time
}

// Service is a service a provider subsystem publishes on the exchange.
type Service struct {
	ID               ServiceID
	TitleFa, TitleEn string
	// TargetURL is where the gateway forwards calls; the path after the
	// service address is appended to it.
	TargetURL string
	// OpenAPI is the service's OpenAPI description, served by discovery.
	OpenAPI string
	// Items are the data items the service's answers may carry; rights
	// grant some or all of them.
	Items Items
	// RequireMTLS says the provider accepts only the gateway's client
	// certificate.
	RequireMTLS bool
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Right allows one client subsystem to call one service.
type Right struct {
	Client    Subsystem
	Service   ServiceID
	Items     Items // empty: every item
	GrantedBy string
	GrantedAt time.Time
}

// AuditEntry is one change of a right.
type AuditEntry struct {
	ID      string    `json:"id"`
	At      time.Time `json:"at"`
	Actor   string    `json:"actor"`
	Action  string    `json:"action"` // grant, change, revoke
	Client  string    `json:"client"`
	Service string    `json:"service"`
	Items   Items     `json:"items"`
}

// ErrInvalid marks input the exchange refuses; its message says why.
var ErrInvalid = errors.New("invalid")

func invalidf(format string, a ...any) error {
	return fmt.Errorf("exchange: %w: %s", ErrInvalid, fmt.Sprintf(format, a...))
}

// validate checks a service before it is published.
func (s *Service) validate() error {
	u, err := url.Parse(s.TargetURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return invalidf("service %s: target URL %q must be an absolute http(s) URL", s.ID, s.TargetURL)
	}
	if strings.TrimSpace(s.TitleFa) == "" || strings.TrimSpace(s.TitleEn) == "" {
		return invalidf("service %s: titles in Persian and English are required", s.ID)
	}
	for _, it := range s.Items {
		if !validItem(it) {
			return invalidf("service %s: data item %q is not a dotted path of names", s.ID, it)
		}
	}
	return nil
}

// checkGrantable reports an error unless every requested item is one of
// the service's items, or lies above or below one of them.
func (s *Service) checkGrantable(items Items) error {
	for _, it := range items {
		if !validItem(it) {
			return invalidf("data item %q is not a dotted path of names", it)
		}
		ok := false
		for _, have := range s.Items {
			if it == have || strings.HasPrefix(have, it+".") || strings.HasPrefix(it, have+".") {
				ok = true
				break
			}
		}
		if !ok && len(s.Items) == 0 {
			return invalidf("service %s publishes no data items, so a right cannot be limited to %q; grant it whole", s.ID, it)
		}
		if !ok {
			return invalidf("service %s does not publish the data item %q (it publishes %s)", s.ID, it, strings.Join(s.Items, ", "))
		}
	}
	return nil
}

func validItem(it string) bool {
	if it == "" || len(it) > 200 {
		return false
	}
	for _, seg := range strings.Split(it, ".") {
		if seg == "" {
			return false
		}
	}
	return true
}
