// Keeps a payment's page current while the provider's confirmation is awaited: fetches the
// page's status fragment every few seconds and swaps it in, until it stops waiting.
(function () {
  "use strict";
  function poll() {
    var current = document.getElementById("payment-status");
    if (!current || !current.hasAttribute("data-waiting")) return;
    var wait = parseInt(current.getAttribute("data-waiting"), 10) || 3000;
    window.setTimeout(function () {
      fetch(window.location.href, { headers: { "X-Fragment": "1" }, credentials: "same-origin", cache: "no-store" })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (html) {
            var holder = document.createElement("div");
            holder.innerHTML = html;
            var fresh = holder.querySelector("#payment-status");
            if (fresh) current.replaceWith(fresh);
          }
          poll();
        })
        .catch(poll);
    }, wait);
  }
  poll();
})();
