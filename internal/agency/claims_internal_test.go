package agency

import (
	"testing"

	"github.com/panjereh/panjereh/internal/web"
)

// TestAddressInEnglish: the province and the city, released by their
// Persian names, are shown by their English names on English pages.
func TestAddressInEnglish(t *testing.T) {
	got := map[string]web.Text{}
	for _, a := range attributes(map[string]any{"address": map[string]any{"region": "خراسان رضوی", "locality": "مشهد"}}) {
		got[a.Claim] = a.Value
	}
	if want := (web.Text{Fa: "خراسان رضوی", En: "Razavi Khorasan"}); got["address.region"] != want {
		t.Errorf("province %+v, want %+v", got["address.region"], want)
	}
	if want := (web.Text{Fa: "مشهد", En: "Mashhad"}); got["address.locality"] != want {
		t.Errorf("city %+v, want %+v", got["address.locality"], want)
	}
}
