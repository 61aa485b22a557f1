// Puts a page's own address in the address bar when the page answered a
// form posted to another address (the code page answers the login form),
// so that reloading shows the page again rather than posting the form
// twice. The page is the same without this script.
(function () {
  "use strict";
  var me = document.currentScript;
  var at = me && me.getAttribute("data-address");
  if (at && window.history && history.replaceState) {
    history.replaceState(null, "", at);
  }
})();
