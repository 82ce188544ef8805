/* Reusable replies on the staff request page: choosing one fills the reply box at once.
 *
 * Without JavaScript the "Use this reply" button reloads the page with ?template=<id>,
 * which the server prefills; this only saves the round trip. The text stays editable.
 */
(function () {
  "use strict";
  var select = document.querySelector("select[data-reply-target]");
  if (!select) { return; }
  var target = document.getElementById(select.getAttribute("data-reply-target"));
  var form = select.form;
  if (!target || !form) { return; }

  function fill() {
    var option = select.options[select.selectedIndex];
    var body = option && option.getAttribute("data-body");
    if (body) {
      target.value = body;
      target.focus();
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    fill();
  });
  select.addEventListener("change", fill);
}());
