package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/panjereh/panjereh/internal/sqldb"
)

// A legal person's and a foreign national's accounts depend on registries
// that change after registration (A1): the company must stay active and
// on the register with the account's person among its current
// signatories, the foreign national on the register with a residence
// permit that has not expired. The window asks again at every login code
// (entitled) and, for accounts with a session open, once an hour
// (RecheckAccounts). Natural persons' accounts need no such check.

// EntitlementRecheck is how long the registries' word that an account
// with sessions open is still its holder's holds before RecheckAccounts
// asks again.
const EntitlementRecheck = time.Hour

// entitlement asks the registries whether a is still its holder's. It
// returns "" if so, or the reason it is not (CodeNotFound,
// CodeCompanyInactive, CodeNotSignatory, CodePermitExpired); an error
// when they cannot be asked.
func (s *Service) entitlement(ctx context.Context, a Account, now time.Time) (string, error) {
	switch a.Kind {
	case KindLegal:
		c, err := s.Registries.LegalPerson(ctx, a.LegalID)
		switch {
		case errors.Is(err, ErrNoRecord):
			return CodeNotFound, nil
		case err != nil:
			return "", registryDown(err)
		case c.Status != "active":
			return CodeCompanyInactive, nil
		case !currentSignatory(c, a.NationalCode):
			return CodeNotSignatory, nil
		}
	case KindForeign:
		f, err := s.Registries.Foreigner(ctx, a.ForeignID)
		switch {
		case errors.Is(err, ErrNoRecord):
			return CodeNotFound, nil
		case err != nil:
			return "", registryDown(err)
		case !f.PermitExpires.IsZero() && f.PermitExpires.Before(now):
			return CodePermitExpired, nil
		}
	}
	return "", nil
}

// entitled refuses a login code to an account the registries say is no
// longer its holder's. The refusal does not say why, since anyone may
// type an identifier; the audit log keeps the reason.
func (s *Service) entitled(ctx context.Context, a Account, cl Client, now time.Time) error {
	reason, err := s.entitlement(ctx, a, now)
	if err != nil || reason == "" {
		return err
	}
	s.audit(ctx, EventLoginFailed, a.personID(), a.LoginID, cl, map[string]string{"reason": reason})
	return newError(http.StatusForbidden, CodeNotEntitled, "loginId",
		"بنا بر سامانه‌های پایه، ورود با این شناسه دیگر ممکن نیست: شخص حقوقی فعال نیست یا ثبت‌کنندهٔ حساب دیگر صاحب امضای آن نیست، یا پروانهٔ اقامت تبعهٔ خارجی منقضی شده است. صاحب امضای کنونی یک شخص حقوقی می‌تواند آن را از نو به نام خود ثبت کند.",
		"by the base registries, this identifier can no longer be logged in with: the legal person is not active or the account's registrant is no longer its signatory, or the foreign national's residence permit has expired. A current signatory of a legal person can register it again in their own name.")
}

// currentSignatory reports whether nationalCode is among c's current
// signatories.
func currentSignatory(c Company, nationalCode string) bool {
	for _, sg := range c.Signatories {
		if sg.NationalCode == nationalCode && sg.Current {
			return true
		}
	}
	return false
}

// endNotEntitled is the end reason of the sessions of an account the
// registries say is no longer its holder's.
const endNotEntitled = "not-entitled"

// Timing of RecheckAccounts: a node that takes accounts to ask about
// moves their due time recheckLease on, so that other nodes leave them
// meanwhile and a node that stops leaves them due again; an account the
// registries could not be asked about is due again recheckRetry on.
const (
	recheckLease = 5 * time.Minute
	recheckRetry = 5 * time.Minute
	// recheckFailures is how many accounts in a row the registries may
	// fail to answer about before a pass gives up, taking them for down.
	recheckFailures = 3
)

