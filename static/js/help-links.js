/* A help article's link in a staff reply (issue #18): choosing an article puts its title and
 * address into the reply where the cursor is.
 *
 * Without JavaScript the "Insert link" button reloads the page with ?article=<id>, which the
 * server adds to the end of the reply box; this only saves the round trip.
 */
(function () {
  "use strict";
  var select = document.querySelector("select[data-link-target]");
  if (!select) { return; }
  var target = document.getElementById(select.getAttribute("data-link-target"));
  var form = select.form;
  if (!target || !form) { return; }

  function insert() {
    var option = select.options[select.selectedIndex];
    var link = option && option.getAttribute("data-link");
    if (!link) { return; }
    var start = target.selectionStart === undefined ? target.value.length : target.selectionStart;
    var end = target.selectionEnd === undefined ? start : target.selectionEnd;
    var before = target.value.slice(0, start);
    var gap = before && !/\n$/.test(before) ? "\n" : "";
    target.value = before + gap + link + "\n" + target.value.slice(end);
    var caret = (before + gap + link + "\n").length;
    target.focus();
    target.setSelectionRange(caret, caret);
    select.selectedIndex = 0;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    insert();
  });
}());
