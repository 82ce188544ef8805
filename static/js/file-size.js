/* Refuses an over-size file in the browser, before a long upload ends in the "too large"
 * page and what was typed is lost. The server checks every file again behind this.
 *
 * Reads data-max-bytes (each file) and data-max-files on a file input, and the whole
 * request's limit from data-max-request-bytes on <body>. A problem is shown under the
 * field, like the server's own errors, and the form is not sent until it is put right.
 */
(function () {
  "use strict";
  var MB = 1024 * 1024;

  function size(bytes) {
    return (Math.ceil(bytes / MB * 10) / 10) + " MB";
  }

  function limitWords(bytes) {
    return Math.floor(bytes / MB) + " MB";
  }

  function problemOf(input) {
    var files = input.files || [];
    var maxBytes = parseInt(input.getAttribute("data-max-bytes"), 10);
    var maxFiles = parseInt(input.getAttribute("data-max-files"), 10) || 1;
    if (files.length > maxFiles) {
      return "Choose up to " + maxFiles + " file" + (maxFiles === 1 ? "" : "s") + ".";
    }
    for (var i = 0; i < files.length; i += 1) {
      if (maxBytes && files[i].size > maxBytes) {
        return files[i].name + " is " + size(files[i].size) + ". Each file must be " +
          limitWords(maxBytes) + " or smaller: choose a smaller file.";
      }
    }
    return "";
  }

  function totalProblem(form) {
    var limit = parseInt(document.body.getAttribute("data-max-request-bytes"), 10);
    if (!limit) { return ""; }
    var total = 0;
    Array.prototype.forEach.call(form.querySelectorAll("input[type=file]"), function (input) {
      Array.prototype.forEach.call(input.files || [], function (file) { total += file.size; });
    });
    if (total <= limit) { return ""; }
    return "These files come to " + size(total) + " together; we can take " +
      limitWords(limit) + " at a time. Send fewer files now and the rest in a message after.";
  }

  function show(input, message) {
    var id = input.id + "-size-error";
    var note = document.getElementById(id);
    if (!message) {
      if (note) { note.parentNode.removeChild(note); }
      input.removeAttribute("aria-invalid");
      return;
    }
    if (!note) {
      note = document.createElement("p");
      note.id = id;
      note.className = "error-message";
      note.setAttribute("role", "alert");
      input.parentNode.insertBefore(note, input);
      var described = input.getAttribute("aria-describedby");
      if (!described || described.split(" ").indexOf(id) === -1) {
        input.setAttribute("aria-describedby", ((described || "") + " " + id).trim());
      }
    }
    note.textContent = "Error: " + message;
    input.setAttribute("aria-invalid", "true");
  }

  function check(input) {
    var message = problemOf(input) || (input.form ? totalProblem(input.form) : "");
    show(input, message);
    return !message;
  }

  var inputs = document.querySelectorAll("input[type=file][data-max-bytes]");
  Array.prototype.forEach.call(inputs, function (input) {
    input.addEventListener("change", function () { check(input); });
    if (input.form && !input.form.hasAttribute("data-size-checked")) {
      input.form.setAttribute("data-size-checked", "");
      input.form.addEventListener("submit", function (event) {
        var fields = event.target.querySelectorAll("input[type=file][data-max-bytes]");
        for (var i = 0; i < fields.length; i += 1) {
          if (!check(fields[i])) {
            event.preventDefault();
            fields[i].focus();
            return;
          }
        }
      });
    }
  });
}());
