/* Suggested help articles while a question is written (issue #18).
 *
 * As the subject and the first words of the question change, asks /help/suggest for the three
 * best articles for this person and shows them under the form. Whatever is typed is kept in
 * this tab's sessionStorage, so opening an article and coming back with "I still need to ask"
 * loses nothing; the articles opened are sent with the request, so staff see which ones did
 * not answer. Without JavaScript the server shows the same articles as a step before sending.
 */
(function () {
  "use strict";
  var panel = document.querySelector("[data-help-suggest]");
  if (!panel || !window.fetch || !window.sessionStorage) { return; }
  var form = panel.closest("form");
  var results = panel.querySelector("[data-help-results]");
  var subject = form.elements.namedItem("subject");
  var body = form.elements.namedItem("body");
  var checked = form.elements.namedItem("help_checked");
  var read = form.elements.namedItem("help_read");
  var url = panel.getAttribute("data-help-url");
  var draftKey = "help-draft:" + form.getAttribute("action");
  var readKey = "help-read:" + form.getAttribute("action");
  var timer = null;
  var lastQuestion = null;
  var skip = { csrf_token: true, submission_key: true, help_checked: true, help_read: true };

  function store(key, value) {
    try { sessionStorage.setItem(key, value); } catch (e) { /* storage full or blocked */ }
  }

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && !skip[el.name] && el.type !== "file" && el.type !== "submit" &&
        el.type !== "hidden" && el.type !== "button";
    });
  }

  function saveDraft() {
    var draft = {};
    fields().forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) { draft[el.name + "=" + el.value] = true; }
      } else {
        draft[el.name] = el.value;
      }
    });
    store(draftKey, JSON.stringify(draft));
  }

  function restoreDraft() {
    var saved = null;
    try { saved = JSON.parse(sessionStorage.getItem(draftKey) || "null"); } catch (e) { saved = null; }
    if (!saved) { return; }
    var typed = fields().some(function (el) {
      return (el.tagName === "TEXTAREA" || el.type === "text" || el.type === "email") && el.value;
    });
    if (typed) { return; }  // the server re-showed the form with what was sent: keep that
    fields().forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = !!saved[el.name + "=" + el.value];
      } else if (Object.prototype.hasOwnProperty.call(saved, el.name)) {
        el.value = saved[el.name];
      }
    });
  }

  function readIds() {
    return (sessionStorage.getItem(readKey) || "").split(",").filter(Boolean);
  }

  function question() {
    var words = (body ? body.value : "").split(/\s+/).slice(0, 40).join(" ");
    return ((subject ? subject.value : "") + " " + words).trim();
  }

  function show(html) {
    results.innerHTML = html;
    panel.hidden = !results.querySelector("a");
  }

  function suggest() {
    var q = question();
    if (q === lastQuestion) { return; }
    lastQuestion = q;
    if (q.length < 3) { show(""); return; }
    fetch(url + "&q=" + encodeURIComponent(q), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) { if (q === lastQuestion) { show(html); } })
      .catch(function () { /* suggestions are a help, never in the way */ });
  }

  function changed() {
    saveDraft();
    clearTimeout(timer);
    timer = setTimeout(suggest, 300);
  }

  results.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-article-id]");
    if (!link) { return; }
    var ids = readIds();
    var id = link.getAttribute("data-article-id");
    if (ids.indexOf(id) === -1) { ids.push(id); }
    store(readKey, ids.slice(-10).join(","));
    read.value = readIds().join(",");
    saveDraft();
  });

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", function () {
    read.value = readIds().join(",");
    sessionStorage.removeItem(draftKey);
    sessionStorage.removeItem(readKey);
  });

  // The live suggestions stand in for the step the server shows without JavaScript.
  checked.value = "1";
  read.value = readIds().join(",");
  restoreDraft();
  suggest();
}());
