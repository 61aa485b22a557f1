// Suggestions as a person types in a search box that has data-suggest.
// The search works without this script; it only lists likely services
// under the box as links.
(function () {
  "use strict";
  var box = document.querySelector("input[data-suggest]");
  if (!box || !window.fetch) { return; }
  var list = document.getElementById(box.getAttribute("aria-controls"));
  var lang = document.documentElement.lang === "en" ? "en" : "fa";
  var timer = 0, seq = 0;
  function hide() { list.hidden = true; list.textContent = ""; }
  function show(results) {
    list.textContent = "";
    results.forEach(function (r) {
      var li = document.createElement("li"), a = document.createElement("a");
      a.href = r.url;
      a.textContent = r.title[lang] || r.title.fa;
      var small = document.createElement("span");
      small.className = "agency";
      small.textContent = " — " + (r.agency.name[lang] || r.agency.name.fa);
      a.appendChild(small);
      li.appendChild(a);
      list.appendChild(li);
    });
    list.hidden = results.length === 0;
  }
  box.addEventListener("input", function () {
    clearTimeout(timer);
    var q = box.value.trim();
    if (!q) { hide(); return; }
    timer = setTimeout(function () {
      var mine = ++seq;
      fetch(box.dataset.suggest + "?lang=" + lang + "&q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (d) { if (mine === seq) { show(d.results || []); } })
        .catch(function () { hide(); });
    }, 120);
  });
  box.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { hide(); }
    if (e.key === "ArrowDown" && !list.hidden) { e.preventDefault(); var a = list.querySelector("a"); if (a) { a.focus(); } }
  });
  list.addEventListener("keydown", function (e) {
    var cur = document.activeElement.closest("li");
    if (!cur) { return; }
    if (e.key === "ArrowDown" && cur.nextElementSibling) { e.preventDefault(); cur.nextElementSibling.querySelector("a").focus(); }
    if (e.key === "ArrowUp") { e.preventDefault(); (cur.previousElementSibling ? cur.previousElementSibling.querySelector("a") : box).focus(); }
    if (e.key === "Escape") { hide(); box.focus(); }
  });
})();
