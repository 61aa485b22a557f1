package oidc

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// How long finished back-channel logout deliveries are kept: delivered
// ones briefly, failed ones for a week so that operators can see why.
const (
	keepDelivered = time.Hour
	keepFailed    = 7 * 24 * time.Hour
)

// Maintenance is what one Maintain run did.
type Maintenance struct {
	Grants        int64 // authorizations past their expiry, with their refresh tokens
	RefreshTokens int64 // refresh tokens past their expiry
	Assertions    int64 // client assertion IDs whose assertions have expired
	Deliveries    int64 // finished back-channel logout deliveries
	Keys          int64 // signing keys no unexpired token can carry
	Sessions      int64 // records of the agencies a session entered, once no session can be that old
	Rotated       int   // signing keys replaced because they were due
	Sealed        int   // private keys sealed with the KeyEncryptionKey
}

// Maintain removes what has expired (authorizations and their codes,
// refresh tokens, used client-assertion IDs, finished deliveries,
// signing keys whose tokens have all expired, the agencies entered by
// sessions older than SessionMaxAge), replaces signing keys
// older than KeyRotationPeriod, and seals keys stored before a
// KeyEncryptionKey was set. Every statement is idempotent, so several
// nodes may run it at once.
func (p *Provider) Maintain(ctx context.Context) (Maintenance, error) {
	var m Maintenance
	now := p.now()
	steps := []struct {
		n     *int64
		query string
		args  []any
	}{
		// Refresh tokens go with their grant; a grant lasts as long as
		// its longest-lived token, so nothing valid is lost.
		{&m.RefreshTokens, `DELETE FROM oidc_refresh_tokens WHERE expires_at < $1`, []any{now}},
		// A grant also stays while the sealed request it was approved
		// from could still be presented: its row is what refuses a second
		// approval.
		{&m.Grants, `DELETE FROM oidc_grants WHERE expires_at < $1 AND created_at < $2`, []any{now, now.Add(-requestLifetime)}},
		{&m.Assertions, `DELETE FROM oidc_assertion_jtis WHERE expires_at < $1`, []any{now}},
		{&m.Deliveries, `DELETE FROM oidc_logout_deliveries
			WHERE delivered_at < $1 OR failed_at < $2`, []any{now.Add(-keepDelivered), now.Add(-keepFailed)}},
		{&m.Keys, `DELETE FROM oidc_keys WHERE expires_at < $1`, []any{now}},
		// A window session that ended without telling the provider (the
		// window's sweep of idle sessions did not run, or failed) left
		// these; none lives longer than SessionMaxAge.
		{&m.Sessions, `DELETE FROM oidc_session_clients WHERE first_at < $1`, []any{now.Add(-p.opts.SessionMaxAge)}},
	}
	var errs []error
	for _, s := range steps {
		res, err := p.opts.DB.Write.ExecContext(ctx, s.query, s.args...)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		*s.n, _ = res.RowsAffected()
	}
	if m.Keys > 0 {
		p.keys.invalidate()
	}
	var err error
	if m.Rotated, err = p.rotateKeys(ctx, now.Add(-p.opts.KeyRotationPeriod)); err != nil {
		errs = append(errs, err)
	}
	if m.Sealed, err = p.sealStoredKeys(ctx); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return m, fmt.Errorf("oidc: maintain: %w", err)
	}
	return m, nil
}

// sealStoredKeys seals the private keys stored in the clear, when a
// KeyEncryptionKey is set. The update is conditional on the stored value,
// so two nodes sealing the same key do not undo each other.
func (p *Provider) sealStoredKeys(ctx context.Context) (int, error) {
	k := p.keys
	if k.seal == nil {
		return 0, nil
	}
	rows, err := p.opts.DB.Read.QueryContext(ctx, `SELECT id, private_key FROM oidc_keys`)
	if err != nil {
		return 0, err
	}
	type plain struct {
		id  string
		der []byte
	}
	var todo []plain
	for rows.Next() {
		var pl plain
		if err := rows.Scan(&pl.id, &pl.der); err != nil {
			rows.Close()
			return 0, err
		}
		if !isSealed(pl.der) {
			todo = append(todo, pl)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	n := 0
	for _, pl := range todo {
		res, err := p.opts.DB.Write.ExecContext(ctx, `UPDATE oidc_keys SET private_key = $1 WHERE id = $2 AND private_key = $3`,
			k.sealKey(pl.id, pl.der), pl.id, pl.der)
		if err != nil {
			return n, fmt.Errorf("oidc: seal key %s: %w", pl.id, err)
		}
		if c, _ := res.RowsAffected(); c == 1 {
			n++
		}
	}
	return n, nil
}
