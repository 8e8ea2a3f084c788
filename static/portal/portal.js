// Tabs for the recommended / most read / hot box.  Without JavaScript all three
// lists are shown one under another.
document.querySelectorAll("[data-tabs]").forEach(function (box) {
  var tabs = box.querySelectorAll('[role="tab"]');
  function select(tab) {
    tabs.forEach(function (t) {
      var on = t === tab;
      t.setAttribute("aria-selected", on ? "true" : "false");
      t.tabIndex = on ? 0 : -1;
      document.getElementById(t.getAttribute("aria-controls")).hidden = !on;
    });
  }
  tabs.forEach(function (tab, i) {
    tab.addEventListener("click", function () { select(tab); });
    tab.addEventListener("keydown", function (e) {
      var step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
      if (step) { var next = tabs[(i + step + tabs.length) % tabs.length]; select(next); next.focus(); }
    });
  });
  box.classList.add("tabs-ready");
  select(tabs[0]);
});
