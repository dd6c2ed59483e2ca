// The worklist's keys: j and k move between accounts, Enter opens the one chosen.
// Each row's account link is the focus target, so Enter is the link's own behaviour.
(function () {
  "use strict";
  function links() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-work-row] a[data-open]"));
  }
  function typing(target) {
    var name = target && target.tagName;
    return name === "INPUT" || name === "TEXTAREA" || name === "SELECT" || (target && target.isContentEditable);
  }
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) {
      return;
    }
    if (event.key !== "j" && event.key !== "k") {
      return;
    }
    var all = links();
    if (all.length === 0) {
      return;
    }
    var at = all.indexOf(document.activeElement);
    var next = event.key === "j" ? Math.min(at + 1, all.length - 1) : Math.max(at - 1, 0);
    if (at === -1) {
      next = 0;
    }
    all[next].focus();
    all[next].closest("[data-work-row]").scrollIntoView({ block: "nearest" });
    event.preventDefault();
  });
})();
