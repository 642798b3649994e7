// Staff desk. On an application's page: shortcuts j (next), k (previous), d (the decision field), never while typing
// in a field and never with a modifier key (those belong to the browser). On the list: "select every application
// on this page" (without JavaScript the box stays hidden; "all matching the filter" works without it).
(function () {
  "use strict";

  function typing(target) {
    return Boolean(target.closest && target.closest("input, textarea, select, [contenteditable]"));
  }

  function shortcuts() {
    document.addEventListener("keydown", function (event) {
      if (event.defaultPrevented || event.isComposing || event.altKey || event.ctrlKey || event.metaKey) {
        return;
      }
      if (typing(event.target)) {
        return;
      }
      if (event.key === "j" || event.key === "k") {
        var link = document.querySelector(
          event.key === "j" ? "a[data-shortcut='next']" : "a[data-shortcut='previous']");
        if (link) {
          event.preventDefault();
          link.click();
        }
      } else if (event.key === "d") {
        var field = document.getElementById("decision") || document.getElementById("revise-decision");
        if (field) {
          event.preventDefault();
          field.scrollIntoView({ block: "center" });
          field.focus();
        }
      }
    });
  }

  function selectPage(all) {
    var boxes = document.querySelectorAll("input[type='checkbox'][name='ids']");
    all.hidden = false;
    all.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = all.checked; });
    });
  }

  if (document.querySelector(".desk-detail")) {
    shortcuts();
  }
  var all = document.getElementById("select-page");
  if (all) {
    selectPage(all);
  }
})();
