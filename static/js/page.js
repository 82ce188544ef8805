// Loaded on every page. Two things a keyboard or screen-reader user needs after a page loads:
// 1. After a form comes back with problems, focus moves to the summary of them, so the
//    problems are read out first; each link in it then moves focus to its field.
// 2. A result the page was loaded to show (for example what happened to an uploaded file)
//    is focused, so it is announced; such an element carries data-focus-on-load.
(function () {
  "use strict";
  function ready() {
    var target = document.querySelector("[data-error-summary]") ||
      document.querySelector("[data-focus-on-load]");
    if (target) {
      if (!target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
      target.focus();
    }
    document.querySelectorAll("[data-error-summary] a[href^='#']").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var field = document.getElementById(link.getAttribute("href").slice(1));
        if (!field) { return; }
        event.preventDefault();
        var label = document.querySelector("label[for='" + field.id + "']");
        (label || field).scrollIntoView();
        field.focus({ preventScroll: true });
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
