package portal

import (
	"errors"
	"net/http"
	"strings"

	"github.com/panjereh/panjereh/internal/iran"
	"github.com/panjereh/panjereh/internal/web"
)

// kindNames are the English names of the identifier kinds; the Persian
// ones come from iran.Kind.FaName.
var kindNames = map[iran.Kind]string{
	iran.KindNationalCode: "National code",
	iran.KindLegalID:      "Legal national ID",
	iran.KindPostalCode:   "Postal code",
	iran.KindMobile:       "Mobile number",
	iran.KindSheba:        "Sheba (IBAN)",
}

func kindText(k iran.Kind) web.Text { return web.Text{Fa: k.FaName(), En: kindNames[k]} }

// result is the validator's answer.
type result struct {
	Valid      bool
	Kind       web.Text
	Guessed    bool   // the kind was inferred from the value
	Normalized string // the canonical form, when valid
	Reason     web.Text
	Operator   *web.Text // the mobile operator, for mobile numbers
}

// validatorView is the validator form and, after a POST, its result.
type validatorView struct {
	Form   web.Form
	Result *result
}

func newValidatorView(value, kind string, valueErr *web.Text, res *result) validatorView {
	opts := []web.Option{{Value: "auto", Label: messages["validator.auto"], Selected: kind == "auto"}}
	for _, k := range iran.Kinds() {
		opts = append(opts, web.Option{Value: string(k), Label: kindText(k), Selected: kind == string(k)})
	}
	return validatorView{
		Form: web.Form{Fields: []web.Field{
			{ID: "id-kind", Name: "kind", Type: "select", Label: messages["validator.kind"], Options: opts},
			{ID: "id-value", Name: "value", Label: messages["validator.value"], Value: value, Required: true,
				Hint: messages["validator.hint"], Error: valueErr, Dir: "ltr", Autocomplete: "off"},
		}},
		Result: res,
	}
}

// validate checks the submitted identifier and shows the landing page
// with the answer.
func (p *Portal) validate(w http.ResponseWriter, r *http.Request) {
	value, kindName := r.PostFormValue("value"), r.PostFormValue("kind")
	if kindName == "" {
		kindName = "auto"
	}
	if strings.TrimSpace(value) == "" {
		msg := messages["validator.empty"]
		p.renderHome(w, r, http.StatusUnprocessableEntity, newValidatorView(value, kindName, &msg, nil))
		return
	}
	var kind iran.Kind
	res := &result{}
	if kindName == "auto" {
		k, ok := iran.InferKind(value)
		if !ok {
			res.Reason = messages["validator.unknown"]
			p.renderHome(w, r, http.StatusOK, newValidatorView(value, kindName, nil, res))
			return
		}
		kind, res.Guessed = k, true
	} else {
		k, err := iran.ParseKind(kindName)
		if err != nil {
			msg := messages["validator.badkind"]
			p.renderHome(w, r, http.StatusUnprocessableEntity, newValidatorView(value, "auto", &msg, nil))
			return
		}
		kind = k
	}
	res.Kind = kindText(kind)
	norm, err := iran.Normalize(kind, value)
	var verr *iran.ValidationError
	switch {
	case err == nil:
		res.Valid, res.Normalized = true, norm
		if kind == iran.KindMobile {
			if op, ok := iran.MobileOperator(norm); ok {
				res.Operator = &web.Text{Fa: op.Fa, En: op.En}
			}
		}
	case errors.As(err, &verr):
		res.Reason = web.Text{Fa: verr.Fa, En: verr.En}
	default:
		p.m.ServerError(w, r, err)
		return
	}
	p.renderHome(w, r, http.StatusOK, newValidatorView(value, kindName, nil, res))
}
