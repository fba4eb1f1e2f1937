// Keyboard shortcuts, an enhancement only (every page works without it; README lists them):
//   j / k     next / previous headline in a list
//   o, Enter  open the current headline (the one j / k moved to)
//   v         open the original article in a new tab (the current headline's, or this
//             article's on its page)
//   s         save or unsave (this article on its page, a saved card's "Unsave" on a list)
//   m         mark read or unread (on an article's page, where that button is)
//   /         the page's search or question field, else the search page
//   ?         this list, in a dialog (Esc closes it)
// Keys typed into a field are left alone; with Ctrl, Alt or Meta they are the browser's.
(function () {
  "use strict";
  var KEYS = [
    ["j / k", "Next / previous headline"],
    ["o or Enter", "Open the current headline"],
    ["v", "Open the original article in a new tab"],
    ["s", "Save or unsave the article"],
    ["m", "Mark the article read or unread"],
    ["/", "Search"],
    ["?", "Show these keys"],
    ["Esc", "Close this list"]
  ];

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  function headlines() {
    return Array.prototype.slice.call(document.querySelectorAll(".card-title a, .river .headline-link"));
  }

  // The headline j / k last moved to, while it still has the focus.
  function current() {
    var links = headlines();
    return links.indexOf(document.activeElement) === -1 ? null : document.activeElement;
  }

  // The personal form (`POST …/mark`) whose `mark` field is one of `values`: in the current
  // headline's card when there is one, else on the article's own page.
  function markForm(values) {
    var link = current();
    var scope = link ? link.closest(".card") : document.querySelector(".personal-controls");
    if (!scope) {
      return null;
    }
    var fields = scope.querySelectorAll("form.personal input[name=mark]");
    for (var i = 0; i < fields.length; i++) {
      if (values.indexOf(fields[i].value) !== -1) {
        return fields[i].form;
      }
    }
    return null;
  }

  function send(form) {
    if (!form) {
      return false;
    }
    if (form.requestSubmit) {
      form.requestSubmit();
    } else {
      form.submit();
    }
    return true;
  }

  function original() {
    var link = current();
    var href = link ? link.getAttribute("data-original") : null;
    if (!href) {
      var on = document.querySelector(".original a");
      href = link || !on ? href : on.getAttribute("href");
    }
    return href && /^https?:\/\//i.test(href) ? href : null;
  }

  var help = null;
  function showHelp() {
    if (!help) {
      help = document.createElement("dialog");
      help.id = "keys-help";
      help.className = "keys-help";
      help.setAttribute("aria-labelledby", "keys-help-title");
      var title = document.createElement("h2");
      title.id = "keys-help-title";
      title.textContent = "Keyboard shortcuts";
      help.appendChild(title);
      var list = document.createElement("dl");
      KEYS.forEach(function (pair) {
        var dt = document.createElement("dt");
        var kbd = document.createElement("kbd");
        kbd.textContent = pair[0];
        dt.appendChild(kbd);
        var dd = document.createElement("dd");
        dd.textContent = pair[1];
        list.appendChild(dt);
        list.appendChild(dd);
      });
      help.appendChild(list);
      var close = document.createElement("button");
      close.type = "button";
      close.textContent = "Close";
      close.addEventListener("click", function () {
        help.close();
      });
      help.appendChild(close);
      document.body.appendChild(help);
    }
    if (!help.open) {
      help.showModal();
    }
  }

  function move(key) {
    var links = headlines();
    if (links.length === 0) {
      return false;
    }
    var at = links.indexOf(document.activeElement);
    var next = key === "j" ? at + 1 : at - 1;
    if (at === -1) {
      next = key === "j" ? 0 : links.length - 1;
    }
    next = Math.max(0, Math.min(links.length - 1, next));
    links[next].focus();
    links[next].scrollIntoView({ block: "nearest" });
    return true;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) {
      return;
    }
    if (help && help.open) {
      // The dialog closes itself on Esc; other keys wait until it is closed.
      return;
    }
    var done = false;
    switch (event.key) {
      case "?":
        showHelp();
        done = true;
        break;
      case "/":
        var field = document.querySelector("input[type=search]");
        if (field) {
          field.focus();
        } else {
          window.location.href = "/search";
        }
        done = true;
        break;
      case "j":
      case "k":
        done = move(event.key);
        break;
      case "o":
        var link = current();
        if (link) {
          window.location.href = link.href;
          done = true;
        }
        break;
      case "Enter":
        // A focused link opens itself; Enter elsewhere opens nothing.
        break;
      case "v":
        var href = original();
        if (href) {
          window.open(href, "_blank", "noopener,noreferrer");
          done = true;
        }
        break;
      case "s":
        done = send(markForm(["star", "unstar"]));
        break;
      case "m":
        done = send(markForm(["read", "unread"]));
        break;
    }
    if (done) {
      event.preventDefault();
    }
  });
})();
