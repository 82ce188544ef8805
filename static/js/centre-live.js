/* Keeps a centre's page (its application, or a learner's stages) current without a reload
 * (CHARTER.md section 6). The notice's data-live-message says what changed.
 * Polls the page's data-live-url every 3 seconds with If-None-Match, so an unchanged status
 * costs a bodiless 304. The page works fully without this script. */
(function () {
  "use strict";
  var panel = document.querySelector("[data-live-url]");
  if (!panel || !window.fetch) { return; }
  var url = panel.getAttribute("data-live-url");
  var notice = panel.querySelector("[data-live-notice]");
  var etag = null;
  var first = null;
  var stopped = false;

  function show(data) {
    Object.keys(data).forEach(function (key) {
      var el = panel.querySelector('[data-live="' + key + '"]');
      if (el && data[key] !== null && el.textContent !== String(data[key])) {
        el.textContent = String(data[key]);
      }
    });
    if (first === null) {
      first = data;
    } else if (notice && (data.status !== first.status || data.events !== first.events)) {
      notice.textContent = notice.getAttribute("data-live-message") ||
        "Your application has been updated. Reload the page to see the details.";
    }
  }

  function poll() {
    if (stopped || document.hidden) { return; }
    var headers = { "Accept": "application/json" };
    if (etag) { headers["If-None-Match"] = etag; }
    fetch(url, { headers: headers, cache: "no-store", credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 304) { return null; }
        if (!response.ok) { stopped = response.status === 404 || response.status === 403; return null; }
        etag = response.headers.get("ETag");
        return response.json();
      })
      .then(function (data) { if (data) { show(data); } })
      .catch(function () { /* offline for a moment: try again next time */ });
  }

  poll();
  window.setInterval(poll, 3000);
})();
