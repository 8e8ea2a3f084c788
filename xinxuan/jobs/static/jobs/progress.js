// Polls a job's progress partial until the job has finished, then reloads the page to
// show the result.  A static file (no inline script), so a strict CSP can allow it.
(function () {
  "use strict";
  function poll() {
    var box = document.querySelector("[data-job-progress]");
    if (!box || box.dataset.finished === "1") {
      return;
    }
    fetch(box.dataset.url, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) {
          return;
        }
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var fresh = holder.querySelector("[data-job-progress]");
        if (!fresh) {
          return;
        }
        if (fresh.dataset.finished === "1") {
          window.location.reload();
          return;
        }
        box.replaceWith(fresh);
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  document.addEventListener("DOMContentLoaded", function () { window.setTimeout(poll, 1000); });
})();
