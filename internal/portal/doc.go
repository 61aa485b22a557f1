// Package portal serves the national window's landing page and its about
// page: what Panjereh is, what works today (the simulated base registries
// and their JSON APIs, the identifier validator) and what comes next, in
// Persian and English.
package portal
