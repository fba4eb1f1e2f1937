// Keyboard shortcuts, an enhancement only (every page works without it):
// j / k move to the next / previous headline in a list, / jumps to the page's search or
// question field. Keys typed into a field are left alone.
(function () {
  "use strict";
  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) {
      return;
    }
    if (event.key === "/") {
      var field = document.querySelector("input[type=search]");
      if (field) {
        event.preventDefault();
        field.focus();
      }
      return;
    }
    if (event.key !== "j" && event.key !== "k") {
      return;
    }
    var links = Array.prototype.slice.call(document.querySelectorAll(".card-title a, .river .headline-link"));
    if (links.length === 0) {
      return;
    }
    var at = links.indexOf(document.activeElement);
    var next = event.key === "j" ? at + 1 : at - 1;
    if (at === -1) {
      next = event.key === "j" ? 0 : links.length - 1;
    }
    next = Math.max(0, Math.min(links.length - 1, next));
    event.preventDefault();
    links[next].focus();
    links[next].scrollIntoView({ block: "nearest" });
  });
})();
