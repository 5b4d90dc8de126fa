/* The page view: show where a clicked paragraph is written (and let its link open the
   editor, when one is set), and reload when the server has laid the pages out again. */
(function () {
  "use strict";
  var SCROLL = "zinekit-pages-scroll";

  function reload() {
    try { sessionStorage.setItem(SCROLL, String(window.scrollY)); } catch (e) { /* private mode */ }
    window.location.reload();
  }

  document.addEventListener("click", function (event) {
    var box = event.target.closest ? event.target.closest(".zk-para") : null;
    if (!box) return;
    var where = document.getElementById("zk-where");
    if (where) where.textContent = box.getAttribute("data-where");
    var marked = document.querySelectorAll(".zk-para.zk-chosen");
    for (var i = 0; i < marked.length; i++) marked[i].classList.remove("zk-chosen");
    box.classList.add("zk-chosen");
    if (box.getAttribute("href").charAt(0) === "#") event.preventDefault();
  });

  document.addEventListener("DOMContentLoaded", function () {
    var bar = document.getElementById("zk-preview");
    if (!bar) return;
    var issue = bar.getAttribute("data-issue");
    var version = bar.getAttribute("data-version");
    var ask = function () {
      var request = new XMLHttpRequest();
      request.open("GET", "/__zinekit/pages-version?issue=" + issue + "&known=" + version);
      request.onload = function () {
        if (request.status === 200 && request.responseText.trim() !== version) reload();
        else window.setTimeout(ask, 300);
      };
      request.onerror = function () { window.setTimeout(ask, 2000); };
      request.send();
    };
    ask();
  });

  window.addEventListener("load", function () {
    var y = null;
    try { y = sessionStorage.getItem(SCROLL); sessionStorage.removeItem(SCROLL); } catch (e) { return; }
    if (y !== null) window.scrollTo(0, parseFloat(y));
  });
})();
