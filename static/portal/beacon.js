// Counts a view of the page (portal:hit), also when the page came from a cache.
// The address is in the script tag's data-url: the page has no inline script.
(function () {
  var script = document.currentScript;
  var url = script && script.dataset.url;
  if (!url) return;
  if (navigator.sendBeacon) {
    navigator.sendBeacon(url);
  } else {
    fetch(url, { method: "POST", keepalive: true });
  }
})();