// RecheckAccounts asks the registries again about up to limit legal
// persons' and foreign nationals' accounts whose time has come
// (identity_entitlement_due: an hour after a login, and each hour on),
// the longest due first. An account whose sessions have all ended is set
// aside until its next login. One still its holder's is due again in
// EntitlementRecheck; one no longer is has its sessions ended (the
// agencies they entered get their back-channel logout) and what agencies
// hold for it revoked (OnAccountNotEntitled), so that a signatory who has
// left, or a permit run out, stops within the hour and not only at the
// next login. An account the registries cannot answer about, or whose
// ending fails, is due again recheckRetry on; after recheckFailures such
// accounts in a row the pass stops, the registries being taken for down.
// It returns how many accounts the registries answered about. Several
// nodes may run it at once: each takes its own accounts.
func (s *Service) RecheckAccounts(ctx context.Context, limit int) (int, error) {
	now := s.now()
	lease := now.Add(recheckLease)
	taken, err := ids(ctx, s.DB.Write, `UPDATE identity_entitlement_due SET due_at = $2
WHERE due_at <= $1 AND account_id IN (SELECT account_id FROM identity_entitlement_due WHERE due_at <= $1 ORDER BY due_at LIMIT $3)
RETURNING account_id`, now, lease, limit)
	if err != nil {
		return 0, fmt.Errorf("identity: accounts to ask the registries about: %w", err)
	}
	answered, failures := 0, 0
	var errs []error
	for _, id := range taken {
		// Set aside, unless a login has since moved its time or opened a
		// session.
		res, err := s.DB.Write.ExecContext(ctx, `UPDATE identity_entitlement_due SET due_at = NULL WHERE account_id = $1 AND due_at = $2
AND NOT EXISTS (SELECT 1 FROM identity_sessions WHERE account_id = $1 AND ended_at IS NULL)`, id, lease)
		if err != nil {
			return answered, err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			continue
		}
		a, err := accountBy(ctx, s.DB.Read, "id", id)
		if errors.Is(err, sqldb.ErrNotFound) {
			continue
		} else if err != nil {
			return answered, err
		}
		reason, err := s.entitlement(ctx, a, now)
		if err == nil {
			answered++
			err = s.settle(ctx, a, reason, lease, now)
		}
		if err == nil {
			failures = 0
			continue
		}
		errs = append(errs, err)
		if _, rerr := s.DB.Write.ExecContext(ctx, `UPDATE identity_entitlement_due SET due_at = $3 WHERE account_id = $1 AND due_at = $2`,
			id, lease, now.Add(recheckRetry)); rerr != nil {
			return answered, rerr
		}
		if failures++; failures == recheckFailures || ctx.Err() != nil {
			break
		}
	}
	return answered, errors.Join(errs...)
}

// settle records the registries' answer about a: due again an hour on, or,
// when reason says it is no longer its holder's, its sessions ended and
// what agencies hold revoked. Nothing is done if the account has changed
// since it was read (a new signatory, a new mobile) or another call has
// taken it meanwhile: the answer was about what it was.
func (s *Service) settle(ctx context.Context, a Account, reason string, lease, now time.Time) error {
	return s.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		next := sql.NullTime{Time: now.Add(EntitlementRecheck), Valid: reason == ""}
		res, err := tx.ExecContext(ctx, `UPDATE identity_entitlement_due SET due_at = $3 WHERE account_id = $1 AND due_at = $2
AND EXISTS (SELECT 1 FROM identity_accounts WHERE id = $1 AND national_code = $4 AND mobile = $5)`, a.ID, lease, next, a.NationalCode, a.Mobile)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 || reason == "" {
			return nil
		}
		if err := s.auditTx(ctx, tx, EventNotEntitled, ActorSystem, a.LoginID, Client{}, map[string]string{"reason": reason}); err != nil {
			return err
		}
		if err := s.endAccountSessions(ctx, tx, a.ID, a.personID(), a.LoginID, endNotEntitled, Client{}, now); err != nil {
			return err
		}
		if s.OnAccountNotEntitled != nil {
			return s.OnAccountNotEntitled(ctx, tx, a.ID)
		}
		return nil
	})
}
