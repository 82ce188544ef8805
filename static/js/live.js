/* Keeps a request page (or the dashboard) current without a reload (CHARTER.md section 6).
 *
 * Polls the region's state URL with If-None-Match; the server answers 304 while nothing has
 * changed. On a change it fetches the region's HTML fragment, swaps it in and says so in
 * the polite live region. Without JavaScript the page still works: a reload shows the same.
 */
(function () {
  "use strict";
  var region = document.getElementById("live-region");
  var announce = document.getElementById("live-announce");
  if (!region || !window.fetch) { return; }
  var stateUrl = region.getAttribute("data-live-state");
  var fragmentUrl = region.getAttribute("data-live-fragment");
  var etag = region.getAttribute("data-live-etag");
  var interval = parseInt(region.getAttribute("data-live-interval"), 10) || 3000;
  var pending = null;  // a newer tag seen while the person was using a control in the region
  var timer = null;

  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(poll, delay === undefined ? interval : delay);
  }

  function busy() {
    // Never pull a form out from under someone typing or choosing in it.
    var active = document.activeElement;
    return active && region.contains(active) && active !== document.body &&
      /^(INPUT|TEXTAREA|SELECT|BUTTON|SUMMARY)$/.test(active.tagName);
  }

  function swap() {
    return fetch(fragmentUrl, { cache: "no-store", credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { return; }
        var newTag = response.headers.get("ETag");
        return response.text().then(function (html) {
          region.innerHTML = html;
          etag = newTag || pending || etag;
          pending = null;
          var summary = region.querySelector("[data-live-summary]");
          if (announce) {
            announce.textContent = "This page has been updated. " +
              (summary ? summary.getAttribute("data-live-summary") : "");
          }
        });
      });
  }

  function poll() {
    if (document.hidden) { schedule(); return; }
    var work;
    if (pending && !busy()) {
      work = swap();
    } else {
      work = fetch(stateUrl, {
        cache: "no-store",
        credentials: "same-origin",
        headers: { "If-None-Match": etag }
      }).then(function (response) {
        if (response.status !== 200) { return; }
        pending = response.headers.get("ETag") || "changed";
        if (!busy()) { return swap(); }
      });
    }
    work.catch(function () { /* offline for a moment: try again next time */ })
      .then(function () { schedule(); });
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) { schedule(0); }
  });
  schedule();
}());
