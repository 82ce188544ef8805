/* Keeps every page that shows a customer a status or a promise current without a reload
 * (CHARTER.md section 6): the one script for all of them.
 *
 * Each element with data-live-state is a live region. The script polls its signed state
 * URL with If-None-Match; the server answers 304 while nothing has changed. On a change it
 * fetches the region's new HTML and swaps it in, and says so in the polite live region
 * (#live-announce). The new HTML comes from data-live-fragment when the page has a
 * fragment URL, else from data-live-source (the page's address when it was drawn in answer
 * to a form) or the page's own address, from the element with the same id.
 *
 * data-live-mode="notice" watches without swapping: on a change it shows the region's
 * hidden [data-live-notice-target] and reads it out (the staff request page, so nobody
 * types over a colleague's change unaware). Without JavaScript the pages still work: a
 * reload shows the same.
 */
(function () {
  "use strict";
  if (!window.fetch) { return; }
  var announce = document.getElementById("live-announce");

  function watch(region) {
    var stateUrl = region.getAttribute("data-live-state");
    var fragmentUrl = region.getAttribute("data-live-fragment");
    var etag = region.getAttribute("data-live-etag");
    var interval = parseInt(region.getAttribute("data-live-interval"), 10) || 3000;
    var noticeOnly = region.getAttribute("data-live-mode") === "notice";
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

    function say(text) {
      if (announce && text) { announce.textContent = text; }
    }

    function showNotice() {
      // The notice is already in the page, hidden: show it and read it out.
      var target = region.querySelector("[data-live-notice-target]");
      if (target) {
        target.hidden = false;
        say(target.textContent.replace(/\s+/g, " ").trim());
      }
      pending = null;
    }

    function htmlFrom(response, text) {
      if (fragmentUrl) { return text; }
      // The whole page: take the same region out of it, with its new tag.
      var doc = new DOMParser().parseFromString(text, "text/html");
      var fresh = doc.getElementById(region.id);
      if (!fresh) { return null; }
      var freshTag = fresh.getAttribute("data-live-etag");
      if (freshTag) { pending = freshTag; }
      return fresh.innerHTML;
    }

    function swap() {
      if (noticeOnly) { showNotice(); return Promise.resolve(); }
      var url = fragmentUrl || region.getAttribute("data-live-source") || window.location.href;
      return fetch(url, { cache: "no-store", credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { return; }
          var newTag = fragmentUrl ? response.headers.get("ETag") : null;
          return response.text().then(function (text) {
            var html = htmlFrom(response, text);
            if (html === null) { return; }
            region.innerHTML = html;
            etag = newTag || pending || etag;
            pending = null;
            var summary = region.querySelector("[data-live-summary]");
            say("This page has been updated. " +
              (summary ? summary.getAttribute("data-live-summary") : ""));
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
          var seen = response.headers.get("ETag") || "changed";
          if (noticeOnly) { etag = seen; return swap(); }
          pending = seen;
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
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-live-state]"), watch);
}());
