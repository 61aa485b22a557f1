package identity

import (
	"context"
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

// RecheckAccounts asks the registries again about up to limit legal
// persons' and foreign nationals' accounts that a login has put among
// those due (identity_entitlement_due) and whose time has come, the
// longest due first. An account whose sessions have all ended leaves the
// list until its next login. One still its holder's is due again in
// EntitlementRecheck; one no longer is has its sessions ended (the
// agencies they entered get their back-channel logout) and what agencies
// hold for it revoked (OnAccountNotEntitled), so that a signatory who has
// left, or a permit run out, stops within the hour and not only at the
// next login. When the registries cannot be asked it stops, to go on at
// the next call. It returns how many accounts it asked about. Every node
// may run it.
func (s *Service) RecheckAccounts(ctx context.Context, limit int) (int, error) {
	now := s.now()
	var ids []string
	err := sqldb.EachRow(ctx, s.DB.Read, `SELECT account_id FROM identity_entitlement_due WHERE due_at <= $1 ORDER BY due_at LIMIT $2`,
		[]any{now, limit}, func(scan func(...any) error) error {
			var id string
			err := scan(&id)
			ids = append(ids, id)
			return err
		})
	if err != nil {
		return 0, fmt.Errorf("identity: accounts to ask the registries about: %w", err)
	}
	asked := 0
	for _, id := range ids {
		var open bool
		if err := sqldb.ScanOne(ctx, s.DB.Read, `SELECT EXISTS (SELECT 1 FROM identity_sessions WHERE account_id = $1 AND ended_at IS NULL)`,
			[]any{id}, &open); err != nil {
			return asked, err
		}
		if !open {
			if _, err := s.DB.Write.ExecContext(ctx, `DELETE FROM identity_entitlement_due WHERE account_id = $1 AND due_at <= $2`, id, now); err != nil {
				return asked, err
			}
			continue
		}
		a, err := accountBy(ctx, s.DB.Read, "id", id)
		if err != nil {
			return asked, err
		}
		reason, err := s.entitlement(ctx, a, now)
		if err != nil {
			s.logger().WarnContext(ctx, "identity: the registries cannot be asked about accounts now", "err", err)
			return asked, nil
		}
		asked++
		err = s.DB.InTx(ctx, func(tx *sqldb.Tx) error {
			if reason == "" {
				return tx.Queue(ctx, `UPDATE identity_entitlement_due SET due_at = $2 WHERE account_id = $1`, a.ID, now.Add(EntitlementRecheck))
			}
			if err := tx.Queue(ctx, `DELETE FROM identity_entitlement_due WHERE account_id = $1`, a.ID); err != nil {
				return err
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
		if err != nil {
			return asked, fmt.Errorf("identity: account %s no longer its holder's: %w", a.ID, err)
		}
	}
	return asked, nil
}
