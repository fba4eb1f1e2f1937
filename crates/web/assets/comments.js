// Comment forms, enhanced: a count of the characters left under each comment field, and
// Ctrl+Enter (or Cmd+Enter) to send. Everything works without this file.
(function () {
  "use strict";
  document.querySelectorAll("form.comment-form textarea").forEach(function (field) {
    var max = parseInt(field.getAttribute("maxlength") || "0", 10);
    var note = document.createElement("p");
    note.className = "chars-left";
    note.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", note);
    function update() {
      if (max > 0) {
        note.textContent = (max - field.value.length) + " characters left";
      }
    }
    field.addEventListener("input", update);
    field.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && field.form) {
        event.preventDefault();
        field.form.requestSubmit();
      }
    });
    update();
  });
  document.querySelectorAll("details.reply").forEach(function (details) {
    details.addEventListener("toggle", function () {
      var field = details.querySelector("textarea");
      if (details.open && field) {
        field.focus();
      }
    });
  });
})();
