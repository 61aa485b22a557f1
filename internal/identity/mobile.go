package identity

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/panjereh/panjereh/internal/iran"
	"github.com/panjereh/panjereh/internal/sqldb"
)

// ChangeMobile starts a change of the account's mobile: Shahkar must say
// the new number is the person's own, and a code sent to it must come
// back (A1: a change of mobile re-verifies ownership). Asked again for
// the same number within the cooldown, it answers with the code already
// sent, if it can still be answered.
func (s *Service) ChangeMobile(ctx context.Context, accountID, mobile string, cl Client) (Challenge, error) {
	m, err := iran.NormalizeMobile(mobile)
	if err != nil {
		return Challenge{}, invalidField("mobile", err)
	}
	a, err := accountBy(ctx, s.DB.Read, "id", accountID)
	if err != nil {
		return Challenge{}, err
	}
	if m == a.Mobile {
		return Challenge{}, newError(http.StatusUnprocessableEntity, CodeInvalid, "mobile",
			"این همان شمارهٔ همراه کنونی شماست.", "this is already your mobile number")
	}
	owner := a.NationalCode
	if a.Kind == KindForeign {
		owner = a.ForeignID
	}
	now := s.now()
	// The address's limit protects Shahkar; the code's limits follow.
	if err := s.limit(ctx, s.DB.Write, cl, "", now); err != nil {
		return Challenge{}, err
	}
	ok, err := s.Registries.MobileMatches(ctx, m, owner)
	if err != nil {
		return Challenge{}, registryDown(err)
	}
	if !ok {
		s.audit(ctx, EventMobileRefuse, a.personID(), a.LoginID, cl, map[string]string{"to": MaskMobile(m), "reason": CodeMobileNotOwner})
		return Challenge{}, mobileNotOwner()
	}
	ch, err := s.sendChallenge(ctx, a, PurposeMobile, m, "", cl, now)
	if hasCode(err, CodeCooldown) {
		if c, ok := s.earlier(ctx, a, PurposeMobile, m, "", now); ok {
			return c, nil
		}
	}
	return ch, err
}

// ConfirmMobile checks the code sent to the new number and makes it the
// account's mobile.
func (s *Service) ConfirmMobile(ctx context.Context, accountID, challengeID, code string, cl Client) (Account, error) {
	now := s.now()
	var a Account
	c, err := s.answer(ctx, challengeID, code, PurposeMobile, cl, now, nil, func(tx *sqldb.Tx, c challenge) error {
		if c.AccountID != accountID {
			return codeExpired(errors.New("challenge of another account"))
		}
		a = c.account
		if err := tx.Queue(ctx, `UPDATE identity_accounts SET mobile = $2, updated_at = $3 WHERE id = $1`, a.ID, c.Mobile, now); err != nil {
			return err
		}
		// The former number is told, so that a change its owner did not
		// make does not go unseen.
		if n, ok := s.SMS.(Notices); ok {
			to := MaskMobile(c.Mobile)
			text := fmt.Sprintf("دولت من\nشمارهٔ همراه حساب شما به %s تغییر کرد. اگر این کار شما نبوده است، با پشتیبانی تماس بگیرید.\nmy.gov.ir: your account's mobile was changed to %s.",
				iran.ToPersianDigits(to), to)
			if err := n.SendNotice(ctx, tx, a.Mobile, text); err != nil {
				return err
			}
		}
		return s.auditTx(ctx, tx, EventMobileChange, a.personID(), a.LoginID, cl,
			map[string]string{"from": MaskMobile(a.Mobile), "to": MaskMobile(c.Mobile)})
	})
	if err != nil {
		var e *Error
		if errors.As(err, &e) && c.AccountID == accountID {
			// A wrong, spent or expired code for the new number (K3).
			s.audit(ctx, EventOTPFailed, c.account.personID(), c.account.LoginID, cl,
				map[string]string{"purpose": PurposeMobile, "reason": e.Code})
		}
		return Account{}, err
	}
	a.Mobile, a.Updated = c.Mobile, now
	return a, nil
}
