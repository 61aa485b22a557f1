package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"
)

// assetFS holds the stylesheet, the fonts with their licence, and images.
//
//go:embed assets/css assets/img assets/js assets/fonts/*.woff2 assets/fonts/OFL.txt
var assetFS embed.FS

// assetPrefix is where assets are served. Their URLs carry a hash of the
// content, so they can be cached for ever and change URL when they change.
const assetPrefix = "/assets/"

type asset struct {
	name  string // "css/site.css"
	url   string // "/assets/css/site.3f2a1b9c0d.css"
	etag  string
	ctype string
	body  []byte
}

// assets maps names and hashed URLs to their content.
type assets struct {
	byName map[string]*asset
	byURL  map[string]*asset
}

// cssURL matches url("...") references in stylesheets, which are
// rewritten to the hashed URLs of what they name.
var cssURL = regexp.MustCompile(`url\("([^"]+)"\)`)

func loadAssets() (*assets, error) {
	a := &assets{byName: map[string]*asset{}, byURL: map[string]*asset{}}
	var names []string
	err := fs.WalkDir(assetFS, "assets", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, strings.TrimPrefix(p, "assets/"))
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	// Stylesheets last, so that the files they refer to already have
	// their hashed URLs.
	sort.SliceStable(names, func(i, j int) bool {
		return path.Ext(names[i]) != ".css" && path.Ext(names[j]) == ".css"
	})
	for _, name := range names {
		body, err := assetFS.ReadFile("assets/" + name)
		if err != nil {
			return nil, err
		}
		if path.Ext(name) == ".css" {
			if body, err = a.rewriteCSS(name, body); err != nil {
				return nil, err
			}
		}
		a.add(name, body)
	}
	return a, nil
}

func (a *assets) add(name string, body []byte) {
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:5])
	ext := path.Ext(name)
	ctype := mime.TypeByExtension(ext)
	switch ext {
	case ".woff2":
		ctype = "font/woff2"
	case ".txt":
		ctype = "text/plain; charset=utf-8"
	}
	as := &asset{
		name:  name,
		url:   assetPrefix + strings.TrimSuffix(name, ext) + "." + hash + ext,
		etag:  `"` + hash + `"`,
		ctype: ctype,
		body:  body,
	}
	a.byName[name] = as
	a.byURL[as.url] = as
}

func (a *assets) rewriteCSS(name string, css []byte) ([]byte, error) {
	var missing error
	out := cssURL.ReplaceAllFunc(css, func(m []byte) []byte {
		ref := string(cssURL.FindSubmatch(m)[1])
		target := path.Join(path.Dir(name), ref)
		as, ok := a.byName[target]
		if !ok {
			missing = fmt.Errorf("web: %s refers to missing asset %s", name, ref)
			return m
		}
		return []byte(`url("` + as.url + `")`)
	})
	return out, missing
}

// URL returns the hashed URL of the named asset.
func (a *assets) URL(name string) (string, error) {
	as, ok := a.byName[name]
	if !ok {
		return "", fmt.Errorf("web: no asset %q", name)
	}
	return as.url, nil
}

// serve answers GET /assets/...; a name without the current hash is not
// found, so a stale URL never gets new content under an immutable cache.
func (m *Mux) serveAsset(w http.ResponseWriter, r *http.Request) {
	as, ok := m.assets.byURL[r.URL.Path]
	if !ok {
		m.notFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", as.ctype)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("ETag", as.etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(as.body))
}
