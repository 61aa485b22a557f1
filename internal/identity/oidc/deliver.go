package oidc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Back-channel logout deliveries are kept in a table until the agency
// accepts them, so that a restart does not drop one. Each is tried at
// once, then after growing pauses, up to maxAttempts times in all.
const (
	maxAttempts    = 6
	deliveryWindow = 10 * time.Minute // a logout token's lifetime, longer than the retries
	leaseTime      = 30 * time.Second
)

// Run does the provider's background work until ctx ends: it delivers
// back-channel logout tokens when a session ends on this node and every
// JobInterval for those queued elsewhere or waiting to be retried, and
// every MaintenanceInterval (and once at the start) it runs Maintain.
// Every node may run it: each piece of work is taken by one node.
func (p *Provider) Run(ctx context.Context) {
	deliver := time.NewTicker(p.opts.JobInterval)
	defer deliver.Stop()
	maintain := time.NewTicker(p.opts.MaintenanceInterval)
	defer maintain.Stop()
	p.maintain(ctx)
	for {
		if _, err := p.DeliverPending(ctx); err != nil && ctx.Err() == nil {
			p.log.ErrorContext(ctx, "oidc: back-channel logout", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-p.wake:
		case <-deliver.C:
		case <-maintain.C:
			p.maintain(ctx)
		}
	}
}

func (p *Provider) maintain(ctx context.Context) {
	if _, err := p.Maintain(ctx); err != nil && ctx.Err() == nil {
		p.log.ErrorContext(ctx, "oidc: maintenance", "err", err)
	}
}

type delivery struct {
	id, clientID, uri, token string
	attempts                 int
}

// DeliverPending tries the deliveries that are due and returns how many
// the agencies accepted.
func (p *Provider) DeliverPending(ctx context.Context) (int, error) {
	now := p.now()
	rows, err := p.opts.DB.Read.QueryContext(ctx, `SELECT id, client_id, uri, token, attempts FROM oidc_logout_deliveries
		WHERE next_at <= $1 AND delivered_at IS NULL AND failed_at IS NULL ORDER BY next_at LIMIT 50`, now)
	if err != nil {
		return 0, fmt.Errorf("oidc: due deliveries: %w", err)
	}
	var due []delivery
	for rows.Next() {
		var d delivery
		if err := rows.Scan(&d.id, &d.clientID, &d.uri, &d.token, &d.attempts); err != nil {
			rows.Close()
			return 0, fmt.Errorf("oidc: due deliveries: %w", err)
		}
		due = append(due, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	done := 0
	for _, d := range due {
		// Take a lease, so that another node does not send it too.
		res, err := p.opts.DB.Write.ExecContext(ctx, `UPDATE oidc_logout_deliveries SET next_at = $1, attempts = attempts + 1
			WHERE id = $2 AND attempts = $3 AND delivered_at IS NULL`, now.Add(leaseTime), d.id, d.attempts)
		if err != nil {
			return done, fmt.Errorf("oidc: lease delivery: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			continue
		}
		d.attempts++
		sendErr := p.post(ctx, d)
		if sendErr == nil {
			done++
			_, err = p.opts.DB.Write.ExecContext(ctx, `UPDATE oidc_logout_deliveries SET delivered_at = $1 WHERE id = $2`, p.now(), d.id)
		} else if refused := errors.As(sendErr, new(refusedError)); refused || d.attempts >= maxAttempts {
			msg := "oidc: back-channel logout failed for good"
			if refused {
				msg = "oidc: back-channel logout refused by the agency"
			}
			p.log.ErrorContext(ctx, msg, "client_id", d.clientID, "attempts", d.attempts, "err", sendErr)
			_, err = p.opts.DB.Write.ExecContext(ctx, `UPDATE oidc_logout_deliveries SET failed_at = $1, last_error = $2 WHERE id = $3`,
				p.now(), sendErr.Error(), d.id)
		} else {
			p.log.WarnContext(ctx, "oidc: back-channel logout failed; will retry", "client_id", d.clientID, "attempts", d.attempts, "err", sendErr)
			backoff := time.Duration(1<<d.attempts) * 5 * time.Second
			_, err = p.opts.DB.Write.ExecContext(ctx, `UPDATE oidc_logout_deliveries SET next_at = $1, last_error = $2 WHERE id = $3`,
				p.now().Add(backoff), sendErr.Error(), d.id)
		}
		if err != nil {
			return done, fmt.Errorf("oidc: record delivery: %w", err)
		}
	}
	return done, nil
}

// refusedError is an agency's 400 to a logout token: the spec's answer
// for a token it found wrong (Back-Channel Logout 1.0, 2.8), which the
// same token sent again would get again, so it is not retried. detail is
// the answer's error code and description, for the operators.
type refusedError struct{ detail string }

func (e refusedError) Error() string { return "refused with status 400: " + e.detail }

// post sends one logout token as the Back-Channel Logout spec says: a
// form POST; 200 or 204 means accepted, 400 refused.
func (p *Provider) post(ctx context.Context, d delivery) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.uri,
		strings.NewReader(url.Values{"logout_token": {d.token}}.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := p.opts.HTTPClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	switch resp.StatusCode {
	case http.StatusOK, http.StatusNoContent:
		return nil
	case http.StatusBadRequest:
		var answer struct {
			Error       string `json:"error"`
			Description string `json:"error_description"`
		}
		_ = json.Unmarshal(body, &answer)
		detail := strings.TrimSpace(answer.Error + " " + answer.Description)
		if len(detail) > 200 {
			detail = strings.ToValidUTF8(detail[:200], "")
		}
		if detail == "" {
			detail = "no error given"
		}
		return refusedError{detail}
	}
	return fmt.Errorf("status %d", resp.StatusCode)
}
