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

// Count the view of an article: sent by the page itself, so that pages served from a
// cache are counted too (the address is in a data attribute: no inline script).
document.querySelectorAll("[data-beacon]").forEach(function (el) {
  var url = el.getAttribute("data-beacon");
  if (navigator.sendBeacon) { navigator.sendBeacon(url); } else { fetch(url, { method: "POST", keepalive: true }); }
});

// Comments: the article page is cached whole, so the comments and the comment box
// come from their own address and replace the placeholder.  Without JavaScript the
// placeholder's link leads to the same comments on a page of their own.
function xinxuanCommentForm(root) {
  var form = root.querySelector("#comment-form");
  if (!form) { return; }
  var parent = form.querySelector('[name="parent"]');
  var replying = form.querySelector("[data-replying]");
  root.querySelectorAll("[data-reply]").forEach(function (link) {
    link.addEventListener("click", function (e) {
      e.preventDefault();
      parent.value = link.getAttribute("data-reply");
      replying.hidden = false;
      form.querySelector("textarea").focus();
    });
  });
  var cancel = form.querySelector("[data-reply-cancel]");
  if (cancel) { cancel.addEventListener("click", function () { parent.value = ""; replying.hidden = true; }); }
  // A reader not signed in gets a captcha when they start writing, not on every read.
  var refresh = form.getAttribute("data-captcha-refresh");
  if (!refresh) { return; }
  var image = form.querySelector("[data-captcha-image]");
  var key = form.querySelector("[data-captcha-key]");
  var fetched = false;
  function newCaptcha() {
    fetch(refresh, { headers: { "X-Requested-With": "XMLHttpRequest" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) { key.value = data.key; image.src = data.image_url; image.hidden = false; });
  }
  form.addEventListener("focusin", function () { if (!fetched) { fetched = true; newCaptcha(); } });
  image.addEventListener("click", newCaptcha);
}

document.querySelectorAll("[data-comments-src]").forEach(function (box) {
  fetch(box.getAttribute("data-comments-src"), { credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
    .then(function (html) {
      var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("comments");
      if (!fresh) { return; }
      box.replaceWith(fresh);
      xinxuanCommentForm(fresh);
      if (location.hash && location.hash.indexOf("comment") === 1) { fresh.scrollIntoView(); }
    })
    .catch(function () { /* the link to the comments page stays */ });
});
document.querySelectorAll("#comments").forEach(function (box) {
  if (!box.hasAttribute("data-comments-src")) { xinxuanCommentForm(box); }
});
