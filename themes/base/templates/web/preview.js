/* Reload the preview when the issue has been rebuilt.  The server pushes the version
   of the preview as Server-Sent Events; browsers without them ask once a second. */
(function () {
  "use strict";
  var SCROLL = "zinekit-preview-scroll";

  function reload() {
    try { sessionStorage.setItem(SCROLL, String(window.scrollY)); } catch (e) { /* private mode */ }
    window.location.reload();
  }

  function restoreScroll() {
    var y = null;
    try { y = sessionStorage.getItem(SCROLL); sessionStorage.removeItem(SCROLL); } catch (e) { return; }
    if (y !== null) window.scrollTo(0, parseFloat(y));
  }

  function follow() {
    var bar = document.getElementById("zk-preview");
    if (!bar) return;
    var issue = bar.getAttribute("data-issue");
    var version = bar.getAttribute("data-version");
    var check = function (latest) {
      if (String(latest).trim() !== version) reload();
    };
    if (window.EventSource) {
      var events = new EventSource("/__zinekit/events?issue=" + issue + "&version=" + version);
      events.onmessage = function (event) { check(event.data); };
    } else {
      window.setInterval(function () {
        var request = new XMLHttpRequest();
        request.open("GET", "/__zinekit/version?issue=" + issue);
        request.onload = function () { if (request.status === 200) check(request.responseText); };
        request.send();
      }, 1000);
    }
  }

  document.addEventListener("DOMContentLoaded", follow);
  window.addEventListener("load", restoreScroll);
})();
